import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryState, type Item, type MemoryConnectorState, type Page } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { obsidianConnector } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const source = path.resolve(repoRoot, '../shared/testdata/obsidian/dataview-test-vault');

let base: string;
let vault: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'tributary-obsidian-'));
  vault = path.join(base, 'vault');
  cpSync(source, vault, { recursive: true });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Connector state as the engine keeps it: committed with each page, carried to the read that resumes. */
let state: MemoryConnectorState = createMemoryState();
const read = async (config: Record<string, unknown>, checkpoint?: unknown, since?: Date): Promise<Page[]> => {
  const ctx = createTestContext(obsidianConnector, {
    config,
    ...(checkpoint ? { checkpoint, state } : {}),
    ...(since ? { since } : {}),
  });
  const pages = await collectPages(obsidianConnector, ctx);
  state = ctx.state as MemoryConnectorState;
  return pages;
};
const itemsOf = (pages: Page[]): Item[] => pages.flatMap((p) => p.items ?? []);
const deletesOf = (pages: Page[]): string[] => pages.flatMap((p) => p.deletes ?? []);
const last = (pages: Page[]): Record<string, unknown> => pages[pages.length - 1]!.checkpoint;
const write = (rel: string, text: string): void => {
  mkdirSync(path.dirname(path.join(vault, rel)), { recursive: true });
  writeFileSync(path.join(vault, rel), text);
};

/** The .md files of a folder, found independently of the connector (plain recursive listing). */
function markdownFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((d) => {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.name.startsWith('.')) return [];
    if (d.isDirectory()) return markdownFiles(dir, r);
    return d.name.endsWith('.md') ? [r] : [];
  });
}

