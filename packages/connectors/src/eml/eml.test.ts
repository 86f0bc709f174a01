import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { emlConnector } from './index.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const msg = (id: string, date: string): string =>
  `From: a@example.org\nSubject: ${id}\nDate: ${date}\nMessage-ID: <${id}@example.org>\n\nbody of ${id}\n`;

describe('eml connector', () => {
  it('turns a corrupt file into a per-item error and reads the rest', async () => {
    const tmp = makeTempDir('eml');
    cleanup = tmp.cleanup;
    mkdirSync(path.join(tmp.dir, 'sub'));
    writeFileSync(path.join(tmp.dir, 'good.eml'), msg('good', 'Mon, 2 Mar 2026 10:00:00 +0000'));
    writeFileSync(path.join(tmp.dir, 'empty.eml'), '');
    writeFileSync(path.join(tmp.dir, 'sub', 'binary.eml'), Buffer.from([0, 159, 146, 150, 0, 0, 1, 2, 3]));
    writeFileSync(path.join(tmp.dir, 'sub', 'ignored.txt'), msg('ignored', 'Mon, 2 Mar 2026 10:00:00 +0000'));
    const pages = await collectPages(emlConnector, createTestContext(emlConnector, { config: { rootDir: tmp.dir } }));
    const items = pages.flatMap((p) => p.items ?? []);
    expect(items.map((i) => i.externalId)).toEqual(['good@example.org']);
    expect(items[0]!.container).toBe('.');
    const errors = pages
      .flatMap((p) => p.errors ?? [])
      .map((e) => e.message)
      .sort();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^empty\.eml: .*empty/);
    expect(errors[1]).toMatch(/^sub\/binary\.eml: /);
  });

  it('skips messages older than the backfill window on a first sync', async () => {
    const tmp = makeTempDir('eml');
    cleanup = tmp.cleanup;
    writeFileSync(path.join(tmp.dir, 'old.eml'), msg('old', 'Mon, 2 Mar 2020 10:00:00 +0000'));
    writeFileSync(path.join(tmp.dir, 'new.eml'), msg('new', 'Mon, 2 Mar 2026 10:00:00 +0000'));
    const ctx = createTestContext(emlConnector, {
      config: { rootDir: tmp.dir },
      since: new Date('2025-01-01T00:00:00Z'),
    });
    const pages = await collectPages(emlConnector, ctx);
    expect(pages.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['new@example.org']);
  });
});
