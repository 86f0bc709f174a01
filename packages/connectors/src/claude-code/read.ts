import type { Item, Page, ReadContext } from '@tributary/sdk';
import {
  FileCursorSchema,
  SESSION_PREFIX,
  sessionKey,
  type ClaudeCodeCheckpoint,
  type FileCursor,
} from './checkpoint.js';
import { listSessions, readJsonLines, type SessionFile } from './client.js';
import type { ClaudeCodeConfig } from './config.js';
import { isPrompt, renderTurn, toTurnItem, type TranscriptEvent, type Turn } from './map.js';
import { loadStateRecords } from '../lib/state-records.js';

type Ctx = ReadContext<ClaudeCodeConfig, ClaudeCodeCheckpoint>;
type Errors = NonNullable<Page['errors']>;

function parse(text: string): TranscriptEvent | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as TranscriptEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** One step of reading a file: an item (or none) and the file's cursor once it is committed. */
interface Step {
  item: Item | undefined;
  cursor: FileCursor;
}

/**
 * Turn granularity. Reads from `cursor.offset` (always a prompt line, or 0). A turn ends at the next prompt or at the
 * end of the file. The cursor stays at the start of the last turn, with `end` = where it reached: the next read
 * re-reads it and emits it again only if it grew (a continued answer), so nothing is lost or repeated.
 */
async function* readTurns(
  file: SessionFile,
  cursor: FileCursor,
  config: ClaudeCodeConfig,
  errors: Errors,
  since?: number,
): AsyncGenerator<Step> {
  let turn: { t: Turn; start: number } | undefined;
  let lastEnd = cursor.offset;
  const finish = (done: NonNullable<typeof turn>, end: number, atEof: boolean): Step => {
    const unchanged = done.start === cursor.offset && end === cursor.end;
    // a first sync bounded by backfillDays skips turns prompted before `since`
    const prompted = Date.parse(done.t.prompt.timestamp ?? '');
    const tooOld = since !== undefined && Number.isFinite(prompted) && prompted < since;
    const item =
      unchanged || tooOld
        ? undefined
        : toTurnItem(done.t, {
            sessionId: file.sessionId,
            project: file.project,
            offset: done.start,
            maxToolResultChars: config.maxToolResultChars,
            maxContentChars: config.maxContentChars,
          });
    // after a finished turn, resume at the next prompt (nothing of it emitted yet); at EOF, at this turn's start
    return {
      item,
      cursor: atEof ? { ino: file.ino, offset: done.start, end } : { ino: file.ino, offset: end, end: 0 },
    };
  };
  for await (const line of readJsonLines(file.path, cursor.offset, file.size)) {
    lastEnd = line.end;
    const e = parse(line.text);
    if (!e) {
      errors.push({ message: `${file.rel} @${line.start}: not a JSON object; skipped` });
      continue;
    }
    if (e.isSidechain && !config.includeSidechains) continue;
    if (isPrompt(e)) {
      if (turn) yield finish(turn, line.start, false);
      turn = { t: { prompt: e, events: [] }, start: line.start };
    } else if (turn) {
      turn.t.events.push(e);
    }
  }
  if (turn) yield finish(turn, lastEnd, true);
  else yield { item: undefined, cursor: { ino: file.ino, offset: lastEnd, end: 0 } }; // no prompt yet: skip what was read
}

