import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TributaryError } from '@tributary/sdk';

/** The export's conversations.json and what identifies this copy of it (a new export is another file). */
export async function locateConversations(exportPath: string): Promise<{ file: string; key: string }> {
  const st = await stat(exportPath).catch(() => undefined);
  if (!st) throw new TributaryError('invalid_config', `config.exportPath: "${exportPath}" does not exist`);
  const file = st.isDirectory() ? path.join(exportPath, 'conversations.json') : exportPath;
  const fst = st.isDirectory() ? await stat(file).catch(() => undefined) : st;
  if (!fst?.isFile())
    throw new TributaryError(
      'invalid_config',
      `config.exportPath: no conversations.json in "${exportPath}" (unzip the export first)`,
    );
  return { file, key: `${fst.ino}:${fst.size}:${Math.trunc(fst.mtimeMs)}` };
}

/** An element of the top-level array: its JSON text, or a note that it was too large to keep. */
export type ArrayElement = { index: number; json: string } | { index: number; tooLarge: number };

/**
 * Streams the elements of a top-level JSON array without holding the whole file: a small scanner tracks strings,
 * escapes and nesting depth and cuts the text of each element, which the caller parses on its own. Memory is bounded
 * by the largest element (elements over `maxElementChars` are skipped, reported as `tooLarge`).
 * @throws TributaryError `record_invalid` when the file is not a JSON array or ends early
 */
export async function* streamJsonArray(file: string, maxElementChars: number): AsyncGenerator<ArrayElement> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let started = false;
  let ended = false;
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let size = 0;
  let elementStart = -1; // index in the current chunk where the element began, -1 when none or carried over
  let inElement = false;
  let index = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      elementStart = inElement ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === 92)
            escaped = true; // backslash
          else if (ch === 34) inString = false; // quote
          continue;
        }
        if (ch === 32 || ch === 10 || ch === 13 || ch === 9) continue;
        if (!started) {
          if (ch === 0xfeff) continue; // BOM
          if (ch !== 91)
            throw new TributaryError('record_invalid', `${file} is not a JSON array (it starts with "${chunk[i]}")`);
          started = true;
          continue;
        }
        if (ended) throw new TributaryError('record_invalid', `${file}: unexpected text after the closing ]`);
        if (!inElement) {
          if (ch === 44) continue; // comma between elements
          if (ch === 93) {
            ended = true;
            continue;
          }
          inElement = true;
          elementStart = i;
          depth = 0;
        }
        if (ch === 34) inString = true;
        else if (ch === 123 || ch === 91) depth++;
        else if (ch === 125 || ch === 93) depth--;
        // an element ends when its brackets close, or (a scalar) at the next comma/closing bracket
        const scalarEnd = depth < 0 || (depth === 0 && ch === 44);
        if ((depth === 0 && (ch === 125 || ch === 93)) || scalarEnd) {
          const end = scalarEnd ? i : i + 1;
          const text = chunk.slice(elementStart, end);
          size += text.length;
          if (size <= maxElementChars) parts.push(text);
          yield size <= maxElementChars ? { index, json: parts.join('') } : { index, tooLarge: size };
          index++;
          parts = [];
          size = 0;
          inElement = false;
          if (scalarEnd && ch === 93) ended = true;
          depth = 0;
        }
      }
      if (inElement) {
        const text = chunk.slice(elementStart);
        size += text.length;
        if (size <= maxElementChars) parts.push(text);
        else parts = [];
      }
    }
  } finally {
    stream.destroy();
  }
  if (!started || !ended)
    throw new TributaryError(
      'record_invalid',
      `${file}: the JSON array is incomplete (a partial download or a file still being written?)`,
    );
}
