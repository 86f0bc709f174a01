import { createHash } from 'node:crypto';
import type { VectorFilter, VectorScope } from '../vector-port.js';

/**
 * How vectors sit in Qdrant: a point per chunk hash, its id a UUID derived from the hash (Qdrant ids are integers
 * or UUIDs), and a payload with the full hash and where it is live. `scopes` holds `owner:source` pairs (owner ids
 * never contain ":"), so "this owner AND one of these sources" is one `match.any` over pairs, never an owner from
 * one scope with a source from another; `owners` and `sources` serve the single-field filters. All three have
 * keyword payload indexes.
 */
export interface PointPayload {
  hash: string;
  owners: string[];
  sources: string[];
  scopes: string[];
}

/** The point id of a chunk hash: the first 128 bits of its sha256, formatted as a UUID. */
export function pointId(hash: string): string {
  const hex = /^[0-9a-f]{64}$/.test(hash) ? hash : createHash('sha256').update(hash).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const pair = (ownerId: string, sourceId: string): string => `${ownerId}:${sourceId}`;

export function scopePayload(scopes: VectorScope[]): Pick<PointPayload, 'owners' | 'sources' | 'scopes'> {
  return {
    owners: [...new Set(scopes.map((s) => s.ownerId))],
    sources: [...new Set(scopes.map((s) => s.sourceId))],
    scopes: [...new Set(scopes.map((s) => pair(s.ownerId, s.sourceId)))],
  };
}

/** The Qdrant filter of a vector filter (undefined: every point). An empty `sourceIds` matches nothing. */
export function qdrantFilter(filter: VectorFilter | undefined): Record<string, unknown> | undefined {
  if (!filter || (filter.ownerId === undefined && filter.sourceIds === undefined)) return undefined;
  const { ownerId, sourceIds } = filter;
  if (sourceIds && sourceIds.length === 0) return { must: [{ has_id: [] }] };
  if (ownerId !== undefined && sourceIds)
    return { must: [{ key: 'scopes', match: { any: sourceIds.map((s) => pair(ownerId, s)) } }] };
  if (ownerId !== undefined) return { must: [{ key: 'owners', match: { value: ownerId } }] };
  return { must: [{ key: 'sources', match: { any: sourceIds } }] };
}

/** Payload fields with a keyword index (filters stay fast at millions of points). */
export const INDEXED_FIELDS = ['owners', 'sources', 'scopes'] as const;
