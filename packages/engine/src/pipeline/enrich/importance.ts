/**
 * Importance: a 0–1 score from signals connectors already put on items (no network, no model). Each signal is
 * saturated to 0–1 (a thread with 20 replies is not 20× one with 1) and weighted; the connector's row of
 * IMPORTANCE_WEIGHTS overrides the defaults (a flag on a mail means more than a long mail does).
 */
export interface ImportanceSignals {
  replies: number;
  reactions: number;
  /** Starred, flagged, pinned, "important" label. */
  marked: boolean;
  /** Written by the user (metadata `fromMe`/`own`, or an author among `self`). */
  own: boolean;
  /** Mentions the user (`@name` of one of `self`, or metadata `mentionsMe`). */
  mentioned: boolean;
  /** Characters of normalized content. */
  length: number;
  /** Edited after it was first written. */
  edited: boolean;
}

export type ImportanceWeights = Record<keyof ImportanceSignals, number> & { base: number };

export const DEFAULT_IMPORTANCE_WEIGHTS: ImportanceWeights = {
  base: 0.1,
  replies: 0.2,
  reactions: 0.15,
  marked: 0.25,
  own: 0.1,
  mentioned: 0.15,
  length: 0.1,
  edited: 0.05,
};

/** Per-connector overrides of DEFAULT_IMPORTANCE_WEIGHTS (documented in docs/architecture.md). */
export const IMPORTANCE_WEIGHTS: Record<string, Partial<ImportanceWeights>> = {
  slack: { replies: 0.25, reactions: 0.2 },
  'slack-export': { replies: 0.25, reactions: 0.2 },
  imap: { marked: 0.35, length: 0.05 },
  maildir: { marked: 0.35, length: 0.05 },
  mbox: { marked: 0.35, length: 0.05 },
  github: { replies: 0.25, reactions: 0.15, marked: 0.2 },
  git: { base: 0.2, length: 0.15, own: 0.2 },
  obsidian: { base: 0.2, edited: 0.15, length: 0.15 },
  'browser-history': { base: 0.05, length: 0.05 },
  logs: { base: 0.05 },
};

const MARK_WORDS = /^\\?(flagged|starred|star|pinned|important|priority|urgent)$/i;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

function reactionCount(v: unknown): number {
  if (Array.isArray(v)) return v.reduce<number>((n, r) => n + (num((r as { count?: unknown })?.count) || 1), 0);
  if (v && typeof v === 'object') return num((v as { total_count?: unknown }).total_count);
  return num(v);
}

function words(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export interface SignalInput {
  content: string;
  author: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
}

/** Reads the signals from an item's metadata as the connectors write them (several spellings accepted). */
export function readSignals(item: SignalInput, self: string[] = []): ImportanceSignals {
  const m = item.metadata;
  const replies = num(m.replyCount) + num(m.reply_count) + num(m.comments) + num(m.commentCount);
  const reactions = reactionCount(m.reactions) + num(m.reactionCount) + num(m.likes) + num(m.favorite_count);
  const marks = [...words(m.flags), ...words(m.labels), ...words(m.labelIds), ...item.tags];
  const marked = m.starred === true || m.flagged === true || m.pinned === true || marks.some((w) => MARK_WORDS.test(w));
  const selfLower = self.map((s) => s.toLowerCase()).filter(Boolean);
  const author = item.author?.toLowerCase() ?? '';
  const own = m.fromMe === true || m.own === true || (author !== '' && selfLower.some((s) => author.includes(s)));
  // Lower-cased only when there is a name to look for: most installs set no `self`, and this runs for every item.
  const text = selfLower.length ? item.content.toLowerCase() : '';
  const mentioned =
    m.mentionsMe === true ||
    selfLower.some((s) => text.includes(`@${s}`)) ||
    words(m.mentions).some((x) => selfLower.includes(x.toLowerCase()));
  const edited = Boolean(m.editedTs ?? m.editedAt ?? m.edited_at ?? m.edited);
  return { replies, reactions, marked, own, mentioned, length: item.content.length, edited };
}

const saturate = (n: number, half: number): number => n / (n + half);

/** The weighted score, clamped to 0–1 and rounded to 3 decimals (stable across backends). */
export function scoreImportance(s: ImportanceSignals, connector?: string): number {
  const w = { ...DEFAULT_IMPORTANCE_WEIGHTS, ...(connector ? IMPORTANCE_WEIGHTS[connector] : undefined) };
  const score =
    w.base +
    w.replies * saturate(s.replies, 3) +
    w.reactions * saturate(s.reactions, 3) +
    w.marked * (s.marked ? 1 : 0) +
    w.own * (s.own ? 1 : 0) +
    w.mentioned * (s.mentioned ? 1 : 0) +
    w.length * Math.min(1, Math.log10(1 + s.length) / 4) +
    w.edited * (s.edited ? 1 : 0);
  return Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000;
}
