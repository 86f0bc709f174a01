import { fork, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '@tributary/sdk';
import type { LogsCheckpoint } from './checkpoint.js';
import { readPass } from './test-support/run.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Drives the writer process: each command resolves when the child acknowledges it. */
function startWriter(file: string): {
  send(cmd: Record<string, unknown>): Promise<number>;
  child: ChildProcess;
  ready: Promise<void>;
} {
  const child = fork(path.join(here, 'test-support/writer.mjs'), [file], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (seq: number) => void>();
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.on('message', (m: { ready?: boolean; done?: number; seq?: number }) => {
    if (m.ready) onReady();
    if (m.done !== undefined) waiting.get(m.done)?.(m.seq ?? 0);
  });
  return {
    child,
    ready,
    send: (cmd) =>
      new Promise<number>((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        child.send({ ...cmd, id });
      }),
  };
}

async function gzip(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createGzip(), createWriteStream(to));
  unlinkSync(from);
}

const seqOf = (item: Item): number =>
  Number(/\/item\/(\d+)/.exec(String((item.metadata as { path: string }).path))![1]);

describe('logs: rotation with a live writer process', () => {
  let dir: string;
  let writer: ReturnType<typeof startWriter>;
  let checkpoint: LogsCheckpoint | undefined;
  const seen: number[] = [];
  const ids = new Set<string>();
  let log: string;

  const read = async (): Promise<number> => {
    const r = await readPass({ paths: [path.join(dir, 'access.log*')], pageSize: 50 }, checkpoint);
    checkpoint = r.checkpoint;
    expect(r.errors).toEqual([]);
    for (const item of r.items) {
      expect(ids.has(item.externalId)).toBe(false);
      ids.add(item.externalId);
      seen.push(seqOf(item));
    }
    return r.items.length;
  };
  const expectExactly = (written: number): void => {
    expect(seen.length).toBe(written);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: written }, (_, i) => i));
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-logs-rot-'));
    log = path.join(dir, 'access.log');
    writer = startWriter(log);
    await writer.ready;
  });
  afterAll(async () => {
    // A writer ended by a signal has exitCode null too: sending to it would never be acknowledged.
    if (writer.child.exitCode === null && writer.child.signalCode === null)
      await writer.send({ cmd: 'exit' }).catch(() => undefined);
    writer.child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads appended lines, including while the writer is mid-line', async () => {
    await writer.send({ cmd: 'write', n: 100 });
    expect(await read()).toBe(100);
    // the writer appends 400 lines in half-line writes while we read again and again
    const burst = writer.send({ cmd: 'write', n: 400, split: true });
    let done = false;
    void burst.then(() => (done = true));
    while (!done) await read();
    await read();
    expectExactly(500);
    // deterministically: half a line is left for the next read, then read once complete
    await writer.send({ cmd: 'partial' });
    expect(await read()).toBe(0);
    await writer.send({ cmd: 'finish' });
    expect(await read()).toBe(1);
    expectExactly(501);
  });

  it('rename + reopen: lines written to the old file after the rename are read from the rotated file', async () => {
    renameSync(log, `${log}.1`);
    await writer.send({ cmd: 'write', n: 30 }); // still the old descriptor: lands in access.log.1
    await writer.send({ cmd: 'reopen' });
    await writer.send({ cmd: 'write', n: 30 });
    expect(await read()).toBe(60);
    expectExactly(561);
  });

  it('rename, then gzip of the rotated file before it was read to its end', async () => {
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    await writer.send({ cmd: 'write', n: 25 });
    await writer.send({ cmd: 'reopen' });
    await writer.send({ cmd: 'write', n: 35 });
    await gzip(`${log}.1`, `${log}.1.gz`); // the 25 unread lines now exist only compressed
    expect(await read()).toBe(60);
    expectExactly(621);
  });

  it('copytruncate: the copy continues where the original was read; the truncated file starts over', async () => {
    renameSync(`${log}.2`, `${log}.3`);
    renameSync(`${log}.1.gz`, `${log}.2.gz`);
    await writer.send({ cmd: 'write', n: 40 });
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    await writer.send({ cmd: 'write', n: 40 }); // O_APPEND: the writer continues at the new end
    expect(await read()).toBe(80);
    expectExactly(701);
  });

  it('gzip of the copy and a shift of older archives read nothing twice', async () => {
    renameSync(`${log}.3`, `${log}.4`);
    renameSync(`${log}.2.gz`, `${log}.3.gz`);
    await gzip(`${log}.1`, `${log}.1.gz`);
    expect(await read()).toBe(0);
    await writer.send({ cmd: 'write', n: 10 });
    expect(await read()).toBe(10);
    expectExactly(711);
  });

  it('a fresh read of all files (live, copies, archives) yields each line once, with the same external ids', async () => {
    const fresh = await readPass({ paths: [path.join(dir, 'access.log*')] });
    expect(fresh.items.map(seqOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 711 }, (_, i) => i));
    expect(new Set(fresh.items.map((i) => i.externalId))).toEqual(ids);
  });
});
