import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthClientsFromEnv } from '../runtime/oauth-env.js';
import { createClient, makeItems, startTestServer, type TestServer } from './test-support/server.js';

/*
 * Walks the OpenAPI document the server serves — every path and method — and sends malformed requests: wrong types,
 * missing and unknown fields, huge numbers, over-long strings, non-object and non-JSON bodies, wrong content types,
 * bad path and query parameters, with no, unknown, read-only, non-admin and admin tokens. Every request is malformed
 * in at least one way the schemas forbid (or unauthenticated), so: no 5xx, every error in the one envelope, and the
 * store unchanged. Seeded, so a failure replays exactly.
 */
// FUZZ_SEED explores other sequences locally; CI always runs the fixed one.
const SEED = Number(process.env.FUZZ_SEED ?? 0x7a1b5eed);
const CASES_PER_OPERATION = 40;

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

let server: TestServer;
let doc: Json;
const tokens: Record<string, string | null> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  // OAuth as `serve` has it (a vault, no provider configured), so its routes answer for real.
  server = await startTestServer({
    oauth: oauthClientsFromEnv({}),
    limits: { maxBodyBytes: 64 * 1024, maxIngestItems: 20, rateLimit: false },
  });
  const admin = createClient(server.url, server.adminToken);
  const push = (await admin('POST', '/sources', { body: { source_type: 'push', name: 'pushed' } })).body;
  await admin('POST', '/sources/{id}/ingest', {
    params: { id: push.id },
    body: { items: makeItems('f', 0, 10), checkpoint: { n: 10 } },
  });
  const pulled = (await admin('POST', '/sources', { body: { source_type: 'synthetic', name: 'pulled' } })).body;
  await admin('POST', '/users', { body: { id: 'eve', name: 'Eve' } });
  const mk = async (body: Json) => (await admin('POST', '/users/{id}/tokens', { params: { id: 'eve' }, body })).body;
  const eve = await mk({});
  const readOnly = await mk({ read_only: true });
  Object.assign(tokens, {
    none: null,
    unknown: 'trib_' + 'x'.repeat(43),
    readOnly: readOnly.token,
    user: eve.token,
    admin: server.adminToken,
  });
  const memory = (await admin('GET', '/search', { query: { q: 'flamingo', limit: 1 } })).body.hits[0].memory_id;
  Object.assign(ids, { source: push.id, pulled: pulled.id, memory, user: 'eve', token: readOnly.id });
  doc = (await admin('GET', '/openapi.json', { token: null })).body;
}, 60_000);
afterAll(async () => server.close());

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick };
}

function resolve(schema: Json | undefined): Json {
  let s = schema ?? {};
  while (typeof s.$ref === 'string') s = doc.components.schemas[s.$ref.split('/').pop()!] ?? {};
  return s;
}

const typeOf = (s: Json): string | undefined => {
  const r = resolve(s);
  if (typeof r.type === 'string') return r.type;
  const first = (r.anyOf ?? r.oneOf ?? []).map(resolve).find((b: Json) => b.type && b.type !== 'null');
  return first?.type;
};

/** A value the schema certainly refuses, or undefined when it accepts anything. */
function wrongValue(schema: Json, r: ReturnType<typeof rng>): unknown {
  const s = resolve(schema);
  const type = typeOf(s);
  const options: unknown[] = [];
  if (type === 'string') {
    options.push(12345, true, ['x'], { a: 1 });
    if (typeof s.maxLength === 'number') options.push('x'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) options.push('');
    if (Array.isArray(s.enum)) options.push('not-an-option');
  } else if (type === 'integer' || type === 'number') {
    options.push('12', true, [1], { n: 1 });
    if (type === 'integer') options.push(1.5);
    if (typeof s.maximum === 'number') options.push(1e308, Number.MAX_SAFE_INTEGER * 1024);
    if (typeof s.minimum === 'number') options.push(-1e308);
  } else if (type === 'boolean') options.push('true', 1, null);
  else if (type === 'array') options.push({ a: 1 }, 'x', 7);
  else if (type === 'object') options.push([1, 2], 'x', 7, true);
  return options.length ? r.pick(options) : undefined;
}

/** A query string value the parameter's schema certainly refuses (query values are strings, coerced). */
function wrongQueryValue(schema: Json, r: ReturnType<typeof rng>): string | undefined {
  const s = resolve(schema);
  const type = typeOf(s);
  const options: string[] = [];
  if (Array.isArray(s.enum)) options.push('not-an-option', '');
  else if (type === 'integer' || type === 'number') {
    options.push('abc', '1e400', 'NaN');
    if (type === 'integer') options.push('1.5');
    if (typeof s.minimum === 'number') options.push(String(s.minimum - 1));
    if (typeof s.maximum === 'number') options.push(String(s.maximum + 1));
  } else if (type === 'string' && typeof s.maxLength === 'number') options.push('x'.repeat(s.maxLength + 1));
  return options.length ? r.pick(options) : undefined;
}

