import type { Item } from '@tributary/sdk';
import type { ColumnMap } from './config.js';
import type { Row } from './client.js';

/** What one row means: an item, a deletion of an item, or a row that cannot be mapped. */
export type RowOutcome =
  { kind: 'item'; item: Item } | { kind: 'delete'; externalId: string } | { kind: 'invalid'; message: string };

/** How rows map to items, resolved from a connector's config. */
export interface RowMapping {
  columns: ColumnMap;
  /** Column the external id comes from (the explicit mapping, else the tie-break or cursor column). */
  idColumn: string;
  contentType: Item['contentType'];
  stream: string;
  deleteWhen?: { column: string; values: Array<string | number> };
  /** Tags put on every item (presets use them, e.g. `auto-extract`). */
  tags?: string[];
}

/** A column value as text: BLOBs are read as UTF-8; null stays undefined. */
export function asText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'bigint') return value.toString();
  return String(value);
}

/**
 * A timestamp as SQLite apps store them → ISO 8601. Numbers are Unix seconds (or milliseconds when > 1e12); text
 * without a zone (`2026-11-21 10:00:00`, what `CURRENT_TIMESTAMP` writes) is UTC.
 */
export function toIso(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    const d = new Date(n > 1e12 ? n : n * 1000);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const text = asText(value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return toIso(Number(text));
  const naive = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text);
  const d = new Date(naive ? `${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : 'T00:00:00Z'}` : text);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One row → an item (or a delete when `deleteWhen` matches). Pure. */
export function toRowOutcome(row: Row, m: RowMapping): RowOutcome {
  const externalId = asText(row[m.idColumn]);
  if (!externalId) return { kind: 'invalid', message: `row without a value in its id column "${m.idColumn}"` };
  if (m.deleteWhen) {
    const flag = row[m.deleteWhen.column];
    if (m.deleteWhen.values.some((v) => v === flag || String(v) === asText(flag)))
      return { kind: 'delete', externalId };
  }
  const c = m.columns;
  const content = asText(row[c.content]);
  if (content === undefined)
    return { kind: 'invalid', message: `row ${externalId}: content column "${c.content}" is empty` };
  const item: Item = { externalId, stream: m.stream, content, contentType: m.contentType };
  const set = (
    field: 'title' | 'author' | 'container' | 'thread' | 'url',
    column: string | undefined,
    max: number,
  ): void => {
    const v = column === undefined ? undefined : asText(row[column]);
    if (v) item[field] = v.slice(0, max);
  };
  set('title', c.title, 2000);
  set('author', c.author, 512);
  set('container', c.container, 1024);
  set('thread', c.thread, 1024);
  set('url', c.url, 4096);
  if (c.occurredAt) {
    const iso = toIso(row[c.occurredAt]);
    if (iso) item.occurredAt = iso;
  }
  if (c.metadata.length) {
    const metadata: Record<string, unknown> = {};
    for (const col of c.metadata) {
      const v = row[col];
      metadata[col] = Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'bigint' ? v.toString() : (v ?? null);
    }
    item.metadata = metadata;
  }
  if (m.tags?.length) item.tags = [...m.tags];
  return { kind: 'item', item };
}
