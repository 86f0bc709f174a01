import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { walkFiles, type WalkedFile } from '../mail/walk.js';
import type { EmlConfig } from './config.js';

/** A .eml file as listed now: its key is the relative path, its signature mtime and size. */
export interface EmlEntry {
  key: string;
  sig: string;
  file: WalkedFile;
}

/** Lists the .eml files of the configured folder, sorted; folders that cannot be listed go to `errors`. */
export async function listEml(config: EmlConfig, errors: Array<{ message: string }>): Promise<EmlEntry[]> {
  const include = picomatch(config.include, { dot: false });
  const exclude = config.exclude.length ? picomatch(config.exclude, { dot: true }) : () => false;
  const files = await walkFiles(
    config.rootDir,
    (rel, isDir) => !exclude(rel) && (isDir ? !rel.split('/').pop()!.startsWith('.') : include(rel)),
    (rel, err) => errors.push({ message: `${rel}: cannot list folder: ${err.message}` }),
  );
  return files.map((file) => ({ key: file.rel, sig: `${Math.trunc(file.stats.mtimeMs)}:${file.stats.size}`, file }));
}

/** The raw bytes of one message file. */
export async function readEml(entry: EmlEntry): Promise<Uint8Array> {
  return readFile(entry.file.abs);
}
