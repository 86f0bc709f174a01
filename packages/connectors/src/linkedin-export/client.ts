import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { TributaryError, resolveInsideRoot } from '@tributary/sdk';

/**
 * Read access to a LinkedIn archive, a .zip or its unzipped folder. Zip entries are streamed from the central
 * directory one at a time (yauzl), so a large messages.csv is never inflated whole into memory.
 */
export interface LinkedinArchive {
  /** Identity of this copy of the archive: a newer archive (or a changed folder) gets another key. */
  readonly key: string;
  /** Relative paths with `/` separators, sorted. */
  readonly files: readonly string[];
  /** Uncompressed size of a file (for limits before reading it). */
  size(file: string): number;
  open(file: string): Promise<Readable>;
  close(): void;
}

interface Listed {
  name: string;
  size: number;
  mtimeMs: number;
}

/** An unzipped archive is at most three folders deep (Articles/Articles/x.html): a mistyped path is not walked whole. */
const MAX_DEPTH = 3;

async function listFolder(root: string, dir = '', depth = 0): Promise<Listed[]> {
  const out: Listed[] = [];
  if (depth >= MAX_DEPTH) return out;
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFolder(root, rel, depth + 1)));
    else if (entry.isFile()) {
      const st = await stat(path.join(root, rel));
      out.push({ name: rel, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}

function openZip(file: string, key: string): Promise<LinkedinArchive> {
  const bad = (what: string, err: unknown): TributaryError =>
    new TributaryError('record_invalid', `${what}: ${(err as Error | undefined)?.message ?? 'unreadable'}`, {
      cause: err,
    });
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) return reject(bad(`"${file}" is not a readable zip archive`, err));
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('error', (e: Error) => reject(bad(`corrupt zip "${file}"`, e)));
      zip.on('end', () =>
        resolve({
          key,
          files: [...entries.keys()].sort(),
          size: (name) => entries.get(name)?.uncompressedSize ?? 0,
          open: (name) =>
            new Promise<Readable>((res, rej) => {
              const entry = entries.get(name);
              if (!entry) return rej(new TributaryError('not_found', `"${name}" is not in ${file}`));
              zip.openReadStream(entry, (e, stream) =>
                e || !stream ? rej(bad(`cannot read "${name}" in ${file}`, e)) : res(stream),
              );
            }),
          close: () => zip.close(),
        }),
      );
      zip.readEntry();
    });
  });
}

/**
 * Opens the archive at `target` (already checked against the source's path guard).
 * @throws TributaryError `invalid_config` when the path does not exist or holds no LinkedIn files
 */
export async function openLinkedinArchive(target: string): Promise<LinkedinArchive> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new TributaryError('invalid_config', `config.archivePath: "${target}" does not exist`);
  let archive: LinkedinArchive;
  if (info.isDirectory()) {
    const listed = (await listFolder(target)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A folder has no single mtime: its key hashes every file's name, size and mtime.
    const h = createHash('sha256');
    for (const f of listed) h.update(`${f.name}\0${f.size}\0${Math.trunc(f.mtimeMs)}\n`);
    const sizes = new Map(listed.map((f) => [f.name, f.size]));
    archive = {
      key: `dir:${h.digest('hex').slice(0, 32)}`,
      files: listed.map((f) => f.name),
      size: (name) => sizes.get(name) ?? 0,
      // resolveInsideRoot: a symlink inside the folder cannot lead outside it
      open: (name) => Promise.resolve(createReadStream(resolveInsideRoot(target, name))),
      close: () => undefined,
    };
  } else {
    archive = await openZip(target, `zip:${info.size}:${Math.trunc(info.mtimeMs)}:${info.ino}`);
  }
  if (!findFiles(archive.files).size) {
    archive.close();
    throw new TributaryError(
      'invalid_config',
      `config.archivePath: "${target}" is not a LinkedIn data export (no Shares.csv, messages.csv, Connections.csv, ` +
        'Profile.csv … inside). Point it at the .zip from "Get a copy of your data" or its unzipped folder.',
    );
  }
  return archive;
}

/** CSV files of the archive by stream (matched by file name, any folder, any case). */
const CSV_NAMES: Record<string, string> = {
  'profile.csv': 'profile',
  'positions.csv': 'positions',
  'connections.csv': 'connections',
  'shares.csv': 'posts',
  'comments.csv': 'comments',
  'messages.csv': 'messages',
};

/** The archive's files per stream: one CSV each, and the article HTML files (sorted). */
export function findFiles(files: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const base = f.slice(f.lastIndexOf('/') + 1).toLowerCase();
    const stream = CSV_NAMES[base];
    if (stream && !out.has(stream)) out.set(stream, [f]);
    // Articles/Articles/<name>.html in the archive
    else if (/(^|\/)articles\//i.test(f) && base.endsWith('.html'))
      out.set('articles', [...(out.get('articles') ?? []), f]);
  }
  return out;
}