/** Session granularity: the whole file is one memory, emitted again whenever the file grew. */
async function* readSession(
  file: SessionFile,
  cursor: FileCursor,
  config: ClaudeCodeConfig,
  errors: Errors,
  since?: number,
): AsyncGenerator<Step> {
  let lastActivity = -Infinity;
  const parts: string[] = [];
  let length = 0;
  let title: string | undefined;
  let first: TranscriptEvent | undefined;
  let turn: Turn | undefined;
  let turns = 0;
  let toolCalls = 0;
  let end = 0;
  const flush = (): void => {
    if (!turn) return;
    const r = renderTurn(turn, config);
    turns++;
    toolCalls += r.toolCalls;
    if (length < config.maxContentChars) parts.push(r.text); // memory stays bounded by the content cap
    length += r.text.length;
  };
  for await (const line of readJsonLines(file.path, 0, file.size)) {
    end = line.end;
    const e = parse(line.text);
    if (!e) {
      errors.push({ message: `${file.rel} @${line.start}: not a JSON object; skipped` });
      continue;
    }
    if (e.isSidechain && !config.includeSidechains) continue;
    if (e.type === 'summary' && typeof e.summary === 'string') title = e.summary;
    const at = Date.parse(e.timestamp ?? '');
    if (Number.isFinite(at) && at > lastActivity) lastActivity = at;
    if (isPrompt(e)) {
      flush();
      first ??= e;
      turn = { prompt: e, events: [] };
    } else turn?.events.push(e);
  }
  flush();
  // unchanged, no prompt yet, or (first sync bounded by backfillDays) nothing said since `since`
  if (end === cursor.end || !first || (since !== undefined && lastActivity < since)) {
    yield { item: undefined, cursor: { ino: file.ino, offset: 0, end } };
    return;
  }
  const content = parts.join('\n\n---\n\n');
  const firstText = renderTurn({ prompt: first, events: [] }, config).text.replace(/^\*\*User:\*\* /, '');
  const occurredAt =
    first.timestamp && !Number.isNaN(Date.parse(first.timestamp)) ? new Date(first.timestamp).toISOString() : undefined;
  yield {
    item: {
      externalId: file.sessionId,
      stream: 'sessions',
      content:
        content.length > config.maxContentChars ? `${content.slice(0, config.maxContentChars)}\n…(cut)` : content,
      contentType: 'markdown',
      title: (title ?? firstText.replace(/\s+/g, ' ')).slice(0, 120) || file.sessionId,
      ...(occurredAt ? { occurredAt } : {}),
      container: first.cwd ?? file.project,
      thread: file.sessionId,
      metadata: {
        sessionId: file.sessionId,
        project: file.project,
        turns,
        toolCalls,
        ...(first.cwd ? { cwd: first.cwd } : {}),
        ...(first.gitBranch ? { gitBranch: first.gitBranch } : {}),
      },
    },
    cursor: { ino: file.ino, offset: 0, end },
  };
}

/** The session files' cursors committed so far (one pass over connector state, paged by the engine). */
function loadCursors(ctx: Ctx): Promise<Map<string, FileCursor>> {
  return loadStateRecords(ctx, SESSION_PREFIX, FileCursorSchema);
}

/**
 * One pass over every session file, from each file's cursor. A page carries the cursors of the files it moved
 * (connector state), so it writes O(page) bytes; cursors of session files that are gone are dropped at the end.
 */
export async function* readClaudeCode(ctx: Ctx): AsyncGenerator<Page<ClaudeCodeCheckpoint>> {
  const { config } = ctx;
  const files = await loadCursors(ctx);
  const sessions = await listSessions(config.projectsDir, config.includeSidechains);
  let items: Item[] = [];
  let errors: Errors = [];
  let moved: Record<string, FileCursor> = {};
  const page = (drop: string[] = []): Page<ClaudeCodeCheckpoint> => {
    const p: Page<ClaudeCodeCheckpoint> = {
      items,
      state: { set: moved, ...(drop.length ? { delete: drop } : {}) },
      checkpoint: { v: 2 },
      ...(errors.length ? { errors } : {}),
    };
    items = [];
    errors = [];
    moved = {};
    return p;
  };
  for (const file of sessions) {
    ctx.signal.throwIfAborted();
    const known = files.get(file.rel);
    // A replaced or truncated file (new inode, or shorter than where we were) is read from the start.
    const cursor: FileCursor =
      known && known.ino === file.ino && file.size >= known.offset && file.size >= known.end
        ? known
        : { ino: file.ino, offset: 0, end: 0 };
    if (cursor === known && file.size === (cursor.end || cursor.offset)) continue; // nothing new
    const steps = (config.granularity === 'session' ? readSession : readTurns)(
      file,
      cursor,
      config,
      errors,
      ctx.since?.getTime(),
    );
    for await (const { item, cursor: c } of steps) {
      if (item) items.push(item);
      files.set(file.rel, c);
      moved[sessionKey(file.rel)] = c;
      if (items.length >= config.pageSize || Object.keys(moved).length >= config.pageSize) {
        yield page();
        ctx.signal.throwIfAborted();
      }
    }
  }
  const present = new Set(sessions.map((s) => s.rel));
  yield page([...files.keys()].filter((rel) => !present.has(rel)).map(sessionKey));
}