describe('obsidian connector on the dataview test vault', () => {
  it('yields one item per note, with words of its body in the content and its tags', async () => {
    const items = itemsOf(await read({ vaultPath: vault }));
    const expected = markdownFiles(vault).sort();
    expect(items.map((i) => i.externalId).sort()).toEqual(expected);
    for (const rel of expected) {
      const body = readFileSync(path.join(vault, rel), 'utf8').replace(/^---\n[\s\S]*?\n---\n?/, '');
      const words = body.match(/[A-Za-z]{4,}/g) ?? [];
      const item = items.find((i) => i.externalId === rel)!;
      expect(item.contentType).toBe('markdown');
      if (words.length) expect(item.content, rel).toContain(words[words.length - 1]);
    }
    const checklist = items.find((i) => i.externalId === 'tasks/checklist.md')!;
    expect(checklist.tags).toEqual(expect.arrayContaining(['page-tag', 'tag', 'tell']));
    expect(checklist.content).toContain('## Section');
    const pbj = items.find((i) => i.externalId === 'recipes/pbj.md')!;
    expect(pbj.metadata!.frontmatter).toMatchObject({ cuisine: 'American', needsStove: false });
    expect(pbj.content.startsWith('# Peanut Butter and Jelly')).toBe(true);
    expect(items.find((i) => i.externalId === 'blog/2021-08-08-a-post.md')!.occurredAt).toBe(
      '2021-08-08T00:00:00.000Z',
    );
    const home = items.find((i) => i.externalId === 'Home.md')!;
    expect(home.metadata!.links).toContainEqual({ target: 'example tables', resolved: 'example tables.md' });
    const tasks = items.find((i) => i.externalId === 'tasks/example tasks.md')!;
    expect(tasks.metadata!.embeds).toContainEqual({
      target: 'Uncompleted Tasks',
      resolved: 'tasks/Uncompleted Tasks.md',
    });
    expect(items.some((i) => String(i.metadata!.path).startsWith('.obsidian'))).toBe(false);
  });

  it('yields nothing on an unchanged second sync, then the edit, the deletion and a rename as one memory', async () => {
    const first = await read({ vaultPath: vault });
    const second = await read({ vaultPath: vault }, last(first));
    expect(itemsOf(second)).toEqual([]);
    expect(deletesOf(second)).toEqual([]);

    writeFileSync(
      path.join(vault, 'Books.md'),
      readFileSync(path.join(vault, 'Books.md'), 'utf8') + '\nA brand-new paragraph about zeppelins.\n',
    );
    unlinkSync(path.join(vault, 'recipes', 'toast.md'));
    renameSync(path.join(vault, 'books', 'The Great Gatsby.md'), path.join(vault, 'books', 'Gatsby (renamed).md'));
    const third = await read({ vaultPath: vault }, last(second));
    const items = itemsOf(third);
    expect(items.map((i) => i.externalId).sort()).toEqual(['Books.md', 'books/The Great Gatsby.md']);
    expect(items.find((i) => i.externalId === 'Books.md')!.content).toContain('zeppelins');
    const renamed = items.find((i) => i.externalId === 'books/The Great Gatsby.md')!;
    expect(renamed.title).toBe('Gatsby (renamed)');
    expect(renamed.metadata!.path).toBe('books/Gatsby (renamed).md');
    expect(renamed.url).toContain(encodeURIComponent('books/Gatsby (renamed)'));
    expect(deletesOf(third)).toEqual(['recipes/toast.md']);

    // The renamed note keeps its identity through later edits and its deletion.
    appendFileSync(path.join(vault, 'books', 'Gatsby (renamed).md'), '\nMore thoughts.\n');
    const fourth = await read({ vaultPath: vault }, last(third));
    expect(itemsOf(fourth).map((i) => i.externalId)).toEqual(['books/The Great Gatsby.md']);
    unlinkSync(path.join(vault, 'books', 'Gatsby (renamed).md'));
    write('books/The Great Gatsby.md', 'A new, different note at the old path.\n');
    const fifth = await read({ vaultPath: vault }, last(fourth));
    expect(deletesOf(fifth)).toEqual(['books/The Great Gatsby.md']);
    expect(itemsOf(fifth).map((i) => i.externalId)).toEqual(['books/The Great Gatsby.md#2']);
  });

  it('keeps per-note records in connector state: one edit and one delete among 500 notes, a flat checkpoint', async () => {
    for (let i = 0; i < 500; i++) write(`many/note-${String(i).padStart(3, '0')}.md`, `# Note ${i}\n\nBody ${i}.\n`);
    const first = await read({ vaultPath: vault, pageSize: 50 });
    const notes = markdownFiles(vault).length;
    expect(itemsOf(first)).toHaveLength(notes);
    // Every page's checkpoint is the same few bytes; the records went to state, at most a page's worth per page.
    for (const page of first) {
      expect(JSON.stringify(page.checkpoint).length).toBeLessThan(64);
      expect(Object.keys(page.state?.set ?? {}).length).toBeLessThanOrEqual(50);
    }
    expect(last(first)).toEqual({ v: 2, complete: true });
    expect(state.snapshot().size).toBe(notes);

    appendFileSync(path.join(vault, 'many', 'note-250.md'), 'An edit.\n');
    unlinkSync(path.join(vault, 'many', 'note-377.md'));
    const inc = await read({ vaultPath: vault, pageSize: 50 }, last(first));
    expect(itemsOf(inc).map((i) => i.externalId)).toEqual(['many/note-250.md']);
    expect(deletesOf(inc)).toEqual(['many/note-377.md']);
    expect(inc.flatMap((p) => p.state?.delete ?? [])).toEqual(['n:many/note-377.md']);
    expect(state.snapshot().size).toBe(notes - 1);
  });

  it('reads notes ahead (by count and by bytes) yet gives every note its own content, in walk order', async () => {
    // Big notes among small ones exercise the byte budget of the read-ahead; unchanged notes between edited ones
    // exercise skipping what the queue does not hold.
    for (let i = 0; i < 120; i++) {
      const big = [7, 8, 9].includes(i % 40) ? `${'filler words '.repeat(300_000)}\n` : '';
      write(`ahead/n-${String(i).padStart(3, '0')}.md`, `# N ${i}\n\nmarker-${i}-end\n${big}`);
    }
    const first = await read({ vaultPath: vault, pageSize: 9 });
    const ahead = itemsOf(first).filter((i) => i.externalId.startsWith('ahead/'));
    expect(ahead.map((i) => i.externalId)).toEqual(markdownFiles(vault, 'ahead'));
    for (const item of ahead) {
      const n = Number(/n-(\d+)\.md$/.exec(item.externalId)![1]);
      expect(item.content).toContain(`marker-${n}-end`);
    }
    for (const i of [3, 50, 51, 119])
      appendFileSync(path.join(vault, 'ahead', `n-${String(i).padStart(3, '0')}.md`), 'edited\n');
    const inc = itemsOf(await read({ vaultPath: vault, pageSize: 9 }, last(first)));
    expect(inc.map((i) => i.externalId)).toEqual([
      'ahead/n-003.md',
      'ahead/n-050.md',
      'ahead/n-051.md',
      'ahead/n-119.md',
    ]);
    expect(inc.map((i) => /marker-(\d+)-end/.exec(i.content)![1])).toEqual(['3', '50', '51', '119']);
  });

  it('a first sync bounded by backfillDays keeps its bound when resumed mid-scan', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    for (let i = 0; i < 12; i++) {
      write(`aged/n${i}.md`, `aged ${i}`);
      utimesSync(path.join(vault, 'aged', `n${i}.md`), old, old);
    }
    const since = new Date('2021-01-01T00:00:00Z');
    const firstPage = (await read({ vaultPath: vault, pageSize: 3 }, undefined, since)).slice(0, 1);
    expect(firstPage[0]!.checkpoint).toEqual({ v: 2, complete: false, sinceMs: since.getTime() });
    state = createMemoryState();
    state.apply(firstPage[0]!.state);
    const rest = await read({ vaultPath: vault, pageSize: 3 }, firstPage[0]!.checkpoint);
    expect(
      itemsOf(rest)
        .map((i) => i.externalId)
        .filter((id) => id.startsWith('aged/')),
    ).toEqual([]);
  });

  it('does not pair empty notes as renames', async () => {
    const first = await read({ vaultPath: vault });
    unlinkSync(path.join(vault, 'blog', '2021-08-08-a-post.md')); // an empty note of the vault
    write('Untitled.md', '');
    const inc = await read({ vaultPath: vault }, last(first));
    expect(itemsOf(inc).map((i) => i.externalId)).toEqual(['Untitled.md']);
    expect(deletesOf(inc)).toEqual(['blog/2021-08-08-a-post.md']);
  });

  it('treats a touched but identical note as unchanged', async () => {
    const first = await read({ vaultPath: vault });
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(vault, 'Home.md'), later, later);
    expect(itemsOf(await read({ vaultPath: vault }, last(first)))).toEqual([]);
  });
});

