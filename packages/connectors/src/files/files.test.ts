import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryState, type Item, type MemoryConnectorState, type Page } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { filesConnector } from './index.js';
import { makeDocx, sampleFiles } from './test-support/documents.js';

let base: string;
let root: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'tributary-files-'));
  root = path.join(base, 'root');
  for (const [rel, data] of Object.entries(sampleFiles())) put(rel, data);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function put(rel: string, data: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), data);
}
/** Connector state as the engine keeps it: committed with each page, carried to the read that resumes. */
let state: MemoryConnectorState = createMemoryState();
const read = async (config: Record<string, unknown>, checkpoint?: unknown, since?: Date): Promise<Page[]> => {
  const ctx = createTestContext(filesConnector, {
    config,
    ...(checkpoint ? { checkpoint, state } : {}),
    ...(since ? { since } : {}),
  });
  const pages = await collectPages(filesConnector, ctx);
  state = ctx.state as MemoryConnectorState;
  return pages;
};
const itemsOf = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);
const errorsOf = (pages: Page[]): string[] => pages.flatMap((p) => p.errors ?? []).map((e) => e.message);
const last = (pages: Page[]): Record<string, unknown> => pages[pages.length - 1]!.checkpoint;
const byId = (items: Item[], id: string): Item => {
  const found = items.find((i) => i.externalId === id);
  if (!found) throw new Error(`no item ${id} in ${items.map((i) => i.externalId).join(', ')}`);
  return found;
};

describe('files connector: extraction', () => {
  it('reads text, Markdown, code, HTML, PDF and DOCX, and skips binaries quietly', async () => {
    const pages = await read({ rootDir: root });
    const items = itemsOf(pages);
    expect(items.map((i) => i.externalId).sort()).toEqual([
      'Makefile',
      'docs/letter.docx',
      'docs/report.pdf',
      'notes/plan.md',
      'notes/readme.txt',
      'src/main.ts',
      'src/tool.py',
      'web/page.html',
    ]);
    expect(byId(items, 'notes/readme.txt')).toMatchObject({
      contentType: 'text',
      content: 'Plain text about lighthouses.\n',
      title: 'readme.txt',
      container: 'notes',
    });
    expect(byId(items, 'notes/plan.md')).toMatchObject({
      contentType: 'markdown',
      content: expect.stringContaining('## Goals'),
    });
    expect(byId(items, 'src/main.ts')).toMatchObject({
      contentType: 'code',
      metadata: expect.objectContaining({ language: 'typescript' }),
    });
    expect(byId(items, 'src/tool.py').metadata).toMatchObject({ language: 'python', extension: 'py', kind: 'code' });
    expect(byId(items, 'Makefile').metadata).toMatchObject({ language: 'makefile' });
    const html = byId(items, 'web/page.html');
    expect(html).toMatchObject({ contentType: 'markdown', title: 'Harbour & Sea' });
    expect(html.content).toContain('# Tides');
    expect(html.content).toContain('**spring**');
    expect(html.content).not.toContain('alert(1)');
    const pdf = byId(items, 'docs/report.pdf');
    expect(pdf).toMatchObject({
      contentType: 'text',
      title: 'Seagull Report',
      metadata: expect.objectContaining({ pages: 1 }),
    });
    expect(pdf.content).toContain('Quarterly report on seagulls');
    expect(byId(items, 'docs/letter.docx').content).toContain('the albatross budget is approved.');
    expect(byId(items, 'notes/readme.txt').url).toMatch(/^file:\/\/.*notes\/readme\.txt$/);
    expect(errorsOf(pages)).toEqual([]);
  });

  it('reports unsupported, binary, corrupt and oversized files that include asks for', async () => {
    put('docs/broken.pdf', 'not a pdf at all');
    put('docs/fake.txt', Buffer.from([0x41, 0, 0x42]));
    put('docs/big.md', 'x'.repeat(2 * 1024 * 1024));
    const pages = await read({ rootDir: root, include: ['docs/**', '*.png'], maxFileSizeMb: 1 });
    expect(
      itemsOf(pages)
        .map((i) => i.externalId)
        .sort(),
    ).toEqual(['docs/letter.docx', 'docs/report.pdf']);
    const errors = errorsOf(pages);
    expect(errors).toContainEqual(expect.stringContaining('images/logo.png: unsupported file type'));
    expect(errors).toContainEqual(expect.stringContaining('docs/broken.pdf: not a readable PDF'));
    expect(errors).toContainEqual(expect.stringContaining('docs/fake.txt: binary content'));
    expect(errors).toContainEqual(expect.stringContaining('docs/big.md: 2.0 MB, over maxFileSizeMb (1)'));
  });

  it('skips a binary file with a text name quietly when no include asks for it', async () => {
    put('notes/fake.txt', Buffer.from([0x41, 0, 0x42]));
    const pages = await read({ rootDir: root });
    expect(itemsOf(pages).map((i) => i.externalId)).not.toContain('notes/fake.txt');
    expect(errorsOf(pages)).toEqual([]);
  });

  it('excludes globs, and .git and node_modules by default', async () => {
    put('node_modules/pkg/index.js', 'module.exports = 1;\n');
    put('.git/HEAD', 'ref: refs/heads/main\n');
    put('drafts/secret.md', '# draft\n');
    const ids = itemsOf(await read({ rootDir: root, exclude: ['**/node_modules/**', '**/.git/**', 'drafts/'] })).map(
      (i) => i.externalId,
    );
    expect(ids.some((id) => id.startsWith('node_modules/') || id.startsWith('.git/') || id.startsWith('drafts/'))).toBe(
      false,
    );
    expect(ids).toContain('notes/plan.md');
    expect(itemsOf(await read({ rootDir: root })).map((i) => i.externalId)).toContain('drafts/secret.md');
  });
});

