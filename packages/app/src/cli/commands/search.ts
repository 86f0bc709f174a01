import type { Command } from 'commander';
// The module, not the engine's index: every command imports this file, and `--version` must not load the engine.
import {
  MAX_PAGE,
  SEARCH_MODES,
  type RankedHit,
  type RankedSearchQuery,
  type SearchMode,
  type SearchResult,
} from '@tributary/engine/search/types';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk/errors';
import type { CliContext } from '../context.js';
import { formatTime, normalizeSnippet } from '../io.js';
import { collect, parsePositiveInt, parseTime } from '../parse.js';
import type { ExitState } from '../program.js';

export interface SearchFlags {
  source?: string[];
  connector?: string[];
  author?: string[];
  since?: string;
  until?: string;
  limit?: string;
  minImportance?: string;
  domain?: string[];
  fts?: boolean;
  json?: boolean;
  mode?: string;
  cursor?: string;
}

/** The `--json` shape of one hit (docs/cli.md). The snippet marks matches with « ». */
export function hitJson(hit: RankedHit): Record<string, unknown> {
  return {
    memoryId: hit.memoryId,
    score: hit.score,
    title: hit.title,
    snippet: normalizeSnippet(hit.snippet),
    source: hit.sourceName,
    sourceId: hit.sourceId,
    connector: hit.connector,
    stream: hit.stream,
    externalId: hit.externalId,
    author: hit.author,
    container: hit.container,
    occurredAt: hit.occurredAt,
    url: hit.url,
    tags: hit.tags,
    importance: hit.importance,
    domain: hit.domain,
    lists: hit.lists,
  };
}

/** `--mode`: one of the search modes, or a usage error (exit 2). */
function parseMode(raw: string): SearchMode {
  if (!(SEARCH_MODES as readonly string[]).includes(raw))
    throw new TributaryError('invalid_input', `--mode must be one of ${SEARCH_MODES.join(', ')}, got "${raw}".`, {
      issues: [{ path: '--mode', message: 'unknown mode' }],
    });
  return raw as SearchMode;
}

/**
 * Fetches `limit` hits, page by page ({@link MAX_PAGE} at most per request): a large `--limit` is paged, never cut.
 * The result carries the first page's total and the cursor after the last hit returned.
 */
async function searchAll(
  search: (q: RankedSearchQuery) => Promise<SearchResult>,
  query: RankedSearchQuery,
  limit: number,
): Promise<SearchResult> {
  const first = await search({ ...query, limit: Math.min(limit, MAX_PAGE) });
  const hits = [...first.hits];
  let cursor = first.nextCursor;
  while (cursor && hits.length < limit) {
    const page = await search({ ...query, mode: first.mode, cursor, limit: Math.min(limit - hits.length, MAX_PAGE) });
    hits.push(...page.hits);
    cursor = page.nextCursor;
  }
  // Paged to the last match from the first one: the count is exact whatever the first page's count said.
  const complete = !cursor && !query.cursor;
  return {
    ...first,
    hits,
    nextCursor: cursor,
    ...(complete ? { total: hits.length, totalExact: true } : {}),
  };
}

/** "960 matches" or "at least 1000 matches". */
export function totalText(r: Pick<SearchResult, 'total' | 'totalExact'>): string {
  return `${r.totalExact ? '' : 'at least '}${r.total} match${r.total === 1 ? '' : 'es'}`;
}

/** `--min-importance`: a number from 0 to 1, or a usage error that says so (exit 2, nothing searched). */
function parseImportance(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new TributaryError('invalid_input', `--min-importance must be a number from 0 to 1, got "${raw}".`, {
      issues: [{ path: '--min-importance', message: 'expected 0–1' }],
    });
  return n;
}

/** One option of `tributary search`: registered with commander, and parsed by the quick path (quick-search.ts). */
export interface SearchOption {
  /** The long flag without dashes (its value's name follows in `value`). */
  flag: string;
  key: keyof SearchFlags;
  description: string;
  /** The value's name in the help (`--limit <n>`); absent for a switch. */
  value?: string;
  repeatable?: boolean;
  defaultValue?: string;
}

