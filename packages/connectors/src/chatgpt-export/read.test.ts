import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import type { ConnectorState, Item } from '@tributary/sdk';
import type { MemoryConnectorState } from '@tributary/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatgptCheckpoint } from './checkpoint.js';
import { streamJsonArray } from './client.js';
import { chatgptExportConnector } from './index.js';
import { branchingConversation, simpleConversation } from './test-support/export.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-chatgpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface ReadResult {
  items: Item[];
  checkpoint: ChatgptCheckpoint;
  /** The connector state committed with the read's pages. */
  state: ConnectorState;
  errors: unknown[];
}

/** A read of the export, resumed from a previous read's checkpoint and state when given. */
async function read(config: Record<string, unknown>, prev?: ReadResult, since?: Date): Promise<ReadResult> {
  const ctx = createTestContext(chatgptExportConnector, {
    config,
    ...(prev ? { checkpoint: prev.checkpoint, state: prev.state as MemoryConnectorState } : {}),
    ...(since ? { since } : {}),
  });
  const pages = await collectPages(chatgptExportConnector, ctx);
  return {
    items: pages.flatMap((p) => p.items ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
    state: ctx.state,
    errors: pages.flatMap((p) => p.errors ?? []),
  };
}

async function collect(file: string, max = 1 << 20): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const el of streamJsonArray(file, max))
    out.push('json' in el ? JSON.parse(el.json) : { tooLarge: el.tooLarge });
  return out;
}

describe('streamJsonArray', () => {
  it('cuts the elements of a top-level array, whatever they hold', async () => {
    const file = path.join(dir, 'a.json');
    const values = [{ a: '] } , [ {', b: [1, { c: 'é\\"x' }] }, 42, 'str,ing', null, [], { emoji: '🙂'.repeat(1000) }];
    writeFileSync(file, `\uFEFF [\n${values.map((v) => JSON.stringify(v, null, 1)).join(' ,\n')} ]\n`);
    expect(await collect(file)).toEqual(values);
    writeFileSync(file, '[]');
    expect(await collect(file)).toEqual([]);
  });
  it('skips an element over the size cap and refuses a truncated file', async () => {
    const file = path.join(dir, 'a.json');
    writeFileSync(file, JSON.stringify([{ x: 'y'.repeat(500) }, { ok: 1 }]));
    expect(await collect(file, 100)).toEqual([{ tooLarge: expect.any(Number) }, { ok: 1 }]);
    writeFileSync(file, '[{"a":1},{"b":');
    await expect(collect(file)).rejects.toMatchObject({ code: 'record_invalid' });
    writeFileSync(file, '{"not":"an array"}');
    await expect(collect(file)).rejects.toMatchObject({ code: 'record_invalid' });
  });
});

describe('chatgpt-export read', () => {
  it('flattens the current branch (not the last child) into one markdown memory', async () => {
    writeFileSync(path.join(dir, 'conversations.json'), JSON.stringify([branchingConversation('c-1', 1_700_000_000)]));
    const { items } = await read({ exportPath: dir });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      externalId: 'c-1',
      title: 'B-trees',
      occurredAt: '2023-11-14T22:13:20.000Z',
      url: 'https://chatgpt.com/c/c-1',
      contentType: 'markdown',
      stream: 'conversations',
    });
    expect(items[0]!.content).toBe(
      [
        '**User:** What is a B+ tree?',
        '**Assistant:** A B-tree whose values live only in the leaves, which are linked.',
        '**User:** [attachment]\nDraw one for me',
        '**Assistant:** ```python\nprint("[k1|k2]")\n```',
        '**Assistant:** Here it is: `[k1|k2]`.',
      ].join('\n\n'),
    );
    const withTools = await read({ exportPath: path.join(dir, 'conversations.json'), includeToolMessages: true });
    expect(withTools.items[0]!.content).toContain('**Tool:** [k1|k2]');
  });

  it('a newer export yields only new and updated conversations (new versions)', async () => {
    const file = path.join(dir, 'conversations.json');
    writeFileSync(
      file,
      JSON.stringify([
        simpleConversation('c-1', 1000, 'hi', 'hello'),
        simpleConversation('c-2', 2000, 'sql?', 'SELECT'),
      ]),
    );
    const first = await read({ exportPath: dir });
    expect(first.items.map((i) => i.externalId)).toEqual(['c-1', 'c-2']);
    expect((await read({ exportPath: dir }, first)).items).toEqual([]);
    writeFileSync(
      file,
      JSON.stringify([
        simpleConversation('c-1', 1000, 'hi', 'hello, again', 3000),
        simpleConversation('c-2', 2000, 'sql?', 'SELECT'),
        simpleConversation('c-3', 2500, 'new', 'one'),
      ]),
    );
    const second = await read({ exportPath: dir }, first);
    expect(second.items.map((i) => i.externalId).sort()).toEqual(['c-1', 'c-3']);
    expect(second.items.find((i) => i.externalId === 'c-1')!.content).toContain('hello, again');
  });

  it('conversations sharing one update_time: ids kept in connector state, the checkpoint stays flat', async () => {
    const file = path.join(dir, 'conversations.json');
    const tied = Array.from({ length: 300 }, (_, i) => simpleConversation(`tie-${i}`, 4000, `q ${i}`, `a ${i}`));
    writeFileSync(file, JSON.stringify(tied));
    const first = await read({ exportPath: dir, pageSize: 50 });
    expect(first.items).toHaveLength(300);
    expect(first.checkpoint).toEqual({ v: 2, since: 4005 });
    expect(await first.state.get('w:tie-299')).toBe(true);
    // Re-read: nothing; one more conversation at the same second: only it.
    expect((await read({ exportPath: dir, pageSize: 50 }, first)).items).toEqual([]);
    writeFileSync(file, JSON.stringify([...tied, simpleConversation('tie-new', 4000, 'late', 'same second')]));
    const second = await read({ exportPath: dir, pageSize: 50 }, first);
    expect(second.items.map((i) => i.externalId)).toEqual(['tie-new']);
    expect(JSON.stringify(second.checkpoint).length).toBeLessThan(100);
  });

  it('a first sync bounded by backfillDays skips conversations last updated before it', async () => {
    writeFileSync(
      path.join(dir, 'conversations.json'),
      JSON.stringify([simpleConversation('old', 1000, 'a', 'b'), simpleConversation('recent', 5000, 'c', 'd')]),
    );
    const { items } = await read({ exportPath: dir }, undefined, new Date(3_000_000));
    expect(items.map((i) => i.externalId)).toEqual(['recent']);
  });
});