/** A plausible value of a schema (the background a single malformation stands out from). */
function sample(schema: Json, depth = 0): unknown {
  const s = resolve(schema);
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (typeOf(s)) {
    case 'string':
      return 'sample';
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return false;
    case 'array':
      return depth > 3 ? [] : [sample(s.items ?? {}, depth + 1)];
    case 'object': {
      const out: Json = {};
      for (const [k, v] of Object.entries<Json>(s.properties ?? {})) out[k] = sample(v, depth + 1);
      return out;
    }
    default:
      return 'sample';
  }
}

interface Case {
  token: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body?: { raw: string; contentType?: string };
  /** What makes it malformed (for the failure message). */
  why: string[];
}

const GARBAGE_IDS = ['nope-404', 'x'.repeat(201), '%00', '..', '%ff', '1e400', '-1', '💥', ' ', 'a/b'];

function paramValue(name: string, path: string): string {
  if (name === 'provider') return 'google';
  if (name === 'connector') return 'slack';
  if (name === 'name') return 'push';
  if (path.startsWith('/api/v1/memories')) return ids.memory!;
  if (path.startsWith('/api/v1/users')) return ids.user!;
  if (path.startsWith('/api/v1/tokens')) return ids.token!;
  return ids.source!;
}

/** One malformed request for an operation. */
function makeCase(o: Operation, r: ReturnType<typeof rng>): Case {
  const params: Record<string, string> = {};
  const query: Record<string, string> = {};
  const why: string[] = [];
  const parameters: Json[] = o.op.parameters ?? [];
  for (const p of parameters.filter((p) => p.in === 'path')) params[p.name] = paramValue(p.name, o.path);
  const queryParams = parameters.filter((p) => p.in === 'query');
  for (const p of queryParams.filter((p) => p.required)) query[p.name] = String(sample(p.schema));
  const token = r.pick(['none', 'unknown', 'readOnly', 'user', 'admin'] as const);
  if (token === 'none' || token === 'unknown') why.push(`token ${token}`);
  if (token === 'readOnly' && o.method !== 'get') why.push('read-only token');

  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema;
  const kinds = ['path', 'query', 'body', 'content-type'].filter(
    (k) =>
      (k === 'path' && Object.keys(params).length) ||
      (k === 'query' && queryParams.length) ||
      ((k === 'body' || k === 'content-type') && bodySchema),
  );
  // Unauthenticated requests may be otherwise valid; all others get at least one malformation, often more.
  const count = why.length ? Math.floor(r.next() * 2) : 1 + Math.floor(r.next() * 2);
  let body: Case['body'] = bodySchema ? { raw: JSON.stringify(sample(bodySchema)) } : undefined;
  for (let i = 0; i < count && kinds.length; i++) {
    const kind = r.pick(kinds);
    if (kind === 'path') {
      const name = r.pick(Object.keys(params));
      params[name] = r.pick(GARBAGE_IDS);
      why.push(`path ${name}=${params[name]!.slice(0, 20)}`);
    } else if (kind === 'query') {
      const p = r.pick(queryParams);
      const bad = r.next() < 0.3 ? undefined : wrongQueryValue(p.schema, r);
      if (bad === undefined) {
        query.zz_unknown = '1';
        why.push('unknown query parameter');
      } else {
        query[p.name] = String(bad);
        why.push(`query ${p.name}=${String(bad).slice(0, 20)}`);
      }
    } else if (kind === 'content-type') {
      const contentType = r.pick([
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=zz',
        'application/xml',
      ]);
      body = { raw: body?.raw ?? '{}', contentType };
      why.push(`content-type ${contentType}`);
    } else {
      const b = mutateBody(bodySchema, r);
      body = { raw: b.raw, ...(body?.contentType ? { contentType: body.contentType } : {}) };
      why.push(b.why);
    }
  }
  if (!why.length) {
    // Nothing could be broken (a body-less GET): only harmless reads are left valid.
    if (o.method !== 'get') throw new Error(`cannot malform ${o.method} ${o.path}`);
    why.push('valid read');
  }
  return { token: tokens[token] ?? '', params, query, ...(body ? { body } : {}), why };
}