describe('obsidian connector: parsing, skipping and safety', () => {
  it('merges front-matter and body tags, dates notes by name, front matter or mtime', async () => {
    write('Daily/2024-02-29.md', 'Leap day. #journal\n');
    write(
      'Notes/dated.md',
      '---\ndate: 2023-05-01\ntags: [project, "#work"]\n---\nBody #idea and `#notatag` and #123\n\n```\n#alsonot [[NotALink]]\n```\n',
    );
    const old = new Date('2020-01-02T03:04:05Z');
    write('Notes/plain.md', 'plain\n');
    utimesSync(path.join(vault, 'Notes/plain.md'), old, old);
    const items = itemsOf(await read({ vaultPath: vault, ignore: ['books', 'tasks', 'recipes'] }));
    const byId = (id: string): Item => items.find((i) => i.externalId === id)!;
    expect(byId('Daily/2024-02-29.md').occurredAt).toBe('2024-02-29T00:00:00.000Z');
    expect(byId('Daily/2024-02-29.md').tags).toEqual(['journal']);
    const dated = byId('Notes/dated.md');
    expect(dated.occurredAt).toBe('2023-05-01T00:00:00.000Z');
    expect(dated.tags).toEqual(['project', 'work', 'idea']);
    expect(dated.metadata!.links).toEqual([]);
    expect(byId('Notes/plain.md').occurredAt).toBe(old.toISOString());
    expect(items.some((i) => i.externalId.startsWith('books/') || i.externalId.startsWith('tasks/'))).toBe(false);
  });

  it('skips .obsidian, .trash, attachments, ignored globs and symlinks out of the vault', async () => {
    write('.trash/old.md', 'trashed\n');
    write('attachments/pic.png', 'not really a png');
    write('drafts/wip.excalidraw.md', 'drawing\n');
    write('Private/deep/diary.md', 'private\n');
    const outside = path.join(base, 'outside.md');
    writeFileSync(outside, 'secret outside the vault\n');
    symlinkSync(outside, path.join(vault, 'escape.md'));
    symlinkSync(base, path.join(vault, 'loop'));
    const pages = await read({ vaultPath: vault, ignore: ['*.excalidraw.md', 'Private/**'] });
    const ids = itemsOf(pages).map((i) => i.externalId);
    expect(ids).not.toContain('.trash/old.md');
    expect(ids).not.toContain('drafts/wip.excalidraw.md');
    expect(ids).not.toContain('escape.md');
    expect(ids).not.toContain('Private/deep/diary.md');
    expect(ids.some((id) => id.startsWith('loop/') || id.startsWith('attachments/'))).toBe(false);
    expect(itemsOf(pages).some((i) => i.content.includes('secret outside'))).toBe(false);
    expect(pages.flatMap((p) => p.errors ?? []).map((e) => e.message)).toContainEqual(
      expect.stringContaining('escape.md: symlink pointing outside the vault'),
    );
  });

  it('skips notes older than the backfill bound on the first sync, and reads them once they change', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    for (const rel of markdownFiles(vault)) utimesSync(path.join(vault, rel), old, old);
    write('fresh.md', 'fresh note\n');
    const first = await read({ vaultPath: vault }, undefined, new Date('2021-01-01T00:00:00Z'));
    expect(itemsOf(first).map((i) => i.externalId)).toEqual(['fresh.md']);
    appendFileSync(path.join(vault, 'Home.md'), 'edited\n');
    expect(itemsOf(await read({ vaultPath: vault }, last(first))).map((i) => i.externalId)).toEqual(['Home.md']);
  });

  it('refuses a missing vault and ignore entries that leave it, from check() and read()', async () => {
    type Ctx = Parameters<typeof obsidianConnector.check>[0];
    const check = (config: Record<string, unknown>) =>
      obsidianConnector.check(createConnectorContext(obsidianConnector, { config }) as Ctx);
    await expect(check({ vaultPath: vault })).resolves.toMatchObject({
      ok: true,
      message: expect.stringContaining('22 notes'),
    });
    await expect(check({ vaultPath: path.join(base, 'nope') })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('does not exist'),
    });
    await expect(check({ vaultPath: path.join(vault, 'Home.md') })).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(check({ vaultPath: vault, ignore: ['../x'] })).rejects.toMatchObject({ code: 'path_outside_root' });
    await expect(read({ vaultPath: vault, ignore: ['/abs/**'] })).rejects.toMatchObject({ code: 'path_outside_root' });
    await expect(read({ vaultPath: path.join(base, 'nope') })).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
