import { startTwinServer, type TwinServer } from '../kit/index.js';
import type { FathomState } from './state.js';

export interface FathomTwin extends TwinServer {
  state: FathomState;
  /** The connector's `baseUrl`: `<url>/external/v1`. */
  baseUrl: string;
}

const cursorOf = (offset: number, snapshot: number): string =>
  Buffer.from(`${offset}:${snapshot}`).toString('base64url');

/**
 * Starts the Fathom twin on 127.0.0.1, port 0: `GET /external/v1/meetings` with `X-Api-Key`, newest first, 10 a
 * page with an opaque `next_cursor`, `created_after`/`created_before`, and the transcript, summary and action items
 * only when `include_*=true` — as https://developers.fathom.ai/api-reference/meetings/list-meetings documents.
 * A bad key is 401, a cursor it did not issue 400; faults (429 with Retry-After) come from the kit.
 */
export async function startFathomTwin(state: FathomState, options: { record?: boolean } = {}): Promise<FathomTwin> {
  const twin = await startTwinServer({
    record: options.record ?? true,
    before(req) {
      const key = req.headers['x-api-key'];
      return key && state.apiKeys.has(key) ? undefined : { status: 401, body: { error: 'Invalid API key' } };
    },
    routes: [
      {
        method: 'GET',
        pattern: '/external/v1/meetings',
        name: 'meetings.list',
        handler(req) {
          const q = req.query;
          let offset = 0;
          if (q.cursor) {
            const m = /^(\d+):(\d+)$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
            if (!m) return { status: 400, body: { error: 'Invalid cursor' } };
            offset = Number(m[1]);
          }
          for (const k of ['created_after', 'created_before'] as const)
            if (q[k] && Number.isNaN(Date.parse(q[k]!))) return { status: 400, body: { error: `Invalid ${k}` } };
          const all = state
            .sorted()
            .filter((m) => !q.created_after || Date.parse(m.created_at) >= Date.parse(q.created_after))
            .filter((m) => !q.created_before || Date.parse(m.created_at) <= Date.parse(q.created_before));
          const slice = all.slice(offset, offset + state.pageSize);
          const items = slice.map((m) => {
            const { transcript, default_summary, action_items, ...rest } = m;
            return {
              ...rest,
              transcript: q.include_transcript === 'true' ? transcript : null,
              default_summary: q.include_summary === 'true' ? default_summary : null,
              action_items: q.include_action_items === 'true' ? action_items : null,
            };
          });
          const next = offset + state.pageSize < all.length ? cursorOf(offset + state.pageSize, all.length) : null;
          return { body: { items, limit: state.pageSize, next_cursor: next } };
        },
      },
    ],
  });
  return Object.assign(twin, { state, baseUrl: `${twin.url}/external/v1` });
}
