import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { walkFiles } from '../mail/walk.js';
import type { MboxConfig } from './config.js';

/** An mbox file to read: `rel` keys it in the checkpoint. */
export interface MboxFile {
  rel: string;
  abs: string;
}

/** The configured file, or the matching files under the configured folder, sorted. */
export async function listMboxFiles(config: MboxConfig, errors: Array<{ message: string }>): Promise<MboxFile[]> {
  const s = await stat(config.path);
  if (s.isFile()) return [{ rel: path.basename(config.path), abs: config.path }];
  const include = picomatch(config.include, { dot: false });
  const exclude = config.exclude.length ? picomatch(config.exclude, { dot: true }) : () => false;
  const files = await walkFiles(
    config.path,
    (rel, isDir) => !exclude(rel) && (isDir || include(rel)),
    (rel, err) => errors.push({ message: `${rel}: cannot list folder: ${err.message}` }),
  );
  return files.map((f) => ({ rel: f.rel, abs: f.abs }));
}
