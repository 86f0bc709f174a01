import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import yauzl from 'yauzl';

/**
 * The bench's raw baseline for a LinkedIn archive: every CSV row of the zip parsed with csv-parse (same options as
 * the connector) and every other entry read, nothing mapped, no state. Returns the rows and files seen.
 */
export async function rawArchiveRows(zipPath: string): Promise<number> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (e, z) => (e || !z ? rej(e) : res(z))),
  );
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((res, rej) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', res);
    zip.on('error', rej);
    zip.readEntry();
  });
  let n = 0;
  for (const e of entries) {
    const stream = await new Promise<Readable>((res, rej) =>
      zip.openReadStream(e, (err, s) => (err || !s ? rej(err) : res(s))),
    );
    if (e.fileName.endsWith('.csv')) {
      for await (const row of stream.pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true })))
        if (row) n++;
    } else {
      for await (const chunk of stream) if (chunk) n += 0;
      n++;
    }
  }
  zip.close();
  return n;
}
