import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createSqliteStore } from '@tributary/engine';
import { emlConnector } from '@tributary/connectors/eml/index';
import { maildirConnector } from '@tributary/connectors/maildir/index';

// Issue 13: per-file state lives in connector state, so an incremental sync among many messages reads exactly the
// new ones, deletes exactly the gone ones, and the checkpoint stays a few bytes — through the real engine and SQLite.
const MANY = 1500;
const NEW = 40;
const GONE = 25;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tributary-mail-inc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const WORDS = ['merge', 'branch', 'rebase', 'patch', 'index', 'commit', 'refs', 'object', 'pack', 'tree'];
function message(n: number): string {
  const body = Array.from({ length: 40 }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(' ');
  return (
    `From: Dev ${n % 17} <dev${n % 17}@example.org>\nTo: list@example.org\nSubject: [PATCH ${n}] topic${n}\n` +
    `Date: Mon, 2 Mar 2026 10:${String(n % 60).padStart(2, '0')}:00 +0000\nMessage-ID: <m${n}@example.org>\n\n` +
    `uniqueword${n} ${body}\n`
  );
}

async function engineFor(
  name: string,
  connector: typeof maildirConnector | typeof emlConnector,
  config: Record<string, unknown>,
) {
  const store = createSqliteStore({ path: path.join(tmp, `${name}.db`) });
  await store.migrate();
  const engine = createEngine({ store, connectors: [connector] });
  const source = await engine.sources.add({ connector: connector.manifest.name, name, config });
  return { store, engine, source };
}

describe.each([
  {
    name: 'maildir',
    connector: maildirConnector,
    file: (dir: string, n: number) => path.join(dir, 'cur', `${1_700_000_000 + n}.M${n}P1.host:2,S`),
    init: (dir: string) => ['cur', 'new', 'tmp'].forEach((s) => mkdirSync(path.join(dir, s), { recursive: true })),
  },
  {
    name: 'eml',
    connector: emlConnector,
    file: (dir: string, n: number) => path.join(dir, `y${n % 7}`, `${n}.eml`),
    init: (dir: string) => [...Array(7).keys()].forEach((i) => mkdirSync(path.join(dir, `y${i}`), { recursive: true })),
  },
])('$name: incremental sync among $MANY messages', ({ name, connector, file, init }) => {
  it(`finds exactly ${NEW} new and ${GONE} deleted messages, with a checkpoint of a few bytes`, async () => {
    const dir = path.join(tmp, name);
    init(dir);
    for (let n = 0; n < MANY; n++) writeFileSync(file(dir, n), message(n));
    const { store, engine, source } = await engineFor(name, connector, { rootDir: dir, pageSize: 100 });
    try {
      const first = await engine.sync(source.id);
      expect(first).toMatchObject({ status: 'succeeded', created: MANY, failed: 0 });

      const unchanged = await engine.sync(source.id);
      expect(unchanged).toMatchObject({ status: 'succeeded', itemsSeen: 0, created: 0, deleted: 0 });

      for (let n = MANY; n < MANY + NEW; n++) writeFileSync(file(dir, n), message(n));
      const gone = Array.from({ length: GONE }, (_, i) => i * Math.floor(MANY / GONE) + 3);
      for (const n of gone) rmSync(file(dir, n));
      const inc = await engine.sync(source.id);
      expect(inc).toMatchObject({ status: 'succeeded', itemsSeen: NEW, created: NEW, updated: 0, deleted: GONE });
      expect(JSON.stringify(await store.getCheckpoint(source.id)).length).toBeLessThan(100);

      // What was deleted is gone from search; what was added is found.
      expect(await engine.search({ text: `uniqueword${gone[0]}`, limit: 5 })).toMatchObject({ hits: [] });
      const found = await engine.search({ text: `uniqueword${MANY + 1}`, limit: 5 });
      expect(found.hits.map((r) => r.externalId)).toEqual([`m${MANY + 1}@example.org`]);
      expect(await engine.sync(source.id)).toMatchObject({ itemsSeen: 0, created: 0, deleted: 0 });
    } finally {
      await engine.close();
    }
  });
});

describe('maildir: moves and flag changes against the stored state', () => {
  it('a message moved to another folder stays one memory; a flag change updates it', async () => {
    const dir = path.join(tmp, 'moves');
    for (const f of ['', '.Archive'])
      for (const s of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, f, s), { recursive: true });
    for (let n = 0; n < 50; n++) writeFileSync(path.join(dir, 'cur', `${n}.M1P1.host:2,`), message(n));
    const { store, engine, source } = await engineFor('moves', maildirConnector, { rootDir: dir, pageSize: 10 });
    try {
      await engine.sync(source.id);
      renameSync(path.join(dir, 'cur', '7.M1P1.host:2,'), path.join(dir, '.Archive', 'cur', '7.M1P1.host:2,S'));
      renameSync(path.join(dir, 'cur', '8.M1P1.host:2,'), path.join(dir, 'cur', '8.M1P1.host:2,F'));
      const r = await engine.sync(source.id);
      expect(r).toMatchObject({ status: 'succeeded', itemsSeen: 2, created: 0, updated: 2, deleted: 0, failed: 0 });
      expect(readdirSync(path.join(dir, 'cur'))).toHaveLength(49);
      // The flag change is an update of the one memory (no tombstone, no second copy), with the new flags.
      const flagged = await store.getMemoryByExternalId(source.id, 'm8@example.org');
      expect(flagged).toMatchObject({ deletedAt: null, metadata: { flags: ['flagged'], maildirFlags: 'F' } });
      expect(await store.countMemories({ sourceId: source.id, includeDeleted: true })).toBe(50);
      const moved = await engine.search({ text: 'uniqueword7', limit: 5 });
      expect(moved.hits.map((m) => m.container)).toEqual(['Archive']);
    } finally {
      await engine.close();
    }
  });
});
