import { mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMemoryState } from '@tributary/sdk';
import { collectPages, createConnectorContext, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { copyTree, makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { parseMaildirName } from './flags.js';
import { maildirConnector } from './index.js';

const realTree = testdata('email/maildir/stalwart-mail-parser');
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe('parseMaildirName', () => {
  it('reads flags after :2, ;2, or !2, and keeps keyword letters apart', () => {
    expect(parseMaildirName('123.M1.host,S=5:2,FRS')).toEqual({
      unique: '123.M1.host,S=5',
      raw: 'FRS',
      flags: ['flagged', 'replied', 'seen'],
      keywords: [],
    });
    expect(parseMaildirName('123.host;2,STln').flags).toEqual(['seen', 'trashed']);
    expect(parseMaildirName('123.host;2,STln').keywords).toEqual(['l', 'n']);
    expect(parseMaildirName('123.host!2,D').flags).toEqual(['draft']);
    expect(parseMaildirName('123.host')).toMatchObject({ unique: '123.host', flags: [] });
  });
});

describe('maildir connector on the stalwart Maildir++ tree', () => {
  it('reads every message with its folder and keeps its flags', async () => {
    const pages = await collectPages(
      maildirConnector,
      createTestContext(maildirConnector, { config: { rootDir: realTree } }),
    );
    const items = pages.flatMap((p) => p.items ?? []);
    const seen = items
      .map((i) => [i.content, i.container, (i.metadata as any).flags, (i.metadata as any).keywords])
      .sort();
    expect(seen).toEqual([
      ['a', 'INBOX', ['seen', 'trashed'], ['l', 'n']],
      ['b', 'INBOX', ['seen'], ['b']],
      ['c', 'My Folder', ['draft', 'replied', 'trashed'], []],
      ['d', 'My Folder', [], []],
      ['e', 'My Folder/Nested Folder', ['flagged', 'passed'], []],
      ['f', 'My Folder/Nested Folder', ['draft', 'flagged', 'replied'], []],
    ]);
    expect(pages.flatMap((p) => p.errors ?? [])).toEqual([]);
  });

  it('discovers the folders', async () => {
    const ctx = createConnectorContext(maildirConnector, { config: { rootDir: realTree } });
    expect((await maildirConnector.discover!(ctx)).map((f) => f.name)).toEqual([
      'INBOX',
      'My Folder',
      'My Folder/Nested Folder',
    ]);
  });

  it('re-reads a message whose flags changed, keeps a moved message, and honours excludeFolders', async () => {
    const tmp = makeTempDir('maildir');
    cleanup = tmp.cleanup;
    copyTree(realTree, tmp.dir);
    const msg = 'From: a@example.org\nSubject: s\nMessage-ID: <m1@example.org>\n\nhello\n';
    writeFileSync(path.join(tmp.dir, 'new', '1700000000.M1P1.host'), msg);
    const config = { rootDir: tmp.dir, excludeFolders: ['My Folder/Nested*'] };
    const state = createMemoryState();
    const first = await collectPages(maildirConnector, createTestContext(maildirConnector, { config }));
    for (const p of first) state.apply(p.state);
    expect(
      first
        .flatMap((p) => p.items ?? [])
        .map((i) => i.container)
        .sort(),
    ).toEqual(['INBOX', 'INBOX', 'INBOX', 'My Folder', 'My Folder']);
    // Seen: new/ → cur/ with :2,S; the message stays one item, now with the flag.
    renameSync(
      path.join(tmp.dir, 'new', '1700000000.M1P1.host'),
      path.join(tmp.dir, 'cur', '1700000000.M1P1.host:2,S'),
    );
    const second = await collectPages(
      maildirConnector,
      createTestContext(maildirConnector, { config, checkpoint: first.at(-1)!.checkpoint, state }),
    );
    for (const p of second) state.apply(p.state);
    const changed = second.flatMap((p) => p.items ?? []);
    expect(changed.map((i) => [i.externalId, (i.metadata as any).flags])).toEqual([['m1@example.org', ['seen']]]);
    expect(second.flatMap((p) => p.deletes ?? [])).toEqual([]);
    // Move to another folder: same memory, new container, no delete.
    mkdirSync(path.join(tmp.dir, '.Archive', 'cur'), { recursive: true });
    renameSync(
      path.join(tmp.dir, 'cur', '1700000000.M1P1.host:2,S'),
      path.join(tmp.dir, '.Archive', 'cur', '1700000000.M1P1.host:2,S'),
    );
    const third = await collectPages(
      maildirConnector,
      createTestContext(maildirConnector, { config, checkpoint: second.at(-1)!.checkpoint, state }),
    );
    expect(third.flatMap((p) => p.items ?? []).map((i) => [i.externalId, i.container])).toEqual([
      ['m1@example.org', 'Archive'],
    ]);
    expect(third.flatMap((p) => p.deletes ?? [])).toEqual([]);
  });
});

describe('maildir folder stamps', () => {
  it('skips listing when no folder changed since the last complete run, and lists again once one did', async () => {
    const tmp = makeTempDir('maildir-stamps');
    cleanup = tmp.cleanup;
    copyTree(realTree, tmp.dir);
    const past = new Date(Date.now() - 60_000);
    const settle = (): void => {
      for (const f of ['', '.My Folder', '.My Folder.Nested Folder'])
        for (const sub of ['cur', 'new']) utimesSync(path.join(tmp.dir, f, sub), past, past);
    };
    settle();
    const config = { rootDir: tmp.dir };
    const state = createMemoryState();
    const run = async (checkpoint?: unknown) => {
      const pages = await collectPages(
        maildirConnector,
        createTestContext(maildirConnector, { config, checkpoint, state }),
      );
      for (const p of pages) state.apply(p.state);
      return pages;
    };
    const first = await run();
    expect(first.flatMap((p) => p.items ?? [])).toHaveLength(6);
    expect([...state.snapshot().keys()].filter((k) => k.startsWith('d:'))).toEqual([
      'd:INBOX',
      'd:My Folder',
      'd:My Folder/Nested Folder',
    ]);
    // Nothing changed: one empty page, no state written.
    const second = await run(first.at(-1)!.checkpoint);
    expect(second).toEqual([{ items: [], checkpoint: first.at(-1)!.checkpoint }]);
    // Proof the tree was not listed: a file removed behind the stamp's back (mtime put back) is not noticed…
    const inbox = path.join(tmp.dir, 'cur');
    rmSync(path.join(inbox, readdirSync(inbox).sort()[0]!));
    settle();
    expect((await run(first.at(-1)!.checkpoint)).flatMap((p) => p.deletes ?? [])).toEqual([]);
    // …until a real change moves a stamp: then the whole diff runs and finds both.
    writeFileSync(
      path.join(tmp.dir, 'new', '1700000009.M1P1.host'),
      'From: a@example.org\nMessage-ID: <s1@example.org>\n\nhi\n',
    );
    const third = await run(first.at(-1)!.checkpoint);
    expect(third.flatMap((p) => p.items ?? []).map((i) => i.externalId)).toEqual(['s1@example.org']);
    expect(third.flatMap((p) => p.deletes ?? [])).toHaveLength(1);
    // A stamp younger than the settle time is not trusted: the next run lists again (and finds nothing new).
    expect(state.snapshot().has('d:INBOX')).toBe(false);
    const fourth = await run(third.at(-1)!.checkpoint);
    expect(fourth.flatMap((p) => [...(p.items ?? []), ...(p.deletes ?? [])])).toEqual([]);
  });
});
