import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Engine } from '@tributary/engine';
import { TributaryError, isTributaryError, toTributaryError } from '@tributary/sdk';
import { ownedSource, type Caller } from '../api/context.js';
import { validationError } from '../api/errors.js';
import { fetchMemory, runSearch, runTimeline } from '../api/query.js';
import { SearchQuerySchema, TimelineQuerySchema } from '../api/schemas/search.js';
import { sourceWire, statsWire } from '../api/wire.js';

/** `search_memories` takes `query` (the REST route's `q`); everything else is the REST schema as is. */
export const SearchToolInput = SearchQuerySchema.omit({ q: true })
  .extend({ query: SearchQuerySchema.shape.q })
  .strict();

/** `get_memory`: the id as given by search or timeline, as a string or as the number it looks like. */
export const GetMemoryInput = z
  .object({
    id: z
      .union([z.string().min(1).max(200), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
      .describe('memory_id from search_memories or timeline (a string or a number)'),
  })
  .strict();

/** `list_sources` takes nothing, and says so: an argument is refused like any unknown argument. */
const NoInput = z.object({}).strict();

/** MCP's code for a resource that does not exist (spec: server/resources, "Error Handling"). */
export const RESOURCE_NOT_FOUND = -32002;

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
        'Ranked search over everything synced. query: words and "phrases" (all must match), word* for prefixes. ' +
        'mode: keyword, semantic (by meaning) or hybrid (both fused; the default when vectors exist). ' +
        'Filters (comma-separated): source, connector, stream, author, container, tag; since/until ISO times. ' +
        'Returns snippets with matches in « », total (total_exact false: a lower bound) and next_cursor: pass it as cursor for the next page (limit at most 200).',
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
      inputSchema: GetMemoryInput,
      annotations: readOnly,
    },
    (args) => run(() => fetchMemory(engine, caller, String(args.id))),
  );

  server.registerTool(
    'list_sources',
    {
      title: 'List sources',
      description: 'The synced sources with their status, last sync and counts.',
      inputSchema: NoInput,
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
    async (uri, vars) => readSource(engine, caller, uri.href, String(vars.id)),
  );

  replaceCallAndRead(server, engine, caller);
  return server;
}

/** `tributary://sources/{id}`: one of the caller's sources with its stats; any other is -32002, not found. */
async function readSource(engine: Engine, caller: Caller, uri: string, id: string): Promise<ReadResourceResult> {
  try {
    const source = await ownedSource(engine, caller, id);
    const body = { ...sourceWire(source, undefined), stats: statsWire(await engine.stats(source.id)) };
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
  } catch (err) {
    if (isTributaryError(err) && err.code === 'not_found') throw resourceNotFound(uri);
    throw err;
  }
}

function resourceNotFound(uri: string): McpError {
  return new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });
}

/**
 * The SDK's own tools/call and resources/read answer in their words (`MCP error -32602: Input validation error …`,
 * -32602 for a missing resource). These replace them so that every tool failure reads `<code>: <message>` as
 * docs/mcp.md documents (an unknown tool too), unknown arguments are refused by the same strict schemas as everywhere,
 * and a missing resource is -32002 as the spec says. Tools are still listed by the SDK from the schemas.
 */
function replaceCallAndRead(server: McpServer, engine: Engine, caller: Caller): void {
  const tools: Record<string, { schema: z.ZodType; call: (args: any) => Promise<unknown> }> = {
    search_memories: {
      schema: SearchToolInput,
      call: ({ query, ...rest }) => runSearch(engine, caller, { ...rest, q: query }),
    },
    get_memory: { schema: GetMemoryInput, call: (args) => fetchMemory(engine, caller, String(args.id)) },
    list_sources: { schema: NoInput, call: () => listSources(engine, caller) },
    timeline: { schema: TimelineQuerySchema, call: (args) => runTimeline(engine, caller, args) },
  };
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = Object.hasOwn(tools, request.params.name) ? tools[request.params.name] : undefined;
    if (!tool) {
      // As the official SDK answers (and the conformance suite expects): a tool result with isError, not a
      // protocol error, so a model sees which tools exist.
      return errorResult(
        new TributaryError(
          'not_found',
          `Unknown tool "${request.params.name}"; tools: ${Object.keys(tools).join(', ')}.`,
        ),
      );
    }
    const parsed = tool.schema.safeParse(request.params.arguments ?? {});
    if (!parsed.success) return errorResult(validationError('json', parsed.error.issues));
    return run(() => tool.call(parsed.data));
  });
  server.server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const uri = request.params.uri;
    if (uri === 'tributary://sources') {
      const text = JSON.stringify(await listSources(engine, caller), null, 2);
      return { contents: [{ uri, mimeType: 'application/json', text }] };
    }
    const m = /^tributary:\/\/sources\/([^/?#]+)$/.exec(uri);
    let id: string | undefined;
    try {
      id = m ? decodeURIComponent(m[1]!) : undefined;
    } catch {
      // A malformed %-escape names no source.
    }
    if (id !== undefined) return readSource(engine, caller, uri, id);
    throw resourceNotFound(uri);
  });
}

async function listSources(engine: Engine, caller: Caller) {
  const sources = await engine.sources.list(caller.user.id);
  const connectors = engine.connectors.list();
  // As REST says it: a source of a disabled connector never runs, whatever its status.
  const disabled = new Set((await engine.connectors.registry.list()).filter((c) => !c.enabled).map((c) => c.name));
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
          status_reason: disabled.has(s.sourceType) ? 'connector disabled' : null,
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
    return errorResult(err);
  }
}

/** The documented failure text: `<code>: <message>` (internal details stay in the server log). */
function errorResult(err: unknown): CallToolResult {
  const e = toTributaryError(err);
  const message = e.code === 'internal' ? 'Internal error; see the server log.' : e.message;
  return { isError: true, content: [{ type: 'text', text: `${e.code}: ${message}` }] };
}
