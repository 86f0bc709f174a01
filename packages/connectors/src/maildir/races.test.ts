import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMemoryState, type MemoryConnectorState, type Page } from '@tributary/sdk';
import { createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { listMessages } from './client.js';
import { changedWhileListed } from './dir-stamps.js';
import { maildirConnector } from './index.js';

// A mail client renames and deletes files while a sync runs: between the listing and the read of a file, and
// between the listings of new/ and cur/. Neither may count as a failure, nor delete a message that is still there.

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const message = (id: string): string =>
  `From: a@example.org\nSubject: ${id}\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nMessage-ID: <${id}@example.org>\n\n${id} body\n`;

function maildir(): { dir: string; file: (sub: string, name: string) => string } {
  const tmp = makeTempDir('maildir-races');
  cleanup = tmp.cleanup;
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(tmp.dir, sub));
  return { dir: tmp.dir, file: (sub, name) => path.join(tmp.dir, sub, name) };
}

/** One run with the engine's order: each page's state is committed before the next page is asked for. */
async function run(
  rootDir: string,
  state: MemoryConnectorState,
  checkpoint: unknown,
  between?: () => void,
): Promise<Page[]> {
  const ctx = createTestContext(maildirConnector, { config: { rootDir, pageSize: 1 }, checkpoint, state });
  const pages: Page[] = [];
  for await (const page of maildirConnector.read(ctx)) {
    state.apply(page.state);
    pages.push(page);
    // After the first page every folder is listed and the rest not yet read: what a client does now races the read.
    if (pages.length === 1) between?.();
  }
  return pages;
}

const ids = (pages: Page[]) => pages.flatMap((p) => p.items ?? []).map((i) => i.externalId);
const deletes = (pages: Page[]) => pages.flatMap((p) => p.deletes ?? []);
const errors = (pages: Page[]) => pages.flatMap((p) => p.errors ?? []).map((e) => e.message);

