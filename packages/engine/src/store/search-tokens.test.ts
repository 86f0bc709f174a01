import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { chat, prepared } from './contract-support.js';
import { createPostgresStore } from './postgres/index.js';
import { createSqliteStore } from './sqlite/index.js';
import type { MemoryStore } from './types.js';

/**
 * Tokenization is the same on both stores (docs/search.md "Tokenization"): words are runs of letters and digits,
 * `_` and every other character separate them, case and diacritics are folded, nothing is stemmed. Each query
 * below finds exactly the same notes on SQLite (FTS5 unicode61) and PostgreSQL ('simple' + fold.ts).
 */
const TEXTS = [
  'build fails under __CYGWIN__ only',
  'the café on Main Street',
  'snake_case_name here',
  'Running runners ran',
  'naïve approach',
  'an e-mail address',
  "don't panic",
  'ÉCOLE normale',
  'v2.3.1 release',
];
const EXPECTED: Record<string, number[]> = {
  cygwin: [0],
  __CYGWIN__: [0],
  CYGWIN: [0],
  cafe: [1],
  café: [1],
  CAFÉ: [1],
  snake_case_name: [2],
  case: [2],
  run: [], // no stemming
  'run*': [3],
  running: [3],
  naive: [4],
  mail: [5],
  email: [],
  'e-mail': [5],
  don: [6],
  ecole: [7],
  école: [7],
  '"3 1"': [8],
  v2: [8],
};

const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `tok_${process.pid}`;
afterAll(async () => {
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

async function answers(store: MemoryStore): Promise<Record<string, number[]>> {
  await store.migrate();
  try {
    const source = await store.createSource({ ownerId: 'local', sourceType: 't', name: 't', config: {} });
    const items = prepared(TEXTS.map((t, i) => chat(String(i), t)));
    await store.commitPage({ sourceId: source.id, runId: null, items, deletes: [], checkpoint: undefined });
    const out: Record<string, number[]> = {};
    for (const q of Object.keys(EXPECTED))
      out[q] = (await store.search({ text: q })).hits.map((h) => Number(h.externalId)).sort((a, b) => a - b);
    return out;
  } finally {
    await store.close();
  }
}

describe('tokenization is the same on SQLite and PostgreSQL', () => {
  it('SQLite', async () => {
    expect(await answers(createSqliteStore({ path: ':memory:' }))).toEqual(EXPECTED);
  });
  it('PostgreSQL', async () => {
    expect(await answers(createPostgresStore({ connectionString: PG_URL, schema, maxConnections: 2 }))).toEqual(
      EXPECTED,
    );
  });
});
