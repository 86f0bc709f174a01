import type { Command } from 'commander';
import type { SearchHit, SearchQuery } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { formatTime, normalizeSnippet } from '../io.js';
import { collect, parsePositiveInt, parseTime } from '../parse.js';
import type { ExitState } from '../program.js';

interface SearchFlags {
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
}

/** The `--json` shape of one hit (docs/cli.md). The snippet marks matches with « ». */
export function hitJson(hit: SearchHit): Record<string, unknown> {
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
  };
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

/** `tributary search <query>`. */
export function registerSearch(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('search')
    .argument('<query...>', 'words and "quoted phrases" (all must match); word* matches a prefix')
    .description('search everything synced, best matches first')
    .option('--source <name>', 'only this source; repeatable', collect, [])
    .option('--connector <name>', 'only sources of this connector; repeatable', collect, [])
    .option('--author <name>', 'only by this author; repeatable', collect, [])
    .option('--since <time>', 'only from this time on: 2024-05-01, 2024-05-01T10:00Z, or 7d / 12h / 2w ago')
    .option('--until <time>', 'only up to this time (same forms as --since)')
    .option('--min-importance <x>', 'only memories of at least this importance (0 to 1)')
    .option('--domain <name>', 'only this domain (work, code, personal …); repeatable', collect, [])
    .option('--limit <n>', 'how many results', '10')
    .option('--fts', 'pass the query to the full-text engine as is (its own operators)')
    .option('--json', 'print the hits as JSON')
    .action(async (words: string[], opts: SearchFlags) => {
      const text = words.join(' ');
      const query: SearchQuery = {
        text,
        ownerId: LOCAL_USER_ID,
        limit: parsePositiveInt(opts.limit ?? '10', '--limit'),
        syntax: opts.fts ? 'fts' : 'simple',
      };
      if (opts.since) query.since = parseTime(opts.since, '--since');
      if (opts.until) query.until = parseTime(opts.until, '--until');
      if (opts.connector?.length) query.connectors = opts.connector;
      if (opts.author?.length) query.authors = opts.author;
      if (opts.minImportance !== undefined) query.minImportance = parseImportance(opts.minImportance);
      if (opts.domain?.length) query.domains = opts.domain;
      const engine = await ctx.engine();
      if (opts.source?.length)
        query.sourceIds = await Promise.all(
          opts.source.map(async (s) => (await engine.sources.get(s, LOCAL_USER_ID)).id),
        );
      const { hits } = await engine.search(query);
      if (opts.json) return ctx.out.json({ query: text, hits: hits.map(hitJson) });
      if (hits.length === 0) {
        ctx.out.line(`No results for "${text}".`);
        return;
      }
      const out = ctx.out;
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
    });
}
