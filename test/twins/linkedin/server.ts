import { startTwinServer, type TwinRequest, type TwinResponse, type TwinServer } from '../kit/index.js';
import type { LinkedinState } from './state.js';

export interface LinkedinTwin extends TwinServer {
  state: LinkedinState;
}

const CHANGELOG_DAYS = 28;

const restliError = (status: number, code: string, message: string): TwinResponse => ({
  status,
  body: { status, code, message, serviceErrorCode: 100 },
});

function paging(req: TwinRequest, start: number, count: number, total: number): Record<string, unknown> {
  const links =
    start + count < total
      ? [
          {
            rel: 'next',
            type: 'application/json',
            href: `${req.path}?${new URLSearchParams({ ...req.query, start: String(start + count) })}`,
          },
        ]
      : [];
  return { start, count, links };
}

/**
 * Starts the LinkedIn Member Data Portability twin on 127.0.0.1, port 0: `/rest/memberSnapshotData?q=criteria` and
 * `/rest/memberChangeLogs?q=memberAndApplication` with a bearer token and the `LinkedIn-Version` header (426
 * NONEXISTENT_VERSION without it), `start`/`count` paging with a `next` link, and a change log that keeps 28 days —
 * as the pages cited in schema.ts describe.
 */
export async function startLinkedinTwin(
  state: LinkedinState,
  options: { record?: boolean; now?: () => number } = {},
): Promise<LinkedinTwin> {
  const now = options.now ?? Date.now;
  const twin = await startTwinServer({
    record: options.record ?? true,
    before(req) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.tokens.has(token)) return restliError(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token');
      if (!/^\d{6}$/.test(req.headers['linkedin-version'] ?? ''))
        return restliError(426, 'NONEXISTENT_VERSION', 'Requested version is not active');
      return undefined;
    },
    routes: [
      {
        method: 'GET',
        pattern: '/rest/memberSnapshotData',
        name: 'memberSnapshotData',
        handler(req) {
          if (req.query.q !== 'criteria') return restliError(400, 'ILLEGAL_ARGUMENT', 'q must be criteria');
          const start = Number(req.query.start ?? 0);
          const count = Math.min(50, Number(req.query.count ?? 10));
          const domains = req.query.domain ? [req.query.domain] : [...state.snapshot.keys()];
          // each domain's records split into elements of recordsPerElement
          const elements = domains.flatMap((d) => {
            const rows = state.snapshot.get(d) ?? [];
            const out = [];
            for (let i = 0; i < rows.length; i += state.recordsPerElement)
              out.push({ snapshotDomain: d, snapshotData: rows.slice(i, i + state.recordsPerElement) });
            return out;
          });
          return {
            body: {
              paging: paging(req, start, count, elements.length),
              elements: elements.slice(start, start + count),
            },
          };
        },
      },
      {
        method: 'GET',
        pattern: '/rest/memberChangeLogs',
        name: 'memberChangeLogs',
        handler(req) {
          if (req.query.q !== 'memberAndApplication')
            return restliError(400, 'ILLEGAL_ARGUMENT', 'q must be memberAndApplication');
          const start = Number(req.query.start ?? 0);
          const count = Math.min(50, Number(req.query.count ?? 10));
          const from = Math.max(Number(req.query.startTime ?? 0), now() - CHANGELOG_DAYS * 86_400_000);
          const events = state.changes.filter((c) => c.processedAt >= from);
          return {
            body: {
              paging: paging(req, start, count, events.length),
              elements: events.slice(start, start + count).map((c) => ({
                id: c.id,
                capturedAt: c.processedAt - 1000,
                processedAt: c.processedAt,
                configVersion: 1,
                owner: state.member,
                actor: state.member,
                resourceName: c.resourceName,
                resourceId: c.resourceId,
                resourceUri: `/${c.resourceName}/${encodeURIComponent(c.resourceId)}`,
                method: c.method,
                activity: c.activity,
                processedActivity: c.activity,
                activityId: `urn:li:activity:${c.id}`,
                activityStatus: 'SUCCESS',
              })),
            },
          };
        },
      },
    ],
  });
  return Object.assign(twin, { state });
}
