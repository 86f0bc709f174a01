import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Engine } from '@tributary/engine';
import { toTributaryError } from '@tributary/sdk';
import { ownedSource, type Caller } from '../api/context.js';
import { fetchMemory, runSearch, runTimeline } from '../api/query.js';
import { IdParam } from '../api/schemas/common.js';
import { SearchQuerySchema, TimelineQuerySchema } from '../api/schemas/search.js';
import { sourceWire, statsWire } from '../api/wire.js';

/** `search_memories` takes `query` (the REST route's `q`); everything else is the REST schema as is. */
export const SearchToolInput = SearchQuerySchema.omit({ q: true }).extend({ query: SearchQuerySchema.shape.q });

/** The server's name and version as MCP clients see them. */
export const SERVER_INFO = { name: 'tributary', version: '1.0.0' };

/**
 * An MCP server exposing a user's memory: `search_memories`, `get_memory`, `list_sources`, `timeline`, and the
 * sources as resources. Every call is scoped to `caller.user.id`. Failures are `isError` results with the code.
 */
export function createMcpServer(engine: Engine, caller: Caller): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {}, logging: {} },
    instructions:
      "Tributary is the user's synced memory of chat, mail, code, notes and more. Use search_memories to find things, " +
      'get_memory to read one in full, timeline for what happened in a period or thread, list_sources to see what is synced.',
  });
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'search_memories',
    {
      title: 'Search memories',
      description:
        'Ranked full-text search over everything synced. query: words and "phrases" (all must match), word* for prefixes. ' +
        'Filters (comma-separated): source, connector, stream, author, container, tag; since/until ISO times. Returns snippets with matches in « ».',
      inputSchema: SearchToolInput,
      annotations: readOnly,
    },
    (args) =>
      run(async () => {
        const { query, ...rest } = args;
        return runSearch(engine, caller, { ...rest, q: query });
      }),
  );

  server.registerTool(
    'get_memory',
    {
      title: 'Get a memory',
      description: 'One memory by id (from search_memories or timeline): full content, metadata and earlier versions.',
      inputSchema: IdParam,
      annotations: readOnly,
    },
    (args) => run(() => fetchMemory(engine, caller, args.id)),
  );

  server.registerTool(
    'list_sources',
    {
      title: 'List sources',
      description: 'The synced sources with their status, last sync and counts.',
      annotations: readOnly,
    },
    () => run(() => listSources(engine, caller)),
  );

  server.registerTool(
    'timeline',
    {
      title: 'Timeline',
      description:
        'Memories in time order: since/until (ISO times), source (names or ids, comma-separated), thread, order (asc|desc), ' +
        'limit; pass next_cursor as cursor for the next page.',
      inputSchema: TimelineQuerySchema,
      annotations: readOnly,
    },
    (args) => run(() => runTimeline(engine, caller, args)),
  );

  server.registerResource(
    'sources',
    'tributary://sources',
    { title: 'Sources', description: 'All synced sources with status and counts', mimeType: 'application/json' },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify(await listSources(engine, caller), null, 2),
        },
      ],
    }),
  );

  server.registerResource(
    'source',
    new ResourceTemplate('tributary://sources/{id}', {
      list: async () => ({
        resources: (await engine.sources.list(caller.user.id)).map((s) => ({
          uri: `tributary://sources/${s.id}`,
          name: s.name,
          description: `${s.sourceType} source (${s.status})`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'Source', description: 'One source with its stats', mimeType: 'application/json' },
    async (uri, vars) => {
      const source = await ownedSource(engine, caller, String(vars.id));
      const body = { ...sourceWire(source, undefined), stats: statsWire(await engine.stats(source.id)) };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
    },
  );

  return server;
}

async function listSources(engine: Engine, caller: Caller) {
  const sources = await engine.sources.list(caller.user.id);
  const connectors = engine.connectors.list();
  return {
    sources: await Promise.all(
      sources.map(async (s) => {
        const stats = await engine.stats(s.id);
        const wire = sourceWire(
          s,
          connectors.find((c) => c.manifest.name === s.sourceType),
        );
        return {
          id: wire.id,
          name: wire.name,
          source_type: wire.source_type,
          status: wire.status,
          error_message: wire.error_message,
          last_sync_at: wire.last_sync_at,
          memories: stats.memories,
          by_stream: stats.byStream,
          oldest: stats.oldest,
          newest: stats.newest,
        };
      }),
    ),
  };
}

/** A tool result: the value as JSON text, or an `isError` result naming the code. */
async function run(fn: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    const value = await fn();
    return {
      content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
      structuredContent: value as Record<string, unknown>,
    };
  } catch (err) {
    const e = toTributaryError(err);
    const message = e.code === 'internal' ? 'Internal error; see the server log.' : e.message;
    return { isError: true, content: [{ type: 'text', text: `${e.code}: ${message}` }] };
  }
}