describe('files connector: incremental reads', () => {
  it('yields nothing when unchanged or only touched, then edits, additions and deletions', async () => {
    const first = await read({ rootDir: root });
    expect(itemsOf(await read({ rootDir: root }, last(first)))).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'notes/plan.md'), later, later);
    const touched = await read({ rootDir: root }, last(first));
    expect(itemsOf(touched)).toEqual([]);
    put('notes/plan.md', '# Plan\n\nChanged goals.\n');
    put('docs/memo.docx', makeDocx(['Memo about puffins']));
    unlinkSync(path.join(root, 'src/main.ts'));
    const inc = await read({ rootDir: root }, last(touched));
    expect(
      itemsOf(inc)
        .map((i) => i.externalId)
        .sort(),
    ).toEqual(['docs/memo.docx', 'notes/plan.md']);
    expect(inc.flatMap((p) => p.deletes ?? [])).toEqual(['src/main.ts']);
  });

  it('keeps per-file records in connector state: one edit and one delete among 300 files, a flat checkpoint', async () => {
    for (let i = 0; i < 300; i++) put(`many/f-${String(i).padStart(3, '0')}.txt`, `file ${i}`);
    const first = await read({ rootDir: root, pageSize: 40 });
    for (const page of first) {
      expect(JSON.stringify(page.checkpoint).length).toBeLessThan(64);
      expect(Object.keys(page.state?.set ?? {}).length).toBeLessThanOrEqual(40);
    }
    expect(last(first)).toEqual({ v: 2, complete: true });
    const records = state.snapshot().size;
    expect(records).toBe(itemsOf(first).length);
    put('many/f-123.txt', 'file 123, edited');
    unlinkSync(path.join(root, 'many/f-250.txt'));
    const inc = await read({ rootDir: root, pageSize: 40 }, last(first));
    expect(itemsOf(inc).map((i) => i.externalId)).toEqual(['many/f-123.txt']);
    expect(inc.flatMap((p) => p.deletes ?? [])).toEqual(['many/f-250.txt']);
    expect(state.snapshot().size).toBe(records - 1);
  });

  it('reports files that leave the selection (a new exclude) as deletes', async () => {
    const first = await read({ rootDir: root });
    const inc = await read({ rootDir: root, exclude: ['src/'] }, last(first));
    expect(inc.flatMap((p) => p.deletes ?? []).sort()).toEqual(['src/main.ts', 'src/tool.py']);
  });

  it('skips files older than the backfill bound on the first sync', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(path.join(root, 'notes/readme.txt'), old, old);
    const ids = itemsOf(await read({ rootDir: root }, undefined, new Date('2021-01-01T00:00:00Z'))).map(
      (i) => i.externalId,
    );
    expect(ids).not.toContain('notes/readme.txt');
    expect(ids).toContain('notes/plan.md');
  });
});

describe('files connector: safety', () => {
  it('never follows a symlink out of the root; follows inside links only when asked', async () => {
    writeFileSync(path.join(base, 'outside.txt'), 'secret outside the root\n');
    mkdirSync(path.join(base, 'outdir'));
    writeFileSync(path.join(base, 'outdir', 'x.txt'), 'secret folder\n');
    symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'escape.txt'));
    symlinkSync(path.join(base, 'outdir'), path.join(root, 'escape-dir'));
    symlinkSync(path.join(root, 'notes', 'plan.md'), path.join(root, 'plan-link.md'));
    symlinkSync(root, path.join(root, 'notes', 'loop'));

    const plain = itemsOf(await read({ rootDir: root }));
    expect(plain.some((i) => i.content.includes('secret'))).toBe(false);
    expect(plain.map((i) => i.externalId)).not.toContain('plan-link.md');

    const followed = await read({ rootDir: root, followSymlinks: true });
    const items = itemsOf(followed);
    expect(items.some((i) => i.content.includes('secret'))).toBe(false);
    expect(byId(items, 'plan-link.md').content).toContain('Ship the harbour map.');
    // The link back to the root is a cycle: each folder is read once.
    expect(items.some((i) => i.externalId.startsWith('notes/loop/'))).toBe(false);
    expect(items.filter((i) => i.externalId === 'notes/plan.md')).toHaveLength(1);
    expect(errorsOf(followed)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('escape.txt: symbolic link pointing outside rootDir'),
        expect.stringContaining('escape-dir: symbolic link pointing outside rootDir'),
      ]),
    );
  });

  it('refuses a missing root and globs that leave it, from check() and read()', async () => {
    type Ctx = Parameters<typeof filesConnector.check>[0];
    const check = (config: Record<string, unknown>) =>
      filesConnector.check(createConnectorContext(filesConnector, { config }) as Ctx);
    await expect(check({ rootDir: root })).resolves.toMatchObject({ ok: true });
    await expect(check({ rootDir: path.join(base, 'nope') })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('does not exist'),
    });
    await expect(check({ rootDir: path.join(root, 'Makefile') })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(check({ rootDir: root, include: ['../**'] })).rejects.toMatchObject({ code: 'path_outside_root' });
    await expect(check({ rootDir: root, exclude: ['/etc/**'] })).rejects.toMatchObject({ code: 'path_outside_root' });
    await expect(read({ rootDir: root, include: ['docs/../../x'] })).rejects.toMatchObject({
      code: 'path_outside_root',
    });
    await expect(read({ rootDir: path.join(base, 'nope') })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
