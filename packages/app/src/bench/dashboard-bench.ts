import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { builtinConnectors } from '@tributary/connectors';
import { createEngine, createSqliteStore, LOCAL_USER_ID } from '@tributary/engine';
import { createDashboardState } from '../api/dashboard/state.js';
import { DEFAULT_DASHBOARD_DIR } from '../api/dashboard/static.js';
import { startServer } from '../api/server.js';
import { issueToken } from '../auth/tokens.js';
import { fmt, peakRssMb, percentile, printTable, timed } from './measure.js';

const SOURCES = Number(process.env.BENCH_DASHBOARD_SOURCES ?? 500);
const CHROMIUM = process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium';

/** Gzip size of the built dashboard's JavaScript and CSS (what a first visit downloads besides index.html). */
function bundleSizes(): { jsGzip: number; cssGzip: number; jsRaw: number } | null {
  const assets = path.join(DEFAULT_DASHBOARD_DIR, 'assets');
  if (!existsSync(assets)) return null;
  let jsGzip = 0;
  let cssGzip = 0;
  let jsRaw = 0;
  for (const f of readdirSync(assets)) {
    const body = readFileSync(path.join(assets, f));
    if (f.endsWith('.js')) {
      jsGzip += gzipSync(body, { level: 9 }).length;
      jsRaw += body.length;
    } else if (f.endsWith('.css')) cssGzip += gzipSync(body, { level: 9 }).length;
  }
  return { jsGzip, cssGzip, jsRaw };
}

/**
 * The dashboard's sources page with many sources: the overview request against listing the sources alone (the raw
 * baseline), and in Chromium the time to first render with data against a static page of the same rows.
 */
export async function benchDashboardPhase(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-dashboard-bench-'));
  const state = createDashboardState();
  const store = createSqliteStore({ path: path.join(dir, 'tributary.db') });
  await store.migrate();
  const engine = createEngine({ store, connectors: builtinConnectors, onEvent: state.progress.onEvent });
  const { token } = await issueToken(store, { userId: LOCAL_USER_ID, name: 'bench' });
  const server = await startServer({ engine, port: 0, dashboard: state, limits: { rateLimit: false } });
  try {
    const setup = await timed(async () => {
      for (let i = 0; i < SOURCES; i++) {
        const s = await engine.sources.add({ connector: 'synthetic', name: `gen-${i}`, config: { count: 10 } });
        await engine.sync(s.id);
      }
    });
    const get = async (p: string) => {
      const res = await fetch(`${server.url}/api/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    };
    const sample = async (p: string) => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) times.push((await timed(() => get(p))).seconds * 1000);
      return percentile(times, 50);
    };
    await get('/dashboard/sources');
    const overviewMs = await sample('/dashboard/sources');
    const listMs = await sample('/sources');
    const rows: Array<[string, string]> = [
      ['sources (each synced once)', `${fmt(SOURCES)} (setup ${fmt(setup.seconds, 1)} s)`],
      ['GET /dashboard/sources p50', `${fmt(overviewMs, 1)} ms`],
      ['GET /sources p50 (baseline: list only)', `${fmt(listMs, 1)} ms`],
      ['overview / list', `${fmt(overviewMs / listMs, 1)}×`],
    ];
    const sizes = bundleSizes();
    if (sizes)
      rows.push([
        'initial bundle (gzip)',
        `${fmt(sizes.jsGzip / 1024, 1)} KB JS + ${fmt(sizes.cssGzip / 1024, 1)} KB CSS (${fmt(sizes.jsRaw / 1024)} KB JS minified; budget 250 KB)`,
      ]);
    else rows.push(['initial bundle', 'not built (npm run build)']);
    if (sizes && existsSync(CHROMIUM)) {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await page.getByLabel('API token').fill(token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page
          .locator('table.sources tbody tr')
          .nth(SOURCES - 1)
          .waitFor();
        const renders: number[] = [];
        const dataAt: number[] = [];
        const complete: number[] = [];
        for (let i = 0; i < 5; i++) {
          await page.reload();
          await page
            .locator('table.sources tbody tr')
            .nth(SOURCES - 1)
            .waitFor();
          renders.push(await page.evaluate(() => performance.getEntriesByName('sources-rendered')[0]!.startTime));
          dataAt.push(await page.evaluate(() => performance.getEntriesByName('sources-data')[0]!.startTime));
          await page.waitForFunction(() => performance.getEntriesByName('sources-complete').length > 0);
          complete.push(await page.evaluate(() => performance.getEntriesByName('sources-complete')[0]!.startTime));
        }
        // Baseline: the same number of rows as a static HTML table from the same server origin (no app, no API).
        const html = `<!doctype html><table>${Array.from({ length: SOURCES }, (_, i) => `<tr><td>gen-${i}</td><td>Active</td><td>10</td></tr>`).join('')}</table>`;
        const staticTimes: number[] = [];
        for (let i = 0; i < 5; i++) {
          await page.route(`${server.url}/baseline`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
          await page.goto(`${server.url}/baseline`);
          staticTimes.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]!.duration));
        }
        const render = percentile(renders, 50);
        const base = percentile(staticTimes, 50);
        rows.push(
          ['sources page: first render with data p50', `${fmt(render)} ms after navigation (Chromium; first 50 rows)`],
          ['  of which: until the overview arrived p50', `${fmt(percentile(dataAt, 50))} ms`],
          [`every one of the ${fmt(SOURCES)} rows rendered p50`, `${fmt(percentile(complete, 50))} ms`],
          ['static table of the same rows p50 (baseline)', `${fmt(base)} ms`],
          ['dashboard / static', `${fmt(render / Math.max(1, base), 1)}×`],
        );
      } finally {
        await browser.close();
      }
    } else rows.push(['first render', `skipped (no built dashboard or no ${CHROMIUM})`]);
    rows.push(['peak RSS (server + bench process)', `${fmt(peakRssMb())} MB`]);
    printTable(`Dashboard: the sources page with ${fmt(SOURCES)} sources`, rows);
  } finally {
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
