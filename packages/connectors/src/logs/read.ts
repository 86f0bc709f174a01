import type { Item, Page, ReadContext } from '@tributary/sdk';
import { readHead, readLines, sha, type Line } from './client.js';
import {
  assignFiles,
  FILE_PREFIX,
  fileKey,
  FileStateSchema,
  gzKeyOf,
  pruneStates,
  type Assignment,
  type FileState,
  type LogsCheckpoint,
} from './checkpoint.js';
import { listLogFiles } from './client.js';
import { guardOf } from '@tributary/sdk';
import type { LogsConfig } from './config.js';
import { detectFormat, PARSERS, type LogFormat, type ParserState } from './formats/index.js';
import { addToGroup, toRequestItem, toWindowItem, type WindowGroup } from './map.js';

type Ctx = ReadContext<LogsConfig, LogsCheckpoint>;
type Errors = NonNullable<Page['errors']>;

/** Per page, at most this many malformed lines are listed one by one; the rest are counted in the file's state. */
const MAX_ERRORS_PER_PAGE = 20;
const SAMPLE_BYTES = 64 * 1024;
/** Bytes of the last line read that the checkpoint hashes to recognise the content again. */
const CHECK_BYTES = 64;

/** A resume point: a line start and the bytes just before it. */
interface Resume {
  offset: number;
  prev: Buffer | undefined;
}

function commit(state: FileState, at: Resume): void {
  state.offset = at.offset;
  if (at.prev) {
    const tail = at.prev.subarray(Math.max(0, at.prev.length - CHECK_BYTES));
    state.checkLen = tail.length;
    state.checkHash = sha(tail);
  }
}

/** The file states committed so far (at most MAX_ENTRIES, so loading them all is bounded). */
async function loadStates(ctx: Ctx): Promise<FileState[]> {
  const states: FileState[] = [];
  // A run without a checkpoint sees an empty state (the engine's rule): skip the round trip.
  if (!ctx.checkpoint) return states;
  for await (const [, value] of ctx.state.list(FILE_PREFIX)) {
    const parsed = FileStateSchema.safeParse(value);
    if (parsed.success) states.push(parsed.data);
  }
  return states;
}

/**
 * The state change of a page: the file states that differ from what was last written (the file being read, new
 * files, `seenAt` moves), and the pruned ones. `written` (id → JSON) is updated to what this page writes.
 */
function stateChange(states: FileState[], now: number, written: Map<string, string>): Page['state'] {
  const kept = pruneStates(states, now);
  const set: Record<string, FileState> = {};
  const ids = new Set<string>();
  for (const s of kept) {
    ids.add(s.id);
    const json = JSON.stringify(s);
    if (written.get(s.id) === json) continue;
    written.set(s.id, json);
    set[fileKey(s.id)] = JSON.parse(json) as FileState;
  }
  const gone = [...written.keys()].filter((id) => !ids.has(id));
  for (const id of gone) written.delete(id);
  return { set, delete: gone.map(fileKey) };
}

async function formatOf(a: Assignment, config: LogsConfig): Promise<LogFormat | 'unknown'> {
  // a forced format wins over what an earlier pass detected
  if (config.format !== 'auto') return config.format;
  if (a.state.format) return a.state.format;
  const head = (await readHead(a.file, SAMPLE_BYTES)).toString('utf8');
  const lines = head.split('\n');
  if (!head.endsWith('\n') && head.length >= SAMPLE_BYTES) lines.pop();
  return (
    detectFormat(
      lines
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l !== '')
        .slice(0, 50),
    ) ?? 'unknown'
  );
}

/**
 * One pass over the configured logs: every file matched, from where its content was last read, to its current end.
 * Yields a page every `pageSize` items and a last page; each page carries the file states it changed.
 */
