import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

/** Where `npm run build` puts the dashboard: packages/dashboard/dist (the same depth from src/ and dist/). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../../dashboard/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Everything the page may load comes from this server; it may not be framed. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The built files, read once: only these names can ever be served (no path from a request touches the disk). */
function loadFiles(dir: string): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      if (statSync(full).isDirectory()) walk(r);
      else
        files.set(`/${r}`, { body: readFileSync(full), type: TYPES[path.extname(name)] ?? 'application/octet-stream' });
    }
  };
  try {
    walk('');
  } catch {
    // Not built: the fallback page says how to build it.
  }
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tributary</title></head>
<body><main><h1>Tributary</h1><p>The dashboard is not built. Run <code>npm run build</code>, then reload.
The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></main></body></html>`;

/**
 * Serves the dashboard at `/`: its files by exact name (hashed assets cached for a year), and index.html for any
 * other page path (client-side routes like /sources/abc). API, MCP and webhook paths are never shadowed.
 */
export function mountDashboardStatic(app: Hono<any>, dir = DEFAULT_DASHBOARD_DIR): void {
  const files = loadFiles(dir);
  const index = files.get('/index.html');
  app.get('*', async (c, next) => {
    const p = c.req.path;
    if (p.startsWith('/api/') || p === '/mcp' || p.startsWith('/mcp/')) return next();
    const headers: Record<string, string> = {
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    const file = files.get(p);
    if (file && p !== '/index.html') {
      headers['content-type'] = file.type;
      headers['cache-control'] = p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(new Uint8Array(file.body), 200, headers);
    }
    // A missing asset is a 404, not the page (a stale tab asking for an old bundle must not get HTML as JS).
    if (p.startsWith('/assets/')) return next();
    headers['cache-control'] = 'no-cache';
    if (!index) return c.html(NOT_BUILT, 200, headers);
    headers['content-type'] = 'text/html; charset=utf-8';
    return c.body(new Uint8Array(index.body), 200, headers);
  });
}
