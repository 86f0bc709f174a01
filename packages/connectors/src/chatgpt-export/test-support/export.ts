import type { ExportConversation, ExportNode } from '../map.js';

type Msg = NonNullable<ExportNode['message']>;

const msg = (id: string, role: string, content: Msg['content'], t: number, extra: Partial<Msg> = {}): Msg => ({
  id,
  author: { role, name: null },
  create_time: t,
  content,
  metadata: {},
  recipient: 'all',
  ...extra,
});
const text = (id: string, role: string, s: string, t: number): Msg =>
  msg(id, role, { content_type: 'text', parts: [s] }, t);

/**
 * A conversation shaped like ChatGPT's export: a client-created root, a hidden system message, custom instructions,
 * and a branching tree — the first prompt was edited (two user siblings), the answer to the edit was regenerated —
 * with `current_node` on a branch that is NOT the last child anywhere.
 */
export function branchingConversation(id: string, t0: number, updated = t0 + 600): ExportConversation {
  const nodes: Array<[string, Msg | null, string | null, string[]]> = [
    ['root', null, null, ['sys']],
    [
      'sys',
      msg('sys', 'system', { content_type: 'text', parts: [''] }, t0, {
        metadata: { is_visually_hidden_from_conversation: true },
      }),
      'root',
      ['ctx'],
    ],
    ['ctx', msg('ctx', 'user', { content_type: 'user_editable_context', parts: [] }, t0), 'sys', ['u1a', 'u1b']],
    ['u1a', text('u1a', 'user', 'What is a B-tree?', t0 + 10), 'ctx', ['a1a']],
    ['a1a', text('a1a', 'assistant', 'A balanced search tree with many keys per node.', t0 + 20), 'u1a', []],
    ['u1b', text('u1b', 'user', 'What is a B+ tree?', t0 + 30), 'ctx', ['a1b-1', 'a1b-2']],
    [
      'a1b-1',
      text('a1b-1', 'assistant', 'A B-tree whose values live only in the leaves, which are linked.', t0 + 40),
      'u1b',
      ['u2'],
    ],
    ['a1b-2', text('a1b-2', 'assistant', '(regenerated) Leaves hold the records.', t0 + 50), 'u1b', []],
    [
      'u2',
      msg(
        'u2',
        'user',
        {
          content_type: 'multimodal_text',
          parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Draw one for me'],
        },
        t0 + 60,
      ),
      'a1b-1',
      ['a2'],
    ],
    [
      'a2',
      msg('a2', 'assistant', { content_type: 'code', language: 'python', text: 'print("[k1|k2]")' }, t0 + 70),
      'u2',
      ['tool1'],
    ],
    [
      'tool1',
      msg('tool1', 'tool', { content_type: 'execution_output', text: '[k1|k2]' }, t0 + 80, {
        author: { role: 'tool', name: 'python' },
      }),
      'a2',
      ['a3'],
    ],
    ['a3', text('a3', 'assistant', 'Here it is: `[k1|k2]`.', t0 + 90), 'tool1', []],
  ];
  const mapping: Record<string, ExportNode> = {};
  for (const [nid, message, parent, children] of nodes) mapping[nid] = { id: nid, message, parent, children };
  return {
    id,
    conversation_id: id,
    title: 'B-trees',
    create_time: t0,
    update_time: updated,
    current_node: 'a3',
    default_model_slug: 'gpt-4o',
    mapping,
  };
}

/** A two-message conversation. */
export function simpleConversation(
  id: string,
  t0: number,
  prompt: string,
  answer: string,
  updated = t0 + 5,
): ExportConversation {
  return {
    id,
    conversation_id: id,
    title: prompt.slice(0, 30),
    create_time: t0,
    update_time: updated,
    current_node: `${id}-a`,
    default_model_slug: 'gpt-4o',
    mapping: {
      [`${id}-root`]: { id: `${id}-root`, message: null, parent: null, children: [`${id}-u`] },
      [`${id}-u`]: {
        id: `${id}-u`,
        message: text(`${id}-u`, 'user', prompt, t0 + 1),
        parent: `${id}-root`,
        children: [`${id}-a`],
      },
      [`${id}-a`]: {
        id: `${id}-a`,
        message: text(`${id}-a`, 'assistant', answer, t0 + 2),
        parent: `${id}-u`,
        children: [],
      },
    },
  };
}