describe('maildir: a client changing files during a sync', () => {
  it('a file renamed or deleted after the listing, before its read, is no failure and deletes nothing', async () => {
    const { dir, file } = maildir();
    writeFileSync(file('cur', '1700000001.A:2,S'), message('a'));
    writeFileSync(file('cur', '1700000003.D:2,S'), message('d'));
    const state = createMemoryState();
    const first = await run(dir, state, undefined);
    expect(ids(first).sort()).toEqual(['a@example.org', 'd@example.org']);

    // Changes the next run will list: a first message to read, a flag change of A, a delivery C, a flag change of D.
    writeFileSync(file('new', '1700000000.First'), message('first'));
    renameSync(file('cur', '1700000001.A:2,S'), file('cur', '1700000001.A:2,FS'));
    writeFileSync(file('new', '1700000002.C'), message('c'));
    renameSync(file('cur', '1700000003.D:2,S'), file('cur', '1700000003.D:2,RS'));
    const past = new Date(Date.now() - 60_000);
    for (const sub of ['cur', 'new']) utimesSync(path.join(dir, sub), past, past);
    const second = await run(dir, state, first.at(-1)!.checkpoint, () => {
      // …and while the run reads: A's flags change again, C is seen (new/ → cur/), D is deleted.
      renameSync(file('cur', '1700000001.A:2,FS'), file('cur', '1700000001.A:2,FRS'));
      renameSync(file('new', '1700000002.C'), file('cur', '1700000002.C:2,S'));
      rmSync(file('cur', '1700000003.D:2,RS'));
    });
    expect(errors(second)).toEqual([]);
    expect(ids(second)).toEqual(['first@example.org']);
    // A was only renamed: it must not be deleted (before, its unreadable old name dropped its id).
    expect(deletes(second)).toEqual([]);
    // The run saw files vanish: it does not vouch for the folder, so the next run lists it again.
    expect([...state.snapshot().keys()].filter((k) => k.startsWith('d:'))).toEqual([]);

    const third = await run(dir, state, second.at(-1)!.checkpoint);
    expect(errors(third)).toEqual([]);
    const items = third.flatMap((p) => p.items ?? []);
    expect(items.map((i) => [i.externalId, (i.metadata as { maildirFlags: string }).maildirFlags])).toEqual([
      ['a@example.org', 'FRS'],
      ['c@example.org', 'S'],
    ]);
    expect(deletes(third)).toEqual(['d@example.org']);
  });

  it('a cur/ that cannot be listed reports an error and deletes none of its messages', async () => {
    const { dir, file } = maildir();
    for (let n = 0; n < 3; n++) writeFileSync(file('cur', `170000000${n}.M:2,S`), message(`m${n}`));
    const state = createMemoryState();
    const first = await run(dir, state, undefined);
    expect(ids(first)).toHaveLength(3);
    // Not a directory any more (a failing mount, a half-restored backup): readdir fails with ENOTDIR.
    renameSync(path.join(dir, 'cur'), path.join(dir, 'cur.away'));
    writeFileSync(path.join(dir, 'cur'), '');
    writeFileSync(file('new', '1700000009.New'), message('new'));
    const second = await run(dir, state, first.at(-1)!.checkpoint);
    expect(errors(second)).toEqual([expect.stringMatching(/^INBOX\/cur: cannot list folder: ENOTDIR/)]);
    expect(ids(second)).toEqual(['new@example.org']);
    expect(deletes(second)).toEqual([]);
    // Back again: nothing was forgotten, so nothing is read again or deleted.
    rmSync(path.join(dir, 'cur'));
    renameSync(path.join(dir, 'cur.away'), path.join(dir, 'cur'));
    const third = await run(dir, state, second.at(-1)!.checkpoint);
    expect([...ids(third), ...deletes(third), ...errors(third)]).toEqual([]);
  });

  it('a subfolder whose cur/ and new/ cannot be read is reported, not taken as deleted with its messages', async () => {
    const { dir, file } = maildir();
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, '.Archive', sub), { recursive: true });
    writeFileSync(path.join(dir, '.Archive', 'cur', '1700000001.A:2,S'), message('archived'));
    writeFileSync(file('cur', '1700000002.B:2,S'), message('inbox'));
    const state = createMemoryState();
    const first = await run(dir, state, undefined);
    expect(ids(first).sort()).toEqual(['archived@example.org', 'inbox@example.org']);
    // cur/ and new/ become symlink loops (stat fails with ELOOP, as it would with EACCES for a non-root user).
    renameSync(path.join(dir, '.Archive'), path.join(dir, 'away'));
    mkdirSync(path.join(dir, '.Archive'));
    for (const sub of ['cur', 'new']) symlinkSync(sub, path.join(dir, '.Archive', sub));
    const second = await run(dir, state, first.at(-1)!.checkpoint);
    expect(errors(second)).toEqual([expect.stringMatching(/^Archive: cannot read folder: ELOOP/)]);
    expect(deletes(second)).toEqual([]);
  });

  it('a root gone or emptied (a disk not mounted) is an error and deletes nothing; back, nothing is read again', async () => {
    const { dir, file } = maildir();
    for (let n = 0; n < 3; n++) writeFileSync(file('cur', `170000000${n}.M:2,S`), message(`m${n}`));
    const state = createMemoryState();
    let checkpoint = (await run(dir, state, undefined)).at(-1)!.checkpoint;
    const away = `${dir}.away`;
    renameSync(dir, away);
    const gone = await run(dir, state, checkpoint);
    expect(errors(gone)).toEqual([expect.stringMatching(/^\.: cannot list folder: ENOENT/)]);
    expect(deletes(gone)).toEqual([]);
    checkpoint = gone.at(-1)!.checkpoint;
    // An empty mount point: a readable folder with no cur/ or new/ anywhere.
    mkdirSync(dir);
    const empty = await run(dir, state, checkpoint);
    expect(errors(empty)).toEqual([expect.stringMatching(/^rootDir holds no Maildir folder/)]);
    expect(deletes(empty)).toEqual([]);
    rmSync(dir, { recursive: true });
    renameSync(away, dir);
    const back = await run(dir, state, empty.at(-1)!.checkpoint);
    expect([...ids(back), ...deletes(back), ...errors(back)]).toEqual([]);
  });

  it('a message seen in new/ and in cur/ (moved between the two listings) is listed once, under cur/', async () => {
    const { dir, file } = maildir();
    writeFileSync(file('new', '1700000001.X'), message('x'));
    writeFileSync(file('cur', '1700000001.X:2,S'), message('x'));
    writeFileSync(file('new', '1700000002.Y'), message('y'));
    const listed = await listMessages({ rootDir: dir, includeFolders: ['**'], excludeFolders: [], pageSize: 10 }, []);
    expect(listed.map((e) => [e.key, e.sub, e.name.raw])).toEqual([
      ['INBOX/1700000001.X', 'cur', 'S'],
      ['INBOX/1700000002.Y', 'new', ''],
    ]);
  });

  it('a sync after a flag change reads that message only, as an update, and lists it with the new flags', async () => {
    const { dir, file } = maildir();
    for (let n = 0; n < 20; n++) writeFileSync(file('cur', `17000000${10 + n}.M:2,S`), message(`m${n}`));
    const state = createMemoryState();
    const first = await run(dir, state, undefined);
    renameSync(file('cur', '1700000015.M:2,S'), file('cur', '1700000015.M:2,FS'));
    const second = await run(dir, state, first.at(-1)!.checkpoint);
    expect(second.flatMap((p) => p.items ?? []).map((i) => [i.externalId, (i.metadata as any).flags])).toEqual([
      ['m5@example.org', ['flagged', 'seen']],
    ]);
    expect([...deletes(second), ...errors(second)]).toEqual([]);
  });
});

describe('changedWhileListed', () => {
  it('is true when a folder stamp moved or could not be read between the two stampings', () => {
    const s = (value: string | null) => ({ value, settled: true });
    const before = new Map([
      ['d:INBOX', s('1:2')],
      ['d:Sent', s('3:-')],
    ]);
    expect(changedWhileListed(before, new Map(before))).toBe(false);
    expect(changedWhileListed(before, new Map([...before, ['d:Sent', s('4:-')]]))).toBe(true);
    expect(changedWhileListed(before, new Map([...before, ['d:INBOX', s(null)]]))).toBe(true);
    expect(changedWhileListed(new Map([['d:INBOX', s(null)]]), new Map([['d:INBOX', s(null)]]))).toBe(true);
  });
});