function mutateBody(schema: Json, r: ReturnType<typeof rng>): { raw: string; why: string } {
  const s = resolve(schema);
  const base = sample(s) as Json;
  const props = Object.entries<Json>(s.properties ?? {});
  const choice = r.pick(['type', 'type', 'missing', 'unknown', 'root', 'syntax', 'huge', 'deep']);
  if (choice === 'type' && props.length) {
    const candidates = props.filter(([, v]) => typeOf(v) !== undefined);
    if (candidates.length) {
      const [k, v] = r.pick(candidates);
      const bad = wrongValue(v, r);
      if (bad !== undefined)
        return { raw: JSON.stringify({ ...base, [k]: bad }), why: `body ${k}=${JSON.stringify(bad).slice(0, 30)}` };
    }
  }
  if (choice === 'missing' && (s.required ?? []).length) {
    const k = r.pick<string>(s.required);
    const { [k]: _gone, ...rest } = base;
    return { raw: JSON.stringify(rest), why: `body without ${k}` };
  }
  if (choice === 'root') {
    const root = r.pick(['[]', 'null', '42', '"text"', 'true']);
    return { raw: root, why: `body ${root}` };
  }
  if (choice === 'syntax') {
    const raw = r.pick(['{', '{"a":}', '', '{"a":1,}', "{'a':1}", '\u0000', 'NaN']);
    return { raw, why: `body syntax ${JSON.stringify(raw)}` };
  }
  if (choice === 'huge')
    return { raw: JSON.stringify({ ...base, pad: 'x'.repeat(70 * 1024) }), why: 'body over the limit' };
  if (choice === 'deep') {
    let nested: unknown = 1;
    for (let i = 0; i < 2000; i++) nested = [nested];
    return { raw: JSON.stringify({ ...base, zz_deep: nested }), why: 'deeply nested unknown field' };
  }
  if (s.additionalProperties === false)
    return { raw: JSON.stringify({ ...base, zz_unknown: 1 }), why: 'unknown body field' };
  return { raw: '[]', why: 'body []' };
}

async function snapshot() {
  const store = server.engine.store;
  const sources = await store.listSources();
  return {
    sources: sources.map((s) => JSON.stringify([s.id, s.name, s.status, s.config, s.features, s.schedule])).sort(),
    checkpoints: await Promise.all(sources.map((s) => store.getCheckpoint(s.id))),
    memories: await store.countMemories({ includeDeleted: true }),
    runs: (await store.listRuns({})).length,
    users: (await store.listUsers()).length,
    tokens: (await store.listTokens()).map((t) => `${t.id}:${t.revokedAt ?? ''}`),
  };
}

describe('OpenAPI fuzz', () => {
  it('finds no 5xx, only the one error envelope, and changes nothing', async () => {
    const operations: Operation[] = [];
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) operations.push({ method, path, op });
    }
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const before = await snapshot();
    const r = rng(SEED);
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const o of operations) {
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const c = makeCase(o, r);
        const url = new URL(
          server.url +
            o.path.replace(/\{(\w+)\}/g, (_m, k: string) => {
              const v = c.params[k]!;
              // Garbage ids that are already escapes are sent as typed, the rest encoded.
              return /^%[0-9a-f]{2}$/i.test(v) ? v : encodeURIComponent(v);
            }),
        );
        for (const [k, v] of Object.entries(c.query)) url.searchParams.set(k, v);
        const headers: Record<string, string> = { accept: 'application/json' };
        if (c.token) headers.authorization = `Bearer ${c.token}`;
        if (c.body) headers['content-type'] = c.body.contentType ?? 'application/json';
        const res = await fetch(url, {
          method: o.method.toUpperCase(),
          headers,
          redirect: 'manual',
          ...(c.body && o.method !== 'get' ? { body: c.body.raw } : {}),
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        const label = `${o.method.toUpperCase()} ${o.path} [${c.why.join(', ')}] → ${res.status}`;
        if (res.status >= 500) {
          failures.push(`${label} ${text.slice(0, 200)}`);
          continue;
        }
        if (res.status < 400) continue;
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          failures.push(`${label}: not JSON: ${text.slice(0, 100)}`);
          continue;
        }
        const e = body?.error;
        const ok =
          Object.keys(body).length === 1 &&
          typeof e?.code === 'string' &&
          /^[a-z][a-z_]*$/.test(e.code) &&
          typeof e.message === 'string' &&
          e.message.length > 0 &&
          Object.keys(e).every((k) => ['code', 'message', 'issues'].includes(k)) &&
          (e.issues === undefined ||
            (Array.isArray(e.issues) &&
              e.issues.every((i: any) => typeof i.path === 'string' && typeof i.message === 'string')));
        if (!ok) failures.push(`${label}: not the envelope: ${text.slice(0, 200)}`);
        if (res.status === 401 && !res.headers.get('www-authenticate')) failures.push(`${label}: no WWW-Authenticate`);
      }
    }
    expect(failures, failures.slice(0, 20).join('\n')).toEqual([]);
    expect(sent).toBe(operations.length * CASES_PER_OPERATION);
    // The malformations reached every kind of refusal (so the walk is not stuck at, say, authentication).
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 403, 404, 413, 415]));
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
