import { describe, expect, it } from 'vitest';
import { syntheticItem } from './map.js';
import { ZIPF_VOCABULARY, zipfWord } from './zipf.js';

const START = Date.UTC(2025, 0, 1);

describe('synthetic zipf text', () => {
  it('has 20,000 distinct words', () => {
    const words = new Set(Array.from({ length: ZIPF_VOCABULARY }, (_, i) => zipfWord(i + 1)));
    expect(words.size).toBe(ZIPF_VOCABULARY);
  });

  it('gives real frequency classes: the top word in ~90% of items, a word of rank ≥ 2,000 in ≤ 0.1%', () => {
    const rows = 40_000;
    const docFreq = new Map<string, number>();
    for (let i = 0; i < rows; i++) {
      const text = syntheticItem(i, { seed: 1, kind: 'chat', revision: 1, start: START, text: 'zipf' }).content;
      for (const w of new Set(text.split(' '))) docFreq.set(w, (docFreq.get(w) ?? 0) + 1);
    }
    const share = (rank: number): number => (docFreq.get(zipfWord(rank)) ?? 0) / rows;
    expect(share(1)).toBeGreaterThan(0.86);
    expect(share(1)).toBeLessThan(0.96);
    // Averaged over 500 words of rank 2,000–2,499 (a single word's count at this size is noise).
    let sum = 0;
    for (let r = 2000; r < 2500; r++) sum += share(r);
    expect(sum / 500).toBeLessThanOrEqual(0.001);
    expect(sum / 500).toBeGreaterThan(0.0003);
    // Mid frequencies exist between the two.
    expect(share(100)).toBeGreaterThan(0.01);
    expect(share(100)).toBeLessThan(0.05);
  });

  it('is deterministic, and the uniform mode is unchanged by default', () => {
    const a = syntheticItem(7, { seed: 3, kind: 'chat', revision: 1, start: START, text: 'zipf' });
    expect(syntheticItem(7, { seed: 3, kind: 'chat', revision: 1, start: START, text: 'zipf' })).toEqual(a);
    const uniform = syntheticItem(7, { seed: 3, kind: 'chat', revision: 1, start: START });
    expect(syntheticItem(7, { seed: 3, kind: 'chat', revision: 1, start: START, text: 'uniform' })).toEqual(uniform);
    expect(uniform.content).not.toEqual(a.content);
  });
});
