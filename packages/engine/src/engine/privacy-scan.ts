import type { MemoryReadStore, MemoryRecord, SourceRecord, SourceStore } from '../store/types.js';

/** The ports a scan uses: it lists the owner's sources and reads (and, for purge, erases) their memories. */
type ScanStore = Pick<SourceStore, 'listSources'> &
  Pick<MemoryReadStore, 'exportMemories' | 'getMemory' | 'eraseMemories'>;
import { compilePrivacy, compileRegex, isExcluded, type PrivacyRules } from './privacy.js';

export interface PrivacySample {
  memoryId: string;
  source: string;
  externalId: string;
  action: 'drop' | 'redact';
  /** How many matches a redaction would replace (0 for a drop). */
  matches: number;
}

export interface PrivacyReport {
  scanned: number;
  /** Stored memories an exclusion rule would drop. */
  dropped: number;
  /** Stored memories a redaction rule would change. */
  redacted: number;
  /** The first 20 affected memories (ids only: the matched text is not echoed). */
  samples: PrivacySample[];
}

/** Time a scan may hold the event loop before it lets other work (requests, health checks) run. */
const SLICE_MS = 10;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every stored memory of the user, in pages. A store read resolves in a microtask, so without an explicit yield a
 * scan of a large store would hold the event loop to its end: it gives way to the loop every SLICE_MS.
 */
async function* ownedMemories(
  store: ScanStore,
  ownerId: string,
): AsyncGenerator<{ source: SourceRecord; memory: MemoryRecord }> {
  let slice = performance.now();
  for (const source of await store.listSources({ ownerId }))
    for await (const memory of store.exportMemories(source.id)) {
      yield { source, memory };
      if (performance.now() - slice > SLICE_MS) {
        await yieldToLoop();
        slice = performance.now();
      }
    }
}

const fields = (m: MemoryRecord): string[] =>
  [m.title, m.content, m.author, m.container, JSON.stringify(m.metadata)].filter((v): v is string => !!v);

function countMatches(re: RegExp, values: string[]): number {
  let n = 0;
  for (const v of values) {
    re.lastIndex = 0;
    n += v.match(re)?.length ?? 0;
  }
  return n;
}

/** What `rules` would do to stored data, changing nothing. */
export async function privacyDryRun(store: ScanStore, ownerId: string, rules: PrivacyRules): Promise<PrivacyReport> {
  const report: PrivacyReport = { scanned: 0, dropped: 0, redacted: 0, samples: [] };
  const compiledBySource = new Map<string, ReturnType<typeof compilePrivacy>>();
  for await (const { source, memory } of ownedMemories(store, ownerId)) {
    report.scanned++;
    let compiled = compiledBySource.get(source.id);
    if (!compiled) compiledBySource.set(source.id, (compiled = compilePrivacy(rules, source)));
    const sample = { memoryId: memory.id, source: source.name, externalId: memory.externalId };
    if (isExcluded(compiled.exclude, memory)) {
      report.dropped++;
      if (report.samples.length < 20) report.samples.push({ ...sample, action: 'drop', matches: 0 });
      continue;
    }
    const values = fields(memory);
    const matches = compiled.redactionPatterns.reduce((n, p) => n + countMatches(p.pattern, values), 0);
    if (matches) {
      report.redacted++;
      if (report.samples.length < 20) report.samples.push({ ...sample, action: 'redact', matches });
    }
  }
  return report;
}

/**
 * `purge --match`: erases every stored memory of the user whose title, content, author, container or metadata
 * matches, in its current or an earlier version (tombstone, content, versions and index gone). `dryRun` only counts.
 */
export async function purgeMatching(
  store: ScanStore,
  ownerId: string,
  pattern: string,
  options: { flags?: string; dryRun?: boolean } = {},
): Promise<{ scanned: number; matched: number; purged: number }> {
  const re = compileRegex(pattern, options.flags, 'match');
  const ids: string[] = [];
  let scanned = 0;
  for await (const { memory } of ownedMemories(store, ownerId)) {
    scanned++;
    if (countMatches(re, fields(memory))) ids.push(memory.id);
    else if (memory.version > 1) {
      // An earlier version may hold what the current one no longer shows: it must go too.
      const versions = (await store.getMemory(memory.id))?.versions ?? [];
      const old = versions.flatMap((v) => [v.title, v.content, JSON.stringify(v.metadata)]);
      if (
        countMatches(
          re,
          old.filter((x): x is string => !!x),
        )
      )
        ids.push(memory.id);
    }
  }
  if (options.dryRun) return { scanned, matched: ids.length, purged: 0 };
  let purged = 0;
  for (let i = 0; i < ids.length; i += 500) purged += await store.eraseMemories(ids.slice(i, i + 500));
  return { scanned, matched: ids.length, purged };
}
