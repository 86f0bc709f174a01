import type { Item } from '@tributary/sdk';

/** One line of a Claude Code transcript, as far as we read it. */
export interface TranscriptEvent {
  type?: string;
  uuid?: string;
  parentUuid?: string | null;
  sessionId?: string;
  timestamp?: string;
  cwd?: string;
  gitBranch?: string;
  isSidechain?: boolean;
  isMeta?: boolean;
  isCompactSummary?: boolean;
  summary?: string;
  message?: { role?: string; model?: string; content?: string | ContentBlock[] };
}

export type ContentBlock =
  | { type: 'text'; text?: string }
  | { type: 'thinking'; thinking?: string }
  | { type: 'tool_use'; id?: string; name?: string; input?: Record<string, unknown> }
  | {
      type: 'tool_result';
      tool_use_id?: string;
      content?: string | Array<{ type?: string; text?: string }>;
      is_error?: boolean;
    }
  | { type: string; [key: string]: unknown };

const blocks = (e: TranscriptEvent): ContentBlock[] => {
  const c = e.message?.content;
  if (typeof c === 'string') return [{ type: 'text', text: c }];
  return Array.isArray(c) ? c : [];
};

/** A user line that starts a turn: typed text by the person (not a tool result, not injected meta text). */
export function isPrompt(e: TranscriptEvent): boolean {
  if (e.type !== 'user' || e.isMeta || e.isCompactSummary) return false;
  const b = blocks(e);
  return (
    b.some(
      (x) =>
        x.type === 'text' &&
        typeof (x as { text?: unknown }).text === 'string' &&
        (x as { text: string }).text.trim() !== '',
    ) && !b.some((x) => x.type === 'tool_result')
  );
}

const oneLine = (s: string, max: number): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

/** The argument that says what a tool call did, per Claude Code's built-in tools; other tools show their input. */
export function summarizeToolUse(name: string, input: Record<string, unknown> = {}): string {
  const pick = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof input[k] === 'string' && input[k] !== '') return input[k] as string;
    return undefined;
  };
  const arg =
    pick('command', 'file_path', 'notebook_path', 'pattern', 'url', 'query', 'path', 'description', 'prompt') ??
    (Object.keys(input).length ? JSON.stringify(input) : '');
  return `→ ${name}${arg ? `: ${oneLine(arg, 200)}` : ''}`;
}

function resultText(b: Extract<ContentBlock, { type: 'tool_result' }>): string {
  const c = b.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x?.text === 'string' ? x.text : '')).join(' ');
  return '';
}

/** A turn being assembled: the prompt and everything after it up to the next prompt. */
export interface Turn {
  prompt: TranscriptEvent;
  events: TranscriptEvent[];
}

/** Renders a turn as markdown: the prompt, the answer's text, one line per tool call, cut tool results. */
export function renderTurn(
  turn: Turn,
  opts: { maxToolResultChars: number },
): { text: string; toolCalls: number; model?: string; last?: string } {
  const prompt = blocks(turn.prompt)
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('\n')
    .trim();
  const out: string[] = [`**User:** ${prompt}`];
  let answer: string[] = [];
  let toolCalls = 0;
  let model: string | undefined;
  let last = turn.prompt.timestamp;
  const seen = new Set<string>();
  const flushAnswer = (): void => {
    if (answer.length) out.push(`**Assistant:** ${answer.join('\n')}`);
    answer = [];
  };
  for (const e of turn.events) {
    if (e.uuid) {
      if (seen.has(e.uuid)) continue; // some versions rewrite a line; read each once
      seen.add(e.uuid);
    }
    if (e.timestamp) last = e.timestamp;
    if (e.type === 'assistant') {
      model ??= e.message?.model;
      for (const b of blocks(e)) {
        if (b.type === 'text' && typeof (b as { text?: unknown }).text === 'string')
          answer.push((b as { text: string }).text.trim());
        else if (b.type === 'tool_use') {
          toolCalls++;
          const t = b as { name?: string; input?: Record<string, unknown> };
          answer.push(summarizeToolUse(t.name ?? 'tool', t.input));
        }
      }
    } else if (e.type === 'user') {
      for (const b of blocks(e)) {
        if (b.type !== 'tool_result' || opts.maxToolResultChars === 0) continue;
        const r = b as Extract<ContentBlock, { type: 'tool_result' }>;
        const text = oneLine(resultText(r), opts.maxToolResultChars);
        answer.push(`  ${r.is_error ? '✗' : '←'} ${text || '(no output)'}`);
      }
    }
  }
  flushAnswer();
  return {
    text: out.filter((s) => s.trim() !== '').join('\n\n'),
    toolCalls,
    ...(model ? { model } : {}),
    ...(last ? { last } : {}),
  };
}

const validIso = (t: string | undefined): string | undefined =>
  t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : undefined;
const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}\n…(cut)` : s);

/** A turn → one item of the `turns` stream. External id: `<sessionId>:<prompt uuid>` (or the prompt's byte offset). */
export function toTurnItem(
  turn: Turn,
  ctx: { sessionId: string; project: string; offset: number; maxToolResultChars: number; maxContentChars: number },
): Item {
  const r = renderTurn(turn, ctx);
  const p = turn.prompt;
  const firstLine = blocks(p).find((b) => b.type === 'text') as { text: string } | undefined;
  const occurredAt = validIso(p.timestamp);
  return {
    externalId: `${ctx.sessionId}:${p.uuid ?? `@${ctx.offset}`}`,
    stream: 'turns',
    content: cut(r.text, ctx.maxContentChars),
    contentType: 'markdown',
    title: oneLine(firstLine?.text ?? '', 120) || '(prompt)',
    ...(occurredAt ? { occurredAt } : {}),
    container: p.cwd ?? ctx.project,
    thread: ctx.sessionId,
    metadata: {
      sessionId: ctx.sessionId,
      project: ctx.project,
      toolCalls: r.toolCalls,
      ...(p.uuid ? { promptUuid: p.uuid } : {}),
      ...(p.cwd ? { cwd: p.cwd } : {}),
      ...(p.gitBranch ? { gitBranch: p.gitBranch } : {}),
      ...(r.model ? { model: r.model } : {}),
      ...(r.last ? { lastTimestamp: r.last } : {}),
    },
  };
}
