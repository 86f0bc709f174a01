import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { synthetic } from '@tributary/connectors/synthetic/index';
import { createPostgresStore } from '../store/postgres/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from './create-engine.js';
import type { Engine } from './types.js';
import type { MemoryStore } from '../store/types.js';

const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-privacy-'));
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
const schemas: string[] = [];
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, () => MemoryStore]> = [
  ['sqlite', () => createSqliteStore({ path: path.join(dir, `p-${engines.length}.db`) })],
  [
    'postgres',
    () => {
      const schema = `priv_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      schemas.push(schema);
      return createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 });
    },
  ],
];

const msg = (id: string, content: string, author = 'ada') => ({
  externalId: id,
  stream: 'messages',
  content,
  author,
  container: '#general',
});

describe.each(stores)('privacy rules on %s', (_name, make) => {
  it('redacts and excludes new items, dry-runs and purges stored matches', async () => {
    const store = make();
    await store.migrate();
    const engine = createEngine({ store, connectors: [synthetic] });
    engines.push(engine);
    const s = await engine.sources.add({ connector: 'synthetic', name: 'chat' });
    // Stored before any rule; `edited` had the number only in its first version.
    await engine.ingest(s.id, {
      items: [msg('old', 'call me at 555-0101 about the heron'), msg('ok', 'heron'), msg('edited', 'ring 555-0102')],
    });
    await engine.ingest(s.id, { items: [msg('edited', 'ring me (number removed)')] });

    await expect(engine.privacy.set('local', { redact: [{ pattern: '(' }] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    const rules = { redact: [{ pattern: '\\d{3}-\\d{4}' }], exclude: [{ field: 'author', pattern: '^spambot$' }] };
    const report = await engine.privacy.dryRun('local', rules);
    expect(report).toMatchObject({ scanned: 3, redacted: 1, dropped: 0 });
    expect(report.samples[0]).toMatchObject({ externalId: 'old', action: 'redact', matches: 1 });
    expect(await engine.privacy.get('local')).toEqual({ redact: [], exclude: [] }); // dry run changed nothing
    await engine.privacy.set('local', rules);

    await engine.ingest(s.id, {
      items: [msg('new', 'my number is 555-0199, heron'), msg('spam', 'buy heron now', 'spambot')],
    });
    expect((await store.getMemoryByExternalId(s.id, 'new'))!.content).toBe('my number is [REDACTED], heron');
    expect(await store.getMemoryByExternalId(s.id, 'spam')).toBeNull();
    // Only the copy stored before the rule still has it, until purged.
    expect((await engine.search({ text: '555' })).hits.map((h) => h.externalId)).toEqual(['old']);

    expect(await engine.privacy.purgeMatching('local', '\\d{3}-\\d{4}', { dryRun: true })).toMatchObject({
      matched: 2,
      purged: 0,
    });
    expect(await engine.privacy.purgeMatching('local', '\\d{3}-\\d{4}')).toMatchObject({ matched: 2, purged: 2 });
    expect((await store.getMemory((await store.getMemoryByExternalId(s.id, 'edited'))!.id))!.versions).toEqual([]);
    const gone = (await store.getMemoryByExternalId(s.id, 'old'))!;
    expect(gone.deletedAt).not.toBeNull();
    expect(gone.content).toBe('');
    expect((await engine.search({ text: '555' })).hits).toEqual([]);
    expect((await engine.search({ text: 'call' })).hits).toEqual([]);
    expect((await engine.search({ text: 'heron' })).hits.map((h) => h.externalId).sort()).toEqual(['new', 'ok']);
  });
});
