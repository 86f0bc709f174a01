import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TributaryError } from '@tributary/sdk';

/** A session transcript on disk. */
export interface SessionFile {
  /** Relative to projectsDir: `<project>/<session>.jsonl`. */
  rel: string;
  path: string;
  project: string;
  sessionId: string;
  ino: string;
  size: number;
}

/**
 * Lists `<projectsDir>/<project>/*.jsonl`, sorted by path (stable across reads). Sub-agent files (`agent-*.jsonl`)
 * only when asked. Symlinks are not followed.
 * @throws TributaryError `invalid_config` when projectsDir does not exist
 */
export async function listSessions(projectsDir: string, includeSidechains: boolean): Promise<SessionFile[]> {
  const projects = await readdir(projectsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR')
      throw new TributaryError(
        'invalid_config',
        `config.projectsDir: "${projectsDir}" does not exist (has Claude Code run on this machine?)`,
      );
    throw err;
  });
  const out: SessionFile[] = [];
  for (const p of projects.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const entries = await readdir(path.join(projectsDir, p.name), { withFileTypes: true }).catch(() => []);
    for (const e of entries
      .filter((d) => d.isFile() && d.name.endsWith('.jsonl'))
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (!includeSidechains && e.name.startsWith('agent-')) continue;
      const full = path.join(projectsDir, p.name, e.name);
      const st = await stat(full, { bigint: true }).catch(() => undefined);
      if (!st) continue;
      out.push({
        rel: `${p.name}/${e.name}`,
        path: full,
        project: p.name,
        sessionId: e.name.slice(0, -'.jsonl'.length),
        ino: st.ino.toString(),
        size: Number(st.size),
      });
    }
  }
  return out;
}

/** A complete line (ending in a newline) and its byte range. */
export interface JsonLine {
  text: string;
  start: number;
  end: number;
}

/**
 * The complete lines of `file` from byte `start` up to `size`, streamed. A last line without its newline is not
 * yielded: Claude Code may be writing it.
 */
export async function* readJsonLines(file: string, start: number, size: number): AsyncGenerator<JsonLine> {
  if (size <= start) return;
  const stream = createReadStream(file, { start, end: size - 1, highWaterMark: 256 * 1024 });
  let carry: Buffer = Buffer.alloc(0);
  let pos = start;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let from = 0;
      let nl: number;
      while ((nl = buf.indexOf(10, from)) !== -1) {
        yield { text: buf.toString('utf8', from, nl), start: pos + from, end: pos + nl + 1 };
        from = nl + 1;
      }
      carry = buf.subarray(from);
      pos += from;
    }
  } finally {
    stream.destroy();
  }
}
