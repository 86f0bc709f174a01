/**
 * The twin's "model": known words map onto a few meaning axes, so synonyms land close together ("car" and
 * "automobile" share the vehicle axis, "Alps" and "hiking" the mountain axis) and tests can search by meaning
 * without a real model. Unknown words add a small hashed component on the remaining dimensions, so unrelated texts
 * differ but never look alike by meaning. Deterministic: the same text always gets the same vector.
 */
export const MEANING_AXES: Record<string, readonly string[]> = {
  vehicle: ['car', 'cars', 'automobile', 'automobiles', 'vehicle', 'vehicles', 'truck', 'sedan', 'garage'],
  fruit: ['apple', 'apples', 'banana', 'bananas', 'fruit', 'fruits', 'orange', 'market'],
  weather: ['rain', 'storm', 'weather', 'forecast', 'snow', 'wind'],
  mountain: ['mountain', 'mountains', 'alps', 'hiking', 'hike', 'trail', 'summit', 'trip'],
  money: ['invoice', 'invoices', 'bill', 'payment', 'paid', 'budget'],
  meeting: ['meeting', 'meetings', 'standup', 'agenda', 'call'],
};

const AXIS_NAMES = Object.keys(MEANING_AXES);
const AXIS_OF = new Map<string, number>();
AXIS_NAMES.forEach((axis, i) => MEANING_AXES[axis]!.forEach((w) => AXIS_OF.set(w, i)));

/** Weight of an unknown word's hashed component, against 1 for a known word's axis. */
const NOISE = 0.15;

function hash(word: string): number {
  let h = 2166136261;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The twin's unit-length vector for a text (Ollama's `/api/embed` returns L2-normalized vectors).
 * @param dimensions vector length; axes beyond it fold back onto the first dimensions
 */
export function ollamaTwinVector(text: string, dimensions = 16): number[] {
  const v = new Array<number>(dimensions).fill(0);
  v[dimensions - 1] = 0.01; // never the zero vector
  const spare = Math.max(1, dimensions - AXIS_NAMES.length);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const axis = AXIS_OF.get(word);
    if (axis !== undefined) v[axis % dimensions]! += 1;
    else v[(AXIS_NAMES.length + (hash(word) % spare)) % dimensions]! += NOISE;
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Cosine similarity of two vectors (tests compare meanings with it). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}
