import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from './array-literal.js';

// The machine's real PostgreSQL parses the literal back: what it reads is what was meant.
const PG_URL = process.env.TRIBUTARY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
afterAll(() => pool.end());

describe('arrayLiteral', () => {
  it('round-trips texts with quotes, backslashes, braces, commas, NULL-looking words, unicode and whitespace', async () => {
    const texts = [
      'plain',
      'quotes " inside "',
      'back\\slash \\\\ twice, and \\"both',
      '{braces}, commas; and (parens)',
      'NULL',
      '"NULL"',
      '',
      ' leading and trailing spaces ',
      'line\nbreaks\r\nand\ttabs',
      'ünïcödé — 🎉 𝄞',
      null,
    ];
    const { rows } = await pool.query(`SELECT $1::text[] AS a`, [arrayLiteral(texts)]);
    expect(rows[0].a).toEqual(texts);
  });

  it('round-trips numbers (int and float8) and nulls', async () => {
    const { rows } = await pool.query(`SELECT $1::int[] AS i, $2::float8[] AS f`, [
      arrayLiteral([0, 1, -7, 2147483647]),
      arrayLiteral([0.5, -1.25e-7, 3, null, undefined]),
    ]);
    expect(rows[0].i).toEqual([0, 1, -7, 2147483647]);
    expect(rows[0].f).toEqual([0.5, -1.25e-7, 3, null, null]);
  });
});
