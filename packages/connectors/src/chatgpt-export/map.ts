import type { Item } from '@tributary/sdk';

/** The parts of a conversations.json entry we read (the export has many more). */
export interface ExportConversation {
  id?: string;
  conversation_id?: string;
  title?: string | null;
  create_time?: number | null;
  update_time?: number | null;
  current_node?: string | null;
  default_model_slug?: string | null;
  gizmo_id?: string | null;
  is_archived?: boolean;
  mapping?: Record<string, ExportNode>;
}

export interface ExportNode {
  id?: string;
  parent?: string | null;
  children?: string[];
  message?: {
    id?: string;
    author?: { role?: string; name?: string | null };
    create_time?: number | null;
    content?: { content_type?: string; parts?: unknown[]; text?: string; language?: string };
    metadata?: { is_visually_hidden_from_conversation?: boolean; model_slug?: string };
    recipient?: string;
  } | null;
}

export const conversationId = (c: ExportConversation): string | undefined => c.conversation_id ?? c.id;

/**
 * The messages on the branch the user last saw: from `current_node` up the `parent` pointers to the root, reversed.
 * Other branches (edited prompts, regenerated answers) are not part of the conversation as it stands.
 * A cycle in the parent pointers ends the walk.
 */
export function currentBranch(c: ExportConversation): NonNullable<ExportNode['message']>[] {
  const mapping = c.mapping ?? {};
  let id = c.current_node ?? undefined;
  if (!id || !mapping[id]) {
    // no current node recorded: follow the last child from the root, as the web app shows by default
    const root = Object.values(mapping).find((n) => !n.parent);
    let node = root;
    while (node?.children?.length) node = mapping[node.children[node.children.length - 1]!];
    id = node?.id;
  }
  const out: NonNullable<ExportNode['message']>[] = [];
  const seen = new Set<string>();
  while (id && mapping[id] && !seen.has(id)) {
    seen.add(id);
    const node: ExportNode = mapping[id]!;
    if (node.message) out.push(node.message);
    id = node.parent ?? undefined;
  }
  return out.reverse();
}

/** The text of one message, or undefined for content a reader does not see (hidden, system, tool plumbing). */
export function messageText(
  m: NonNullable<ExportNode['message']>,
  includeTools: boolean,
): { role: string; text: string } | undefined {
  const role = m.author?.role ?? 'unknown';
  if (m.metadata?.is_visually_hidden_from_conversation || role === 'system') return undefined;
  if (role === 'tool' && !includeTools) return undefined;
  const c = m.content ?? {};
  let text: string;
  switch (c.content_type) {
    case 'text':
    case 'multimodal_text':
      text = (c.parts ?? [])
        .map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' ? '[attachment]' : ''))
        .join('\n');
      break;
    case 'code':
      text =
        role === 'assistant'
          ? `\`\`\`${c.language && c.language !== 'unknown' ? c.language : ''}\n${c.text ?? ''}\n\`\`\``
          : (c.text ?? '');
      break;
    case 'execution_output':
      text = includeTools ? (c.text ?? '') : '';
      break;
    default:
      return undefined; // user_editable_context (custom instructions), thoughts, browsing displays …
  }
  text = text.trim();
  if (!text) return undefined;
  if (role === 'tool') text = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return { role, text };
}

const LABEL: Record<string, string> = { user: 'User', assistant: 'Assistant', tool: 'Tool' };

const iso = (t: number | null | undefined): string | undefined =>
  typeof t === 'number' && Number.isFinite(t) ? new Date(t * 1000).toISOString() : undefined;

/** A conversation → one markdown memory (`**User:** … / **Assistant:** …` along the current branch). */
export function toConversationItem(c: ExportConversation, opts: { includeTools: boolean }): Item | undefined {
  const id = conversationId(c);
  if (!id) return undefined;
  const lines: string[] = [];
  let count = 0;
  for (const m of currentBranch(c)) {
    const t = messageText(m, opts.includeTools);
    if (!t) continue;
    count++;
    lines.push(`**${LABEL[t.role] ?? t.role}:** ${t.text}`);
  }
  const created = iso(c.create_time);
  const updated = iso(c.update_time);
  return {
    externalId: id,
    stream: 'conversations',
    content: lines.join('\n\n'),
    contentType: 'markdown',
    title: (c.title ?? '').trim().slice(0, 2000) || 'Untitled conversation',
    ...(created ? { occurredAt: created } : {}),
    url: `https://chatgpt.com/c/${encodeURIComponent(id)}`,
    container: c.gizmo_id ? `gpt:${c.gizmo_id}` : 'chatgpt',
    thread: id,
    metadata: {
      messages: count,
      ...(created ? { createTime: created } : {}),
      ...(updated ? { updateTime: updated } : {}),
      ...(c.default_model_slug ? { model: c.default_model_slug } : {}),
      ...(c.is_archived ? { archived: true } : {}),
    },
  };
}
