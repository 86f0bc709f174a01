import { guardOf, type Item, type Page, type ReadContext } from '@tributary/sdk';
import { RECORD_PREFIX, type LinkedinCheckpoint, type RecordState } from './checkpoint.js';
import { findFiles, openLinkedinArchive, type LinkedinArchive } from './client.js';
import { LINKEDIN_STREAMS, type LinkedinExportConfig, type LinkedinStream } from './config.js';
import { itemHash, KEY_COLUMN, toArticleItem, toRowItem, type MapResult } from './map.js';
import { readCsv } from './parse.js';

type Ctx = ReadContext<LinkedinExportConfig, LinkedinCheckpoint>;
type Pass = NonNullable<LinkedinCheckpoint['pass']>;

/** One step of an import: a stream's CSV file, or all its article files. */
interface Unit {
  stream: LinkedinStream;
  files: string[];
}

/** The units of an archive in a fixed order (the checkpoint counts in it), for the configured streams. */
export function planUnits(streams: readonly LinkedinStream[], byStream: Map<string, string[]>): Unit[] {
  return LINKEDIN_STREAMS.filter((s) => streams.includes(s) && byStream.has(s)).map((s) => ({
    stream: s,
    files: byStream.get(s)!,
  }));
}

/** The records of one unit, mapped, in file order (a CSV's data rows, or one article per file). */
async function* recordsOf(archive: LinkedinArchive, unit: Unit, maxArticleBytes: number): AsyncGenerator<MapResult> {
  if (unit.stream !== 'articles') {
    const file = unit.files[0]!;
    for await (const row of readCsv(await archive.open(file), file, KEY_COLUMN[unit.stream]))
      yield toRowItem(unit.stream, row);
    return;
  }
  for (const file of unit.files) {
    const size = archive.size(file);
    if (size > maxArticleBytes) {
      yield { error: `${file} is ${size} bytes, over maxArticleBytes; skipped` };
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const c of await archive.open(file)) chunks.push(c as Buffer);
    yield toArticleItem(file, Buffer.concat(chunks).toString('utf8'));
  }
}

/**
 * Imports the archive. The same archive again yields nothing; a newer one yields the records that are new or whose
 * content changed, then deletes the records it no longer holds (see checkpoint.ts for the generations). Streamed
 * page by page; a crash resumes at the last committed row.
 */
export async function* readArchive(ctx: Ctx): AsyncGenerator<Page<LinkedinCheckpoint>> {
  const { config } = ctx;
  const archive = await openLinkedinArchive(guardOf(ctx).check(config.archivePath, 'archivePath'));
  try {
    const base: LinkedinCheckpoint = ctx.checkpoint ?? { v: 1, gen: 0 };
    if (base.archive === archive.key && !base.pass) {
      yield { checkpoint: base };
      return;
    }
    // a pass over another archive (replaced mid-import) starts over with a new generation
    const pass: Pass =
      base.pass?.archive === archive.key
        ? { ...base.pass }
        : { archive: archive.key, gen: Math.max(base.gen, base.pass?.gen ?? 0) + 1, unit: 0, row: 0 };
    const units = planUnits(config.streams, findFiles(archive.files));
    const present = new Set<string>(units.map((u) => u.stream));
    const checkpoint = (): LinkedinCheckpoint => ({
      v: 1,
      ...(base.archive ? { archive: base.archive } : {}),
      gen: base.gen,
      pass: { ...pass },
    });
    let pending: Item[] = [];
    let errors: NonNullable<Page['errors']> = [];
    const flush = async (): Promise<Page<LinkedinCheckpoint>> => {
      const batch = new Map(pending.map((i) => [i.externalId, i])); // a row exported twice counts once
      const stored = await ctx.state.getMany([...batch.keys()].map((id) => RECORD_PREFIX + id));
      const items: Item[] = [];
      const set: Record<string, RecordState> = {};
      for (const [id, item] of batch) {
        const h = itemHash(item);
        const before = stored.get(RECORD_PREFIX + id) as RecordState | undefined;
        set[RECORD_PREFIX + id] = { h, g: pass.gen, s: item.stream };
        // older than a first sync's backfillDays: remembered, so a later archive does not bring it back unchanged
        const tooOld = ctx.since && item.occurredAt && Date.parse(item.occurredAt) < ctx.since.getTime();
        if (before?.h !== h && !tooOld) items.push(item);
      }
      const page: Page<LinkedinCheckpoint> = {
        items,
        checkpoint: checkpoint(),
        ...(batch.size ? { state: { set } } : {}),
        ...(errors.length ? { errors } : {}),
      };
      pending = [];
      errors = [];
      return page;
    };
    ctx.signal.throwIfAborted();
    if (!pass.sweep) {
      for (let u = pass.unit; u < units.length; u++) {
        const unit = units[u]!;
        const skip = u === pass.unit ? pass.row : 0;
        pass.unit = u;
        let row = 0;
        ctx.progress({ phase: unit.stream });
        for await (const result of recordsOf(archive, unit, config.maxArticleBytes)) {
          if (row++ < skip) continue; // committed by an interrupted run
          pass.row = row;
          if ('error' in result) errors.push({ message: `${unit.stream} record ${row}: ${result.error}` });
          else pending.push(result.item);
          if (pending.length + errors.length >= config.pageSize) {
            yield await flush();
            ctx.signal.throwIfAborted();
          }
        }
        pass.unit = u + 1;
        pass.row = 0;
      }
      pass.sweep = true;
      yield await flush();
      ctx.signal.throwIfAborted();
    }
    ctx.progress({ phase: 'deletions' });
    // Records this archive did not hold. A configured stream with no file in this archive keeps its records (a
    // partial export is not a deletion); a stream taken out of the config loses them.
    let deletes: string[] = [];
    for await (const [key, value] of ctx.state.list(RECORD_PREFIX)) {
      const r = value as RecordState;
      if (r.g === pass.gen || (!present.has(r.s) && config.streams.includes(r.s as LinkedinStream))) continue;
      deletes.push(key.slice(RECORD_PREFIX.length));
      if (deletes.length >= config.pageSize) {
        yield { deletes, state: { delete: deletes.map((id) => RECORD_PREFIX + id) }, checkpoint: checkpoint() };
        deletes = [];
        ctx.signal.throwIfAborted();
      }
    }
    yield {
      ...(deletes.length ? { deletes, state: { delete: deletes.map((id) => RECORD_PREFIX + id) } } : {}),
      checkpoint: { v: 1, archive: archive.key, gen: pass.gen },
    };
  } finally {
    archive.close();
  }
}
