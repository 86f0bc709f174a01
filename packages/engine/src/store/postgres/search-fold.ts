import { FOLD_FROM, FOLD_TO } from '../fold.js';

const folded = (expr: string): string =>
  `regexp_replace(translate(${expr}, '${FOLD_FROM}', '${FOLD_TO}'), '[^[:alnum:]_]+', ' ', 'g')`;

/**
 * Migration (PostgreSQL): the full-text vector folds diacritics as SQLite's tokenizer does (see ../fold.ts), so a
 * query matches the same words on both stores. The generated column is rebuilt (PostgreSQL cannot alter a
 * generation expression in place), with its GIN index.
 */
export const SEARCH_FOLD_MIGRATION_PG = `
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv TSVECTOR GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', ${folded("coalesce(title, '')")}), 'A') ||
  setweight(to_tsvector('simple', ${folded('text')}), 'B')
) STORED;
CREATE INDEX chunks_tsv ON chunks USING GIN (tsv);
`;
