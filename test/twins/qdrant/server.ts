import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import {
  createQdrantState,
  idKey,
  isPointId,
  matches,
  normalize,
  score,
  type Collection,
  type Filter,
  type Point,
  type PointId,
  type QdrantState,
} from './state.js';

/**
 * A twin of Qdrant's REST API (https://api.qdrant.tech/api-reference) for what a vector backend uses: collections
 * (create, exists, list, delete), payload indexes, points (upsert, retrieve, delete, set/overwrite payload, batch
 * update, count, scroll) and the universal `points/query`. Answers carry Qdrant's envelope
 * `{ result, status: "ok", time }`; errors `{ status: { error }, time }` with Qdrant's statuses (404 unknown
 * collection, 409 existing collection, 400 wrong vector dimension). `down()` makes every request fail at the
 * connection (an outage) until `up()`. Test code only.
 */
export interface QdrantTwinOptions {
  /** When set, requests without `api-key: <apiKey>` get 401. */
  apiKey?: string;
  latencyMs?: number;
  record?: boolean;
}

export interface QdrantTwin extends TwinServer {
  state: QdrantState;
  /** Every request fails at the connection (socket reset) until `up()`. */
  down(): void;
  up(): void;
}

const ok = (result: unknown): TwinResponse => ({ body: { result, status: 'ok', time: 0.0001 } });
const fail = (status: number, error: string): TwinResponse => ({ status, body: { status: { error }, time: 0.0001 } });
let operationId = 0;
const updated = () => ({ operation_id: ++operationId, status: 'completed' });

type Body = Record<string, unknown>;
const body = (req: TwinRequest): Body => (req.json && typeof req.json === 'object' ? (req.json as Body) : {});

function withPayload(p: Point, selector: unknown): Record<string, unknown> | null {
  if (selector === true) return p.payload;
  if (Array.isArray(selector))
    return Object.fromEntries(selector.filter((k) => k in p.payload).map((k) => [k, p.payload[k]]));
  return null;
}

