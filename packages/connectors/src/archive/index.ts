import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { TributaryError, resolveInsideRoot } from '@tributary/sdk';

/**
 * Shared by the archive-reading connectors (x-archive, slack-export): read access to an archive that is either a folder or a .zip. Zip entries are read one at a time from the
 * central directory (yauzl), so a large archive (media included) is never inflated whole into memory.
 */
export interface ArchiveFiles {
  /** Relative file paths with `/` separators, sorted. */
  readonly files: readonly string[];
  read(file: string): Promise<Buffer>;
  close(): void;
}

async function listFolder(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFolder(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

function openZip(file: string): Promise<ArchiveFiles> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip)
        return reject(
          new TributaryError('record_invalid', `"${file}" is not a readable zip archive: ${err?.message}`, {
            cause: err,
          }),
        );
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('error', (e: Error) =>
        reject(new TributaryError('record_invalid', `Corrupt zip "${file}": ${e.message}`, { cause: e })),
      );
      zip.on('end', () =>
        resolve({
          files: [...entries.keys()].sort(),
          read: (name) =>
            new Promise<Buffer>((res, rej) => {
              const entry = entries.get(name);
              if (!entry) return rej(new TributaryError('not_found', `"${name}" is not in ${file}`));
              zip.openReadStream(entry, (e, stream) => {
                if (e || !stream)
                  return rej(
                    new TributaryError('record_invalid', `Cannot read "${name}" in ${file}: ${e?.message}`, {
                      cause: e,
                    }),
                  );
                const chunks: Buffer[] = [];
                stream.on('data', (c: Buffer) => chunks.push(c));
                stream.on('error', (se: Error) =>
                  rej(
                    new TributaryError('record_invalid', `Cannot read "${name}" in ${file}: ${se.message}`, {
                      cause: se,
                    }),
                  ),
                );
                stream.on('end', () => res(Buffer.concat(chunks)));
              });
            }),
          close: () => zip.close(),
        }),
      );
      zip.readEntry();
    });
  });
}

/**
 * Opens a folder or a zip file.
 * @throws TributaryError `invalid_config` when the path does not exist.
 */
export async function openArchive(target: string, what = 'archive'): Promise<ArchiveFiles> {
  const info = await stat(target).catch(() => undefined);
  if (!info)
    throw new TributaryError(
      'invalid_config',
      `${what} path "${target}" does not exist: set config.path to its folder or .zip file`,
    );
  if (info.isDirectory()) {
    const files = (await listFolder(target)).sort();
    // Every file is opened through resolveInsideRoot so a symlink inside the archive cannot lead outside it.
    return { files, read: (name) => readFile(resolveInsideRoot(target, name)), close: () => undefined };
  }
  return openZip(target);
}