/** Every option of `tributary search`, in the order of its help. */
export const SEARCH_OPTIONS: readonly SearchOption[] = [
  { flag: 'source', key: 'source', value: 'name', repeatable: true, description: 'only this source; repeatable' },
  {
    flag: 'connector',
    key: 'connector',
    value: 'name',
    repeatable: true,
    description: 'only sources of this connector; repeatable',
  },
  { flag: 'author', key: 'author', value: 'name', repeatable: true, description: 'only by this author; repeatable' },
  {
    flag: 'since',
    key: 'since',
    value: 'time',
    description: 'only from this time on: 2024-05-01, 2024-05-01T10:00Z, or 7d / 12h / 2w ago',
  },
  { flag: 'until', key: 'until', value: 'time', description: 'only up to this time (same forms as --since)' },
  {
    flag: 'min-importance',
    key: 'minImportance',
    value: 'x',
    description: 'only memories of at least this importance (0 to 1)',
  },
  {
    flag: 'domain',
    key: 'domain',
    value: 'name',
    repeatable: true,
    description: 'only this domain (work, code, personal …); repeatable',
  },
  {
    flag: 'limit',
    key: 'limit',
    value: 'n',
    defaultValue: '10',
    description: `how many results (more than ${MAX_PAGE} are fetched page by page)`,
  },
  {
    flag: 'mode',
    key: 'mode',
    value: 'mode',
    description: 'keyword, semantic or hybrid (default: hybrid when vectors exist, else keyword)',
  },
  { flag: 'cursor', key: 'cursor', value: 'cursor', description: 'continue after the page that printed this cursor' },
  { flag: 'fts', key: 'fts', description: 'pass the query to the full-text engine as is (its own operators)' },
  { flag: 'json', key: 'json', description: 'print the hits as JSON' },
];

/** `tributary search <query>`. */
export function registerSearch(program: Command, ctx: CliContext, _state: ExitState): void {
  const command = program
    .command('search')
    .argument('<query...>', 'words and "quoted phrases" (all must match); word* matches a prefix')
    .description('search everything synced, best matches first');
  for (const o of SEARCH_OPTIONS) {
    const flags = o.value ? `--${o.flag} <${o.value}>` : `--${o.flag}`;
    if (o.repeatable) command.option(flags, o.description, collect, []);
    else if (o.defaultValue !== undefined) command.option(flags, o.description, o.defaultValue);
    else command.option(flags, o.description);
  }
  command.action((words: string[], opts: SearchFlags) => runSearch(ctx, words, opts));
}

/** What a search needs of the CLI: its output and the engine opened for reading. */
export type SearchContext = Pick<CliContext, 'out' | 'readEngine'>;

/** Runs `tributary search` on parsed arguments (from commander or the quick path) and prints the hits. */
export async function runSearch(ctx: SearchContext, words: string[], opts: SearchFlags): Promise<void> {
  const text = words.join(' ');
  const limit = parsePositiveInt(opts.limit ?? '10', '--limit');
  const query: RankedSearchQuery = { text, ownerId: LOCAL_USER_ID, syntax: opts.fts ? 'fts' : 'simple' };
  if (opts.mode !== undefined) query.mode = parseMode(opts.mode);
  if (opts.cursor) query.cursor = opts.cursor;
  if (opts.since) query.since = parseTime(opts.since, '--since');
  if (opts.until) query.until = parseTime(opts.until, '--until');
  if (opts.connector?.length) query.connectors = opts.connector;
  if (opts.author?.length) query.authors = opts.author;
  if (opts.minImportance !== undefined) query.minImportance = parseImportance(opts.minImportance);
  if (opts.domain?.length) query.domains = opts.domain;
  const engine = await ctx.readEngine();
  if (opts.source?.length)
    query.sourceIds = await Promise.all(opts.source.map(async (s) => (await engine.sources.get(s, LOCAL_USER_ID)).id));
  const result = await searchAll((q) => engine.search(q), query, limit);
  const { hits } = result;
  if (opts.json)
    return ctx.out.json({
      query: text,
      mode: result.mode,
      total: result.total,
      totalExact: result.totalExact,
      nextCursor: result.nextCursor,
      ...(result.embedding ? { embedding: result.embedding } : {}),
      ...(result.warnings ? { warnings: result.warnings } : {}),
      hits: hits.map(hitJson),
    });
  const out = ctx.out;
  for (const w of result.warnings ?? []) out.line(out.dim(`! ${w}`));
  if (hits.length === 0) {
    out.line(`No results for "${text}" (${result.mode}).`);
    return;
  }
  hits.forEach((hit, i) => {
    const title = hit.title ?? hit.externalId;
    out.line(`${out.dim(`${i + 1}.`)} ${out.bold(title)}`);
    const meta = [
      `${hit.sourceName} (${hit.connector})`,
      formatTime(hit.occurredAt),
      hit.author,
      hit.domain,
      hit.importance === null ? null : `importance ${hit.importance.toFixed(2)}`,
    ]
      .filter(Boolean)
      .join(' · ');
    out.line(`   ${out.dim(meta)}`);
    out.line(`   ${out.highlight(hit.snippet)}`);
    if (hit.url) out.line(`   ${out.dim(hit.url)}`);
    out.line('');
  });
  const coverage = result.embedding
    ? ` · ${result.embedding.embedded} chunk texts embedded${result.embedding.pending ? `, ${result.embedding.pending} pending` : ''}`
    : '';
  out.line(out.dim(`${hits.length} shown of ${totalText(result)} (${result.mode}${coverage})`));
  if (result.nextCursor) out.line(out.dim(`more: --cursor ${result.nextCursor}`));
}
