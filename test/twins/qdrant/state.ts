/**
 * The Qdrant twin's data: collections of points (id, vector, payload) and Qdrant's filter semantics
 * (https://qdrant.tech/documentation/concepts/filtering/): `must` / `should` / `must_not` over field conditions
 * (`match.value`, `match.any`, `match.except`; an array payload matches when any element does), `has_id`,
 * `is_empty` and nested filters. Cosine collections store vectors normalized, as Qdrant does, so a score is a dot
 * product. Test code only.
 */
export type PointId = string | number;

export interface Point {
  id: PointId;
  vector: number[];
  payload: Record<string, unknown>;
}

export interface Collection {
  size: number;
  distance: 'Cosine' | 'Dot' | 'Euclid' | 'Manhattan';
  points: Map<string, Point>;
  /** Payload fields with an index (create_field_index). */
  indexes: Map<string, unknown>;
}

export type Filter = {
  must?: Condition | Condition[] | null;
  should?: Condition | Condition[] | null;
  must_not?: Condition | Condition[] | null;
};
type Condition =
  Filter | { key: string; match?: Record<string, unknown> } | { has_id: PointId[] } | { is_empty: { key: string } };

/** The map key of a point id: UUIDs compare case-insensitively, integers as numbers. */
export const idKey = (id: PointId): string => (typeof id === 'number' ? `n:${id}` : `s:${id.toLowerCase()}`);

export function isPointId(id: unknown): id is PointId {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0;
  return typeof id === 'string' && /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id);
}

export function normalize(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n === 0 ? v.slice() : v.map((x) => x / n);
}

export function score(c: Collection, stored: number[], query: number[]): number {
  if (c.distance === 'Euclid') return Math.hypot(...stored.map((x, i) => x - query[i]!));
  if (c.distance === 'Manhattan') return stored.reduce((s, x, i) => s + Math.abs(x - query[i]!), 0);
  const q = c.distance === 'Cosine' ? normalize(query) : query;
  return stored.reduce((s, x, i) => s + x * q[i]!, 0);
}

const list = (c: Condition | Condition[] | null | undefined): Condition[] =>
  c == null ? [] : Array.isArray(c) ? c : [c];

function valueAt(payload: Record<string, unknown>, key: string): unknown[] {
  const v = payload[key];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function holds(point: Point, cond: Condition): boolean {
  if ('has_id' in cond) return cond.has_id.some((id) => idKey(id) === idKey(point.id));
  if ('is_empty' in cond) return valueAt(point.payload, cond.is_empty.key).length === 0;
  if ('key' in cond) {
    const values = valueAt(point.payload, cond.key);
    const m = cond.match ?? {};
    if ('value' in m) return values.some((v) => v === m.value);
    if ('any' in m) return values.some((v) => (m.any as unknown[]).includes(v));
    if ('except' in m) return values.length > 0 && values.every((v) => !(m.except as unknown[]).includes(v));
    throw new Error(`the twin does not know the condition ${JSON.stringify(cond)}`);
  }
  return matches(point, cond);
}

/** Whether a point passes a filter (no filter: every point). */
export function matches(point: Point, filter: Filter | null | undefined): boolean {
  if (!filter) return true;
  if (!list(filter.must).every((c) => holds(point, c))) return false;
  if (list(filter.must_not).some((c) => holds(point, c))) return false;
  const should = list(filter.should);
  return should.length === 0 || should.some((c) => holds(point, c));
}

export interface QdrantState {
  collections: Map<string, Collection>;
}

export function createQdrantState(): QdrantState {
  return { collections: new Map() };
}
