/**
 * A Zipf-distributed vocabulary for realistic benchmark text: 20,000 made-up words where the word of rank r is
 * drawn with probability ∝ 1/r^s (s = 1.04, close to natural language's s ≈ 1). With 15–29 words per message, the
 * top word is in ~92% of messages and a word of rank ≥ 2,000 in ≤ 0.1%, so queries have real frequency classes:
 * rare, mid-frequency, very common. Deterministic: the same rank is always the same word.
 */
export const ZIPF_VOCABULARY = 20_000;
export const ZIPF_EXPONENT = 1.04;

const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'ha', 'je', 'ki', 'lo', 'mu'];
const SYLLABLES2 = ['na', 'pe', 'ri', 'so', 'tu', 'va', 'we', 'xi', 'yo', 'zu'];

/**
 * The word of a rank (1-based). Frequent words are short, as in real languages: ranks 1–10 have one syllable and
 * a letter, then two, three and four syllables. Every word is distinct (the length tells the band apart).
 */
export function zipfWord(rank: number): string {
  let n = rank - 1;
  const bands = [10, 100, 1000, 10_000, 100_000];
  let syl = 1;
  for (const size of bands) {
    if (n < size) break;
    n -= size;
    syl++;
  }
  let w = '';
  for (let i = 0; i < syl; i++) {
    w += (i % 2 === 0 ? SYLLABLES : SYLLABLES2)[n % 10];
    n = Math.floor(n / 10);
  }
  return w + 'x';
}

let cumulative: Float64Array | undefined;
let words: string[] | undefined;

function table(): { cdf: Float64Array; words: string[] } {
  if (!cumulative || !words) {
    cumulative = new Float64Array(ZIPF_VOCABULARY);
    let sum = 0;
    for (let r = 1; r <= ZIPF_VOCABULARY; r++) {
      sum += 1 / Math.pow(r, ZIPF_EXPONENT);
      cumulative[r - 1] = sum;
    }
    for (let i = 0; i < ZIPF_VOCABULARY; i++) cumulative[i]! /= sum;
    words = Array.from({ length: ZIPF_VOCABULARY }, (_, i) => zipfWord(i + 1));
  }
  return { cdf: cumulative, words };
}

/** The rank (1-based) for a uniform draw `u` in [0, 1): binary search in the cumulative distribution. */
export function zipfRank(u: number): number {
  const { cdf } = table();
  let lo = 0;
  let hi = ZIPF_VOCABULARY - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo + 1;
}

/** `count` words drawn from the distribution with the generator `next`. */
export function zipfSentence(next: () => number, count: number): string {
  const { words: vocab } = table();
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(vocab[zipfRank(next()) - 1]!);
  return out.join(' ');
}
