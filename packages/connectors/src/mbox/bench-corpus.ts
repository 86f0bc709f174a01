import { createWriteStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { splitMbox } from './split.js';

/** A real message ready to be copied: its headers without Message-ID, and its body with From-lines quoted. */
export interface BenchMessage {
  source: string;
  /** Header block (latin1: bytes kept as they are), Message-ID and Content-Length removed, ending with a line break. */
  head: string;
  /** The blank separator line and the body, `>`-quoted (mboxrd), ending with a line break. */
  body: string;
  eol: '\n' | '\r\n';
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

const ENVELOPE = /^From [^\n]*\n/;

/**
 * Prepares one raw message for copying: a leading envelope line is dropped, `Message-ID` (the copy gets its own) and
 * `Content-Length` (mboxcl framing; quoting changes the body length) are removed with their folded lines, a missing
 * header/body separator is added, and every `From ` line, quoted or not, gets one more `>` (mboxrd), so no body line
 * can be taken for an envelope and the reader's unquoting restores the original.
 */
export function prepareMessage(raw: Buffer, source: string): BenchMessage {
  let text = raw.toString('latin1').replace(ENVELOPE, '');
  const eol = /\r\n/.test(text.slice(0, 2000)) ? '\r\n' : '\n';
  if (!text.endsWith('\n')) text += eol;
  const sep = /\r?\n\r?\n/.exec(text);
  const headText = sep ? text.slice(0, sep.index + sep[0].indexOf('\n') + 1) : text;
  const body = sep ? text.slice(headText.length) : eol;
  const kept: string[] = [];
  let dropping = false;
  for (const line of headText.split(/(?<=\n)/)) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line); // a folded line belongs to the header above it
      continue;
    }
    dropping = /^(message-id|content-length)[ \t]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  const quote = (s: string): string => s.replace(/^(>*From )/gm, '>$1');
  return { source, head: quote(kept.join('')), body: quote(body), eol };
}

/**
 * The real messages under `dir`: every `.eml` file, and every message of every mbox file (`*.mbox`, `*.mbox.txt`).
 * Small (a few MB): held in memory while the large mbox is written.
 */
export async function loadBenchMessages(dir: string): Promise<BenchMessage[]> {
  const out: BenchMessage[] = [];
  for await (const file of walk(dir)) {
    const rel = path.relative(dir, file);
    if (file.endsWith('.eml')) out.push(prepareMessage(await readFile(file), rel));
    else if (/\.mbox(\.txt)?$/.test(file)) {
      const fh = await open(file, 'r');
      try {
        for await (const m of splitMbox(fh, 0, (await fh.stat()).size)) out.push(prepareMessage(m.raw, rel));
      } finally {
        await fh.close();
      }
    }
  }
  return out;
}

/**
 * Writes an mbox of at least `targetBytes` to `file` by cycling through `messages`, each copy with a Message-ID of its
 * own (`<bench-<n>@tributary.invalid>`), streamed to disk. Returns the bytes and the number of messages written.
 */
export async function writeBenchMbox(
  file: string,
  messages: BenchMessage[],
  targetBytes: number,
): Promise<{ bytes: number; written: number }> {
  if (!messages.length) throw new Error('no messages to copy');
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([err]) => {
    throw err as Error;
  });
  failed.catch(() => undefined);
  let bytes = 0;
  let written = 0;
  let chunk: string[] = [];
  let chunkLen = 0;
  const flush = async (): Promise<void> => {
    const buf = Buffer.from(chunk.join(''), 'latin1');
    chunk = [];
    chunkLen = 0;
    if (!out.write(buf)) await Promise.race([once(out, 'drain'), failed]);
  };
  while (bytes < targetBytes) {
    const m = messages[written % messages.length]!;
    const copy = `From bench@tributary.invalid Thu Jan  1 00:00:00 2026\nMessage-ID: <bench-${written}@tributary.invalid>${m.eol}${m.head}${m.body}\n`;
    chunk.push(copy);
    chunkLen += copy.length;
    bytes += copy.length; // latin1: one byte per character
    written++;
    if (chunkLen >= 1 << 20) await flush();
  }
  if (chunkLen) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return { bytes, written };
}
