/**
 * UID sets as IMAP sequence-set strings ("1:5,7,9:12"): compact in a checkpoint and usable in a FETCH/SEARCH as is.
 */

/** Sorted unique UIDs → "1:3,5". */
export function toRanges(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** "1:3,5" → [1, 2, 3, 5]. */
export function fromRanges(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    if (!part) continue;
    const [a, b] = part.split(':').map(Number);
    if (!Number.isInteger(a)) continue;
    const end = Number.isInteger(b) ? b! : a!;
    for (let u = Math.min(a!, end); u <= Math.max(a!, end); u++) out.push(u);
  }
  return out;
}
