import { readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../mail/test-support/temp.js';
import { prepareMessage, writeBenchMbox } from './bench-corpus.js';
import { benchMbox } from './bench.js';
import { splitMbox } from './split.js';

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

const benchDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('tributary-bench-mbox-'));

describe('benchMbox', () => {
  it('reads back every copy it wrote from the real test messages, and removes its temp folder', async () => {
    const before = new Set(benchDirs());
    const r = await benchMbox({ targetBytes: 5 * 1024 * 1024 });
    expect(r.sources).toBeGreaterThan(200); // the .eml files and the mbox messages of the shared test data
    expect(r.written).toBeGreaterThan(r.sources); // cycled through them more than once
    expect(r.bytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(r.messages).toBe(r.written);
    expect(r.errors).toBe(0);
    expect(r.rssSamplesMb.length).toBeGreaterThanOrEqual(2);
    expect(r.peakRssMb).toBeGreaterThanOrEqual(Math.max(...r.rssSamplesMb));
    expect(r.messagesPerSec).toBeGreaterThan(0);
    expect(benchDirs().filter((d) => !before.has(d))).toEqual([]);
  }, 120_000);
});

describe('the bench corpus', () => {
  it('gives each copy its own Message-ID and keeps From-lines intact through mboxrd quoting', async () => {
    const tmp = makeTempDir('bench-corpus');
    cleanup = tmp.cleanup;
    const original =
      'From: a@example.org\nMessage-ID: <orig@example.org>\nContent-Length: 3\nSubject: s\n\nFrom here\n>From there\nend\n';
    const headerOnly = 'From: b@example.org\r\nSubject: no body\r\nMessage-Id:\r\n <folded@example.org>\r\n';
    const file = path.join(tmp.dir, 'x.mbox');
    const { written } = await writeBenchMbox(
      file,
      [prepareMessage(Buffer.from(original), 'a'), prepareMessage(Buffer.from(headerOnly), 'b')],
      1,
    );
    expect(written).toBe(1);
    await writeBenchMbox(
      file,
      [prepareMessage(Buffer.from(original), 'a'), prepareMessage(Buffer.from(headerOnly), 'b')],
      600,
    );
    const fh = await open(file, 'r');
    const raws: string[] = [];
    try {
      for await (const m of splitMbox(fh, 0, (await fh.stat()).size)) {
        expect(m.complete).toBe(true);
        raws.push(m.raw.toString('latin1'));
      }
    } finally {
      await fh.close();
    }
    expect(raws.length).toBeGreaterThanOrEqual(4);
    expect(raws[0]).toBe(
      'Message-ID: <bench-0@tributary.invalid>\nFrom: a@example.org\nSubject: s\n\nFrom here\n>From there\nend\n',
    );
    expect(raws[1]).toBe('Message-ID: <bench-1@tributary.invalid>\r\nFrom: b@example.org\r\nSubject: no body\r\n\r\n');
    expect(raws[2]).toContain('<bench-2@tributary.invalid>');
  });
});
