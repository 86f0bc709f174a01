import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium): never a downloaded browser. */
export const CHROMIUM = process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays on) and returns the
 * serious and critical violations, each as "rule: target".
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  )) as { violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** Where the docs' screenshots go, when TRIBUTARY_DOCS_SCREENSHOTS=1 asks for them (`npm run docs:screenshots`). */
export function screenshotter(repoRoot: string) {
  const on = process.env.TRIBUTARY_DOCS_SCREENSHOTS === '1';
  const dir = path.join(repoRoot, 'docs', 'dashboard');
  return async (page: Page, name: string): Promise<void> => {
    if (!on) return;
    // Caret and focus rings change between runs; hide the caret so images only change when the UI does.
    await page.screenshot({ path: path.join(dir, `${name}.png`), caret: 'hide', animations: 'disabled' });
  };
}
