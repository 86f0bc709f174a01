import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Item } from '@tributary/sdk';
import { createTestContext } from '@tributary/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFromMessage } from './claude-extract.js';
import { CHANGE_STREAM_DDL, claudeStreamConnector } from './claude-stream.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tributary-claude-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('auto_extract', () => {
  it('finds fenced code blocks with their language and file paths, not URLs or dates', () => {
    const text =
      'Edit `src/app/main.ts` and ~/notes/todo.md, see https://example.com/a/b.html on 2026/11/21.\n\n```ts\nconst a = 1;\n```\n\n```\nplain\n```\nThen run ./scripts/build.sh.';
    expect(extractFromMessage(text)).toEqual({
      codeBlocks: 2,
      languages: ['ts'],
      filePaths: ['src/app/main.ts', '~/notes/todo.md', './scripts/build.sh'],
    });
    expect(extractFromMessage('no code here')).toEqual({ codeBlocks: 0, languages: [], filePaths: [] });
  });

  it('makes each question and answer one memory in its session, with code and paths as tags and metadata', async () => {
    const dbPath = path.join(dir, 'chats.db');
    const db = new Database(dbPath);
    db.exec(CHANGE_STREAM_DDL);
    const add = db.prepare(
      'INSERT INTO change_stream (chat_id, message_id, role, content, created_at, change_type) VALUES (?, ?, ?, ?, ?, ?)',
    );
    add.run('s1', 'u1', 'user', 'How do I open a WAL database read-only?', '2026-11-21T09:00:00Z', 'insert');
    add.run(
      's1',
      'a1',
      'assistant',
      'Use:\n\n```ts\nnew Database(p, { readonly: true })\n```\nin src/db.ts',
      '2026-11-21T09:00:05Z',
      'insert',
    );
    add.run('s2', 'u2', 'user', 'Unrelated question in another session', '2026-11-21T09:01:00Z', 'insert');
    add.run('s1', 'u3', 'user', 'And the second question?', '2026-11-21T09:02:00Z', 'insert');
    add.run('s1', 'a3', 'assistant', 'The second answer.', '2026-11-21T09:02:05Z', 'insert');
    add.run('s1', 'a3', 'assistant', null, '2026-11-21T09:03:00Z', 'delete');
    db.close();

    const ctx = createTestContext(claudeStreamConnector, { config: { db_path: dbPath, auto_extract: true } });
    const items: Item[] = [];
    const deletes: string[] = [];
    for await (const page of claudeStreamConnector.read(ctx)) {
      items.push(...(page.items ?? []));
      deletes.push(...(page.deletes ?? []));
    }
    const a1 = items.find((i) => i.externalId === 'a1')!;
    expect(a1.tags).toEqual(['code', 'lang:ts', 'file-paths']);
    expect(a1.metadata).toMatchObject({ codeBlocks: 1, languages: ['ts'], filePaths: ['src/db.ts'] });
    const exchanges = items.filter((i) => i.stream === 'exchanges');
    expect(exchanges.map((e) => [e.externalId, e.thread, e.metadata?.questionId])).toEqual([
      ['exchange:a1', 's1', 'u1'],
    ]);
    expect(exchanges[0]!.content).toContain('How do I open a WAL database read-only?');
    expect(exchanges[0]!.content).toContain('readonly: true');
    expect(exchanges[0]!.tags).toEqual(['exchange', 'code', 'lang:ts', 'file-paths']);
    // The deleted answer takes its exchange with it.
    expect(deletes).toEqual(['a3', 'exchange:a3']);
  });
});
