import { FOLD_FROM, FOLD_TO } from '../fold.js';

const folded = (expr: string): string =>
  `regexp_replace(translate(${expr}, '${FOLD_FROM}', '${FOLD_TO}'), '[^[:alnum:]_]+', ' ', 'g')`;

/**
 * Migration (PostgreSQL): the full-text vector folds diacritics as SQLite's tokenizer does (see ../fold.ts), so a
 * query matches the same words on both stores. The generated column is rebuilt (PostgreSQL cannot alter a
 * generation expression in place), with its GIN index. Frozen: migration 10 replaced the expression.
 */
export const SEARCH_FOLD_MIGRATION_PG = `
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', ${folded("coalesce(title, '')")}), 'A') ||
  setweight(to_tsvector('simple', ${folded('text')}), 'B')
) STORED;
CREATE INDEX chunks_tsv ON chunks USING GIN (tsv);
`;

/**
 * `translate` with the 244-letter table scans the table for every character of the text: ~350 µs for a 150-character
 * chat message, five times the rest of the write (tsvector, GIN, heap) — the PostgreSQL ingest was bound by it.
 * Every letter it folds lies in U+00C0–U+024F, so a text without one is left as it is (the same result), and only
 * texts that have one pay for `translate`. The guard is a regex range, which PostgreSQL compares by code point.
 */
const guardedFold = (expr: string): string =>
  `regexp_replace(CASE WHEN ${expr} ~ '[\u00C0-\u024F]' THEN translate(${expr}, '${FOLD_FROM}', '${FOLD_TO}') ELSE ${expr} END, '[^[:alnum:]_]+', ' ', 'g')`;

/** Migration 10: the same vector as migration 7, computed with {@link guardedFold} (one table rewrite). */
export const SEARCH_FOLD_GUARD_MIGRATION_PG = `
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', ${guardedFold("coalesce(title, '')")}), 'A') ||
  setweight(to_tsvector('simple', ${guardedFold('text')}), 'B')
) STORED;
CREATE INDEX chunks_tsv ON chunks USING GIN (tsv);
`;
