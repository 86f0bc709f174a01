import { describe, expect, it } from 'vitest';
import { sqliteVectorOptions } from './vector-ann-env.js';

describe('TRIBUTARY_VECTOR_ANN_MIN', () => {
  it("keeps the store's default unless set, sets the graph threshold, and 0 turns the graph off", () => {
    expect(sqliteVectorOptions({})).toEqual({});
    expect(sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: ' ' })).toEqual({});
    expect(sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: '50000' })).toEqual({ hnsw: { min: 50_000 } });
    expect(sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: '0' })).toEqual({ hnsw: false });
  });

  it('refuses a value that is not a whole number, naming the variable', () => {
    for (const bad of ['-5', '1.5', 'many'])
      expect(() => sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: bad })).toThrow(/TRIBUTARY_VECTOR_ANN_MIN="/);
  });
});
