import { afterEach, describe, expect, it } from 'vitest';
import { createSchemaValidator, rewriteNullable, startTwinServer, type TwinServer } from './index.js';

let server: TwinServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TwinServer> {
  server = await startTwinServer({
    routes: [
      {
        method: 'GET',
        pattern: '/items/:id',
        name: 'items.get',
        handler: (req) => ({ body: { id: req.params.id, q: req.query.q ?? null } }),
      },
      { method: 'GET', pattern: '/api/echo', name: 'echo', handler: (req) => ({ body: req.query }) },
    ],
  });
  return server;
}

describe('twin kit server', () => {
  it('routes with path params, parses form bodies, counts per route and records exchanges', async () => {
    const s = await start();
    expect(await (await fetch(`${s.url}/items/42?q=x`)).json()).toEqual({ id: '42', q: 'x' });
    const res = await fetch(`${s.url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C1&limit=5',
    });
    expect(await res.json()).toEqual({ channel: 'C1', limit: '5' });
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect(s.counts()).toEqual({ 'items.get': 1, echo: 1, 'GET /nope': 1 });
    expect(s.exchanges.map((x) => [x.route, x.status])).toEqual([
      ['items.get', 200],
      ['echo', 200],
      ['GET /nope', 404],
    ]);
  });

  it('injects status storms on every n-th call, truncated bodies, resets and hangs', async () => {
    const s = await start();
    const storm = s.faults.inject({ route: 'items.get', status: 429, headers: { 'retry-after': '1' }, every: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${s.url}/items/${i}`)).status);
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429, 200]);
    expect(storm.fired).toBe(2);
    s.faults.clear();
    s.faults.inject({ kind: 'truncate', times: 1 });
    await expect(fetch(`${s.url}/items/1`).then((r) => r.json())).rejects.toThrow();
    s.faults.inject({ kind: 'reset', times: 1 });
    await expect(fetch(`${s.url}/items/1`)).rejects.toThrow();
    s.faults.inject({ kind: 'hang', times: 1 });
    await expect(fetch(`${s.url}/items/1`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await fetch(`${s.url}/items/1`)).status).toBe(200);
  });
});

describe('schema validator', () => {
  it('understands OpenAPI 3.0 nullable beside a type, an enum and a $ref', () => {
    const spec = {
      openapi: '3.0.3',
      components: {
        schemas: {
          user: { type: 'object', required: ['login'], properties: { login: { type: 'string' } } },
          thing: {
            type: 'object',
            required: ['name', 'owner', 'state'],
            properties: {
              name: { type: 'string', nullable: true },
              state: { type: 'string', enum: ['open', 'closed'], nullable: true },
              owner: { allOf: [{ $ref: '#/components/schemas/user' }], nullable: true },
            },
          },
        },
      },
    };
    const v = createSchemaValidator(spec);
    const p = '#/components/schemas/thing';
    expect(v.validate(p, { name: null, state: null, owner: null })).toEqual([]);
    expect(v.validate(p, { name: 'a', state: 'open', owner: { login: 'x' } })).toEqual([]);
    expect(v.validate(p, { name: 1, state: 'merged', owner: {} }).length).toBeGreaterThanOrEqual(3);
    const copy = structuredClone(spec);
    rewriteNullable(copy);
    expect(JSON.stringify(copy)).not.toContain('nullable');
  });
});