export async function* readLogs(ctx: Ctx): AsyncGenerator<Page<LogsCheckpoint>> {
  const { config } = ctx;
  const now = ctx.clock.now();
  const aggregate = ctx.features.aggregate === true;
  const windowMs = config.aggregateWindowMinutes * 60_000;
  const since = ctx.since?.getTime();
  const states = await loadStates(ctx);
  const written = new Map(states.map((s) => [s.id, JSON.stringify(s)]));
  // Globs may reach anywhere below their base: every matched file passes the source's path guard.
  const guard = guardOf(ctx);
  const matched = (await listLogFiles(config.paths)).filter((f) => !guard.denied(f.path));
  const assignments = await assignFiles(matched, states, now);
  let items: Item[] = [];
  let errors: Errors = [];
  const page = (): Page<LogsCheckpoint> => {
    const p: Page<LogsCheckpoint> = {
      items,
      state: stateChange(states, now, written),
      checkpoint: { v: 2 },
      ...(errors.length ? { errors } : {}),
    };
    items = [];
    errors = [];
    return p;
  };

  for (const [index, a] of assignments.entries()) {
    ctx.signal.throwIfAborted();
    const { file, state } = a;
    ctx.progress({ phase: 'reading', message: file.path, done: index, total: assignments.length });
    const format = await formatOf(a, config);
    if (state.format === undefined && format === 'unknown') {
      errors.push({
        message: `${file.path}: not an access log in a known format (combined, json, elb, w3c, atlassian); skipped. Set "format" to force one.`,
      });
    }
    state.format = format;
    const parser = format === 'unknown' ? undefined : PARSERS[format];
    const parserState: ParserState = state.fields ? { fields: [...state.fields] } : {};
    const container = state.path;
    let open: { start: number; groups: Map<string, WindowGroup>; resume: Resume } | undefined;
    let prev: Buffer | undefined;
    let resume: Resume = { offset: state.offset, prev: undefined };
    const emitWindow = (w: NonNullable<typeof open>): void => {
      for (const g of w.groups.values())
        items.push(toWindowItem(g, w.start, windowMs, { fileId: state.id, container }));
    };
    let ended = true;
    for await (const line of readLines(file, state.offset) as AsyncIterable<Line>) {
      if (!line.complete && !file.gz && now - file.mtimeMs < config.partialLineGraceMs) {
        ended = false; // a writer may be mid-line: leave it for the next pass
        break;
      }
      state.lines++;
      const req = parser && !line.oversized ? parser.parse(line.text, parserState) : undefined;
      if (req === undefined) {
        state.malformed++;
        if (parser && errors.length < MAX_ERRORS_PER_PAGE) {
          errors.push({
            externalId: `${state.id}:${line.start}`,
            message: `${file.path} @${line.start}: not a ${format} line${line.oversized ? ' (over 1 MiB)' : ''}`,
          });
        }
      } else if (req !== 'directive' && (since === undefined || !req.time || Date.parse(req.time) >= since)) {
        if (!aggregate) {
          items.push(
            toRequestItem(req, line.text, {
              externalId: `${state.id}:${line.start}`,
              container,
              format: format as LogFormat,
              fileId: state.id,
            }),
          );
        } else if (!req.time) {
          state.malformed++;
        } else {
          const t = Date.parse(req.time);
          const start = t - (((t % windowMs) + windowMs) % windowMs);
          if (open && start > open.start) {
            emitWindow(open);
            open = undefined;
          }
          // a late line (older than the open window) is counted in the open window: logs are time-ordered enough
          open ??= { start, groups: new Map(), resume: { offset: line.start, prev } };
          addToGroup(open.groups, req);
        }
      }
      prev = line.raw;
      state.fields = parserState.fields;
      resume = open ? open.resume : { offset: line.end, prev };
      if (items.length >= config.pageSize) {
        commit(state, resume);
        yield page();
        ctx.signal.throwIfAborted();
      }
    }
    // The open window is emitted as it stands; the checkpoint stays at its first line, so the next pass re-reads it
    // and the window item gets a new version with the complete counts.
    if (open) emitWindow(open);
    commit(state, resume);
    if (file.gz && ended) state.gzKey = gzKeyOf(file);
    if (state.fields === undefined) delete state.fields;
  }
  yield page();
}
