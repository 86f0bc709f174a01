import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { chatgptExportConnector } from './index.js';
import type { ExportConversation } from './map.js';
import { branchingConversation, simpleConversation } from './test-support/export.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-chatgpt-conf-'));
const exportDir = path.join(base, 'export');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const T = 1_760_000_000;
const initial = (): ExportConversation[] => [
  branchingConversation('conv-tree', T),
  ...Array.from({ length: 6 }, (_, i) => simpleConversation(`conv-${i}`, T + 100 * i, `Question ${i}`, `Answer ${i}`)),
];

const write = (conversations: ExportConversation[]): void =>
  writeFileSync(path.join(exportDir, 'conversations.json'), JSON.stringify(conversations, null, 2));

testConnector(chatgptExportConnector, {
  config: { exportPath: exportDir, pageSize: 2 },
  badSetups: [
    { name: 'no export', config: { exportPath: path.join(base, 'missing') } },
    { name: 'folder without conversations.json', config: { exportPath: base } },
  ],
  setup() {
    rmSync(exportDir, { recursive: true, force: true });
    mkdirSync(exportDir, { recursive: true });
    write(initial());
  },
  teardown() {
    rmSync(exportDir, { recursive: true, force: true });
  },
  // a newer export: conv-2 continued, conv-new started, conv-4 deleted in the account
  mutate() {
    const next = initial().filter((c) => c.id !== 'conv-4');
    const i2 = next.findIndex((c) => c.id === 'conv-2');
    next[i2] = simpleConversation('conv-2', T + 200, 'Question 2', 'Answer 2, revised after a follow-up', T + 5000);
    next.push(simpleConversation('conv-new', T + 6000, 'A new chat', 'Hello'));
    write(next);
    return { added: ['conv-new'], changed: ['conv-2'], deleted: ['conv-4'] };
  },
  // ten more conversations updated in the same second as the newest one: ids at the watermark live in connector
  // state, so the checkpoint does not grow with them
  grow() {
    const ties = Array.from({ length: 10 }, (_, i) => simpleConversation(`tie-${i}`, T + 500, `Tie ${i}`, `Same ${i}`));
    write([...initial(), ...ties]);
    return 10;
  },
  deletionsByFullRefresh: true,
});
