import { describe, expect, it } from 'vitest';
import { sqliteVectorOptions } from './vector-ann-env.js';

describe('TRIBUTARY_VECTOR_ANN_MIN', () => {
  it('is off unless set, and sets the graph threshold when set', () => {
    expect(sqliteVectorOptions({})).toEqual({});
    expect(sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: ' ' })).toEqual({});
    expect(sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: '50000' })).toEqual({ hnsw: { min: 50_000 } });
  });

  it('refuses a value that is not a positive whole number, naming the variable', () => {
    for (const bad of ['0', '-5', '1.5', 'many'])
      expect(() => sqliteVectorOptions({ TRIBUTARY_VECTOR_ANN_MIN: bad })).toThrow(/TRIBUTARY_VECTOR_ANN_MIN="/);
  });
});