export async function startQdrantTwin(options: QdrantTwinOptions = {}): Promise<QdrantTwin> {
  const state = createQdrantState();

  /** Runs a handler on an existing collection, or answers Qdrant's 404. */
  const inCollection =
    (fn: (c: Collection, req: TwinRequest, b: Body) => TwinResponse) =>
    (req: TwinRequest): TwinResponse => {
      const c = state.collections.get(req.params.name!);
      if (!c) return fail(404, `Not found: Collection \`${req.params.name}\` doesn't exist!`);
      return fn(c, req, body(req));
    };

  /** Checks points to upsert; an error answer, or the points (vectors normalized for Cosine). */
  function toPoints(c: Collection, raw: unknown): TwinResponse | Point[] {
    if (!Array.isArray(raw)) return fail(400, 'Format error in JSON body: missing field `points`');
    const out: Point[] = [];
    for (const p of raw as Array<{ id?: unknown; vector?: unknown; payload?: unknown }>) {
      if (!isPointId(p.id))
        return fail(400, `Format error in JSON body: value ${JSON.stringify(p.id)} is not a valid point ID`);
      const v = p.vector;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
        return fail(400, 'Format error in JSON body: vector must be an array of numbers');
      if (v.length !== c.size)
        return fail(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${v.length}`);
      out.push({
        id: p.id,
        vector: c.distance === 'Cosine' ? normalize(v as number[]) : (v as number[]),
        payload: (p.payload as Record<string, unknown>) ?? {},
      });
    }
    return out;
  }

  const ids = (raw: unknown): PointId[] => (Array.isArray(raw) ? (raw as unknown[]).filter(isPointId) : []);

  function setPayload(c: Collection, b: Body, overwrite: boolean): void {
    const payload = (b.payload as Record<string, unknown>) ?? {};
    const targets = b.points
      ? ids(b.points)
          .map((id) => c.points.get(idKey(id)))
          .filter((p): p is Point => !!p)
      : [...c.points.values()].filter((p) => matches(p, b.filter as Filter));
    for (const p of targets) p.payload = overwrite ? { ...payload } : { ...p.payload, ...payload };
  }

  function deletePoints(c: Collection, b: Body): void {
    if (b.points) for (const id of ids(b.points)) c.points.delete(idKey(id));
    else if (b.filter) for (const [k, p] of c.points) if (matches(p, b.filter as Filter)) c.points.delete(k);
  }

  const routes: TwinRoute[] = [
    {
      method: 'GET',
      pattern: '/',
      name: 'root',
      handler: () => ({
        body: {
          title: 'qdrant - vector search engine',
          version: '1.15.4',
          commit: '0000000000000000000000000000000000000000',
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/collections',
      name: 'get_collections',
      handler: () => ok({ collections: [...state.collections.keys()].map((name) => ({ name })) }),
    },
    {
      method: 'GET',
      pattern: '/collections/:name/exists',
      name: 'collection_exists',
      handler: (req) => ok({ exists: state.collections.has(req.params.name!) }),
    },
    {
      method: 'PUT',
      pattern: '/collections/:name',
      name: 'create_collection',
      handler: (req) => {
        const name = req.params.name!;
        if (state.collections.has(name)) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body(req).vectors as { size?: unknown; distance?: unknown } | undefined;
        if (
          !vectors ||
          typeof vectors.size !== 'number' ||
          vectors.size < 1 ||
          !['Cosine', 'Dot', 'Euclid', 'Manhattan'].includes(String(vectors.distance))
        )
          return fail(400, 'Format error in JSON body: vectors must have a size and a distance');
        state.collections.set(name, {
          size: vectors.size,
          distance: vectors.distance as Collection['distance'],
          points: new Map(),
          indexes: new Map(),
        });
        return ok(true);
      },
    },
    {
      method: 'DELETE',
      pattern: '/collections/:name',
      name: 'delete_collection',
      handler: (req) => ok(state.collections.delete(req.params.name!)),
    },
    {
      method: 'PUT',
      pattern: '/collections/:name/index',
      name: 'create_field_index',
      handler: inCollection((c, _req, b) => {
        if (typeof b.field_name !== 'string') return fail(400, 'Format error in JSON body: missing field `field_name`');
        c.indexes.set(b.field_name, b.field_schema);
        return ok(updated());
      }),
    },
    {
      method: 'PUT',
      pattern: '/collections/:name/points',
      name: 'upsert_points',
      handler: inCollection((c, _req, b) => {
        const points = toPoints(c, b.points);
        if (!Array.isArray(points)) return points;
        for (const p of points) c.points.set(idKey(p.id), p);
        return ok(updated());
      }),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points',
      name: 'get_points',
      handler: inCollection((c, _req, b) =>
        ok(
          ids(b.ids)
            .map((id) => c.points.get(idKey(id)))
            .filter((p): p is Point => !!p)
            .map((p) => ({
              id: p.id,
              payload: withPayload(p, b.with_payload ?? true),
              vector: b.with_vector ? p.vector : null,
            })),
        ),
      ),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/delete',
      name: 'delete_points',
      handler: inCollection((c, _req, b) => {
        deletePoints(c, b);
        return ok(updated());
      }),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/payload',
      name: 'set_payload',
      handler: inCollection((c, _req, b) => (setPayload(c, b, false), ok(updated()))),
    },
    {
      method: 'PUT',
      pattern: '/collections/:name/points/payload',
      name: 'overwrite_payload',
      handler: inCollection((c, _req, b) => (setPayload(c, b, true), ok(updated()))),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/batch',
      name: 'batch_update',
      handler: inCollection((c, _req, b) => {
        const ops = Array.isArray(b.operations) ? (b.operations as Array<Record<string, Body>>) : [];
        // All operations are checked before any applies, so a bad one changes nothing.
        const upserts = ops.map((op) => (op.upsert ? toPoints(c, op.upsert.points) : []));
        const bad = upserts.find((u) => !Array.isArray(u));
        if (bad) return bad as TwinResponse;
        ops.forEach((op, i) => {
          if (op.upsert) for (const p of upserts[i] as Point[]) c.points.set(idKey(p.id), p);
          else if (op.set_payload) setPayload(c, op.set_payload, false);
          else if (op.overwrite_payload) setPayload(c, op.overwrite_payload, true);
          else if (op.delete) deletePoints(c, op.delete);
        });
        return ok(ops.map(() => updated()));
      }),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/count',
      name: 'count_points',
      handler: inCollection((c, _req, b) =>
        ok({ count: [...c.points.values()].filter((p) => matches(p, b.filter as Filter)).length }),
      ),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/scroll',
      name: 'scroll_points',
      handler: inCollection((c, _req, b) => {
        const all = [...c.points.values()]
          .filter((p) => matches(p, b.filter as Filter))
          .sort((x, y) => (idKey(x.id) < idKey(y.id) ? -1 : 1));
        const from = b.offset == null ? 0 : all.findIndex((p) => idKey(p.id) >= idKey(b.offset as PointId));
        const limit = typeof b.limit === 'number' ? b.limit : 10;
        const page = from < 0 ? [] : all.slice(from, from + limit);
        const next = from < 0 ? undefined : all[from + limit];
        return ok({
          points: page.map((p) => ({
            id: p.id,
            payload: withPayload(p, b.with_payload ?? true),
            vector: b.with_vector ? p.vector : null,
          })),
          next_page_offset: next ? next.id : null,
        });
      }),
    },
    {
      method: 'POST',
      pattern: '/collections/:name/points/query',
      name: 'query_points',
      handler: inCollection((c, _req, b) => {
        const q = b.query as unknown;
        const vector = Array.isArray(q) ? q : (q as { nearest?: unknown } | undefined)?.nearest;
        if (!Array.isArray(vector) || vector.some((x) => typeof x !== 'number'))
          return fail(400, 'Format error in JSON body: the twin answers nearest-vector queries only');
        if (vector.length !== c.size)
          return fail(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${vector.length}`);
        const limit = typeof b.limit === 'number' ? b.limit : 10;
        const ascending = c.distance === 'Euclid' || c.distance === 'Manhattan';
        const scored = [...c.points.values()]
          .filter((p) => matches(p, b.filter as Filter))
          .map((p) => ({ p, s: score(c, p.vector, vector as number[]) }))
          .sort((x, y) => (ascending ? x.s - y.s : y.s - x.s))
          .slice(0, limit);
        return ok({
          points: scored.map(({ p, s }) => ({
            id: p.id,
            version: 0,
            score: s,
            payload: withPayload(p, b.with_payload ?? false),
            vector: b.with_vector ? p.vector : null,
          })),
        });
      }),
    },
  ];

  const server = await startTwinServer({
    routes,
    latencyMs: options.latencyMs,
    record: options.record,
    before: (req) =>
      options.apiKey && req.headers['api-key'] !== options.apiKey
        ? fail(401, 'Must provide an API key or an Authorization bearer token')
        : undefined,
  });
  return Object.assign(server, {
    state,
    down() {
      server.faults.inject({ kind: 'reset', times: Infinity });
    },
    up() {
      server.faults.clear();
    },
  });
}
