import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createMemoryState, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { testdata } from '../mail/test-support/testdata.js';
import { mboxConnector } from './index.js';
import { isEnvelope, splitMbox } from './split.js';

const mimekit = (f: string): string => testdata('email/mbox/mimekit', f);
let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

/** One run; `from` is the previous run (its checkpoint and the connector state committed with it). */
async function readAll(config: Record<string, unknown>, from?: { checkpoint: unknown; state: MemoryConnectorState }) {
  const state = createMemoryState(from?.state.snapshot());
  const ctx = createTestContext(mboxConnector, { config, checkpoint: from?.checkpoint, state });
  const pages = await collectPages(mboxConnector, ctx);
  for (const p of pages) state.apply(p.state);
  return {
    state,
    pages,
    items: pages.flatMap((p) => p.items ?? []),
    errors: pages.flatMap((p) => p.errors ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
  };
}

async function split(file: string) {
  const fh = await open(file, 'r');
  try {
    const out = [];
    for await (const m of splitMbox(fh, 0, (await fh.stat()).size)) out.push(m);
    return out;
  } finally {
    await fh.close();
  }
}

describe('isEnvelope', () => {
  it('accepts real envelope lines and refuses prose', () => {
    expect(isEnvelope('From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n')).toBe(true);
    expect(isEnvelope('From - \n')).toBe(true);
    expect(isEnvelope('From 1844347792267117879@xxx\n')).toBe(true);
    expect(isEnvelope('From Russia with love\n')).toBe(false);
    expect(isEnvelope('From: someone\n')).toBe(false);
  });
});

describe('mbox on the MimeKit samples', () => {
  it('issue1189.mbox.txt matches its summary: message count and subjects', async () => {
    const summary = readFileSync(mimekit('issue1189-summary.txt'), 'utf8');
    const expectedSubjects = [...summary.matchAll(/^Subject: (.*)$/gm)].map((m) => m[1]!.trim());
    const expectedCount = [...summary.matchAll(/^From \S+/gm)].length;
    const { items, errors } = await readAll({ path: mimekit('issue1189.mbox.txt') });
    expect(errors).toEqual([]);
    expect(items).toHaveLength(expectedCount);
    expect(items.map((i) => i.title)).toEqual(expectedSubjects);
    expect(items[0]!.content).toBe('Body of message 1.');
    expect(items[1]!.metadata).toMatchObject({ attachments: [{ type: 'application/x-zip-compressed' }] });
  });

  it('does not split on unquoted "From " lines in bodies (mboxo, with a BOM)', async () => {
    const msgs = await split(mimekit('unmunged.mbox.txt'));
    expect(msgs).toHaveLength(2);
    expect(msgs.map((m) => m.raw.toString())).toEqual([
      expect.stringContaining('\nFrom Russia with love\n\nWhat does'),
      expect.stringContaining('From Russia with love\nYear: 1963'),
    ]);
    const simple = await readAll({ path: mimekit('simple.mbox.txt') });
    expect(simple.items.map((i) => i.title)).toEqual([
      "this'll probably break a lot of mime parsers",
      "this'll probably break even more mime parsers",
      "if a mime parser can correctly handle this, I'm impressed",
    ]);
  });
});

describe('mbox framing and incremental reads', () => {
  const msg = (id: string, body: string): string =>
    `From sender@example.org Mon Mar  2 10:00:00 2026\nFrom: a@example.org\nSubject: ${id}\nMessage-ID: <${id}@example.org>\n\n${body}\n\n`;

  it('unquotes >From lines (mboxrd) and honours Content-Length', async () => {
    const tmp = makeTempDir('mbox');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'a.mbox');
    const body = 'line one\n\nFrom here on, unquoted text\nX: y\n';
    writeFileSync(
      file,
      msg('q', 'quoted:\n>From the start\n>>From two') +
        `From sender@example.org Mon Mar  2 10:00:00 2026\nSubject: cl\nMessage-ID: <cl@example.org>\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}\n` +
        msg('last', 'end'),
    );
    const { items } = await readAll({ path: file });
    expect(items.map((i) => i.externalId)).toEqual(['q@example.org', 'cl@example.org', 'last@example.org']);
    expect(items[0]!.content).toBe('quoted:\nFrom the start\n>From two');
    expect(items[1]!.content).toBe('line one\n\nFrom here on, unquoted text\nX: y');
  });

  it('reads only appended messages, and reports a truncated message without losing the rest', async () => {
    const tmp = makeTempDir('mbox');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'inbox.mbox');
    copyFileSync(mimekit('issue1189.mbox.txt'), file);
    const first = await readAll({ path: file });
    expect(first.items).toHaveLength(4);
    appendFileSync(file, msg('five', 'fifth'));
    const whole = msg('six', 'sixth message');
    appendFileSync(file, whole.slice(0, 60)); // a writer caught mid-message
    const second = await readAll({ path: file }, first);
    expect(second.items.map((i) => i.externalId)).toEqual(['five@example.org']);
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]!.message).toMatch(/incomplete/);
    appendFileSync(file, whole.slice(60));
    const third = await readAll({ path: file }, second);
    expect(third.items.map((i) => i.externalId)).toEqual(['six@example.org']);
    expect(third.errors).toEqual([]);
    const fourth = await readAll({ path: file }, third);
    expect(fourth.items).toEqual([]);
    // The file's offset and identity are connector state; the checkpoint is a flat marker.
    expect(fourth.checkpoint).toEqual({ format: 'state-v1', files: 1 });
    expect([...fourth.state.snapshot().keys()]).toEqual(['f:inbox.mbox']);
  });

  it('among many mbox files, reads only the messages appended to a few and forgets removed files', async () => {
    const tmp = makeTempDir('mbox');
    cleanup = tmp.cleanup;
    const name = (i: number): string => path.join(tmp.dir, `box${i}.mbox`);
    for (let i = 0; i < 200; i++) writeFileSync(name(i), msg(`a${i}`, 'first') + msg(`b${i}`, 'second'));
    const first = await readAll({ path: tmp.dir, pageSize: 50 });
    expect(first.items).toHaveLength(400);
    for (const i of [3, 77, 150]) appendFileSync(name(i), msg(`c${i}`, 'third'));
    for (const i of [10, 11]) rmSync(name(i));
    const second = await readAll({ path: tmp.dir, pageSize: 50 }, first);
    expect(second.items.map((i) => i.externalId)).toEqual(['c150@example.org', 'c3@example.org', 'c77@example.org']);
    expect(second.pages.map((p) => Object.keys(p.state?.set ?? {}).length)).toEqual([3]);
    expect(second.state.snapshot().size).toBe(198);
    expect(JSON.stringify(second.checkpoint)).toBe('{"format":"state-v1","files":198}');
  });

  it('reads a rewritten file again from the start', async () => {
    const tmp = makeTempDir('mbox');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'inbox.mbox');
    writeFileSync(file, msg('one', '1') + msg('two', '2'));
    const first = await readAll({ path: file });
    writeFileSync(file, msg('two', '2') + msg('three', '3'));
    const second = await readAll({ path: file }, first);
    expect(second.items.map((i) => i.externalId)).toEqual(['two@example.org', 'three@example.org']);
  });

  it('reports a file that is not an mbox and reads the others of the folder', async () => {
    const tmp = makeTempDir('mbox');
    cleanup = tmp.cleanup;
    writeFileSync(path.join(tmp.dir, 'bad.mbox'), 'this is not mail\n');
    writeFileSync(path.join(tmp.dir, 'good.mbox'), msg('ok', 'fine'));
    const { items, errors } = await readAll({ path: tmp.dir });
    expect(items.map((i) => i.externalId)).toEqual(['ok@example.org']);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^bad\.mbox: not an mbox/)]);
  });
});
