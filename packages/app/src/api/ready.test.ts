import { describe, expect, it } from 'vitest';
import { createSqliteStore, createEngine, type MemoryStore } from '@tributary/engine';
import { builtinConnectors } from '@tributary/connectors';
import { createApp } from './app.js';

/** An engine on an in-memory SQLite store with some store methods replaced. */
async function appWith(overrides: Partial<MemoryStore>) {
  const store = createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const patched = Object.assign(Object.create(Object.getPrototypeOf(store) as object) as MemoryStore, store, overrides);
  const engine = createEngine({ store: patched, connectors: builtinConnectors });
  return { app: createApp({ engine }), close: () => store.close() };
}

describe('GET /api/v1/ready', () => {
  it('is 200 when the store answers and migrations are current', async () => {
    const { app, close } = await appWith({});
    const res = await app.request('/api/v1/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', store: 'sqlite' });
    await close();
  });

  it('is 503 store_unavailable when the store does not answer', async () => {
    const { app, close } = await appWith({ ping: () => Promise.reject(new Error('SQLITE_BUSY: database is locked')) });
    const res = await app.request('/api/v1/ready');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('store_unavailable');
    expect(body.error.message).not.toContain('SQLITE_BUSY');
    expect((await app.request('/api/v1/health')).status).toBe(200); // liveness does not depend on the store
    await close();
  });

  it('is 503 while migrations are pending', async () => {
    const { app, close } = await appWith({ migrationStatus: () => Promise.resolve({ current: 1, latest: 2 }) });
    const res = await app.request('/api/v1/ready');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Migrations pending/);
    await close();
  });
});
