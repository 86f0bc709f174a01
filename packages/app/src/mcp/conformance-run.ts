/**
 * Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, server scenarios) against
 * Tributary's MCP HTTP handler and prints its summary. The suite's client sends no token, so this serves the same
 * handler as `POST /mcp` for the local user without the bearer check, on a temp data dir with a little data.
 *
 *   node --conditions=source --import tsx packages/app/src/mcp/conformance-run.ts [--scenario <name>]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { builtinConnectors } from '@tributary/connectors';
import { LOCAL_USER_ID, createEngine, createSqliteStore } from '@tributary/engine';
import type { AddressInfo } from 'node:net';
import { toHttpError } from '../api/errors.js';
import { assertLoopbackRequest } from '../api/host-guard.js';
import { handleMcpHttp } from './http.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-conformance-'));
const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
await store.migrate();
const engine = createEngine({ store, connectors: builtinConnectors });
const source = await engine.sources.add({ connector: 'push', name: 'notes' });
await engine.ingest(source.id, {
  items: [
    {
      externalId: 'n1',
      stream: 'messages',
      content: 'The conformance suite checks the MCP server.',
      occurredAt: '2024-05-01T10:00:00Z',
    },
  ],
});

const app = new Hono();
app.all('/mcp', (c) => {
  try {
    assertLoopbackRequest(c.req.raw.headers);
  } catch (err) {
    const { status, body } = toHttpError(err);
    return c.json(body, status);
  }
  return handleMcpHttp(engine, { user: { id: LOCAL_USER_ID } }, c.req.raw);
});
const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;

/*
 * The suite (0.1.x) imports `globSync` from `fs`, which Node 20 lacks (added in 22); it only uses it for
 * `tier-check`, not for `server` runs. A load hook rewrites that one import to a stub so the suite runs on Node 20.
 */
const hook = `export async function load(url, context, next) {
  const result = await next(url, context);
  if (!url.includes('/@modelcontextprotocol/conformance/dist/')) return result;
  const source = String(result.source);
  const m = /globSync as (\\w+),/.exec(source);
  if (!m) return result;
  const stub = 'const ' + m[1] + ' = () => { throw new Error("globSync needs Node 22"); };';
  return { ...result, source: source.replace(m[0], '') + '\\n' + stub, shortCircuit: true };
}`;
const shim = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`)}`;

const cli = createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/dist/index.js');
const extra = process.argv.slice(2);
const child = spawn(process.execPath, ['--import', shim, cli, 'server', '--url', url, ...extra], {
  stdio: 'inherit',
  cwd: dir,
});
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
server.close();
await engine.close();
rmSync(dir, { recursive: true, force: true });
process.exitCode = code;
