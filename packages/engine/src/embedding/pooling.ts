/**
 * Sentence-transformers pooling, as `all-MiniLM-L6-v2` and its kin are trained to be used: the mean of the token
 * embeddings the attention mask keeps (padding excluded), then L2 normalization so cosine similarity is a dot
 * product. https://www.sbert.net/docs/sentence_transformer/usage/usage.html
 */

/**
 * Mean-pools a `[batch, seq, hidden]` tensor (row-major `Float32Array`) over the positions whose mask is 1.
 * @returns one vector of `hidden` values per batch row
 */
export function meanPool(
  data: Float32Array,
  mask: ArrayLike<number | bigint>,
  dims: readonly [batch: number, seq: number, hidden: number],
): Float32Array[] {
  const [batch, seq, hidden] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(hidden);
    let kept = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask[b * seq + s]) === 0) continue;
      kept++;
      const at = (b * seq + s) * hidden;
      for (let h = 0; h < hidden; h++) v[h]! += data[at + h]!;
    }
    // A row with no kept token (cannot happen with [CLS]/[SEP]) stays the zero vector rather than NaN.
    if (kept > 0) for (let h = 0; h < hidden; h++) v[h]! /= kept;
    out.push(v);
  }
  return out;
}

/** The vector scaled to unit length (the zero vector stays zero). */
export function l2Normalize(v: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum) || 1;
  return Array.from(v, (x) => x / norm);
}
