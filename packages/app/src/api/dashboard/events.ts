import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses } from '../schemas/common.js';
import type { ProgressMessage } from './progress.js';
import type { DashboardState } from './state.js';

/** Keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /dashboard/events`: server-sent events of the caller's running syncs — `progress` (counts so far, phase,
 * the connector's total when known) and `finished` (the run record). Another user's sources never appear.
 */
export function registerDashboardEvents(app: Api, deps: RouteDeps, state: DashboardState): void {
  const store = deps.engine.ports.sources;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/events',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags: ['dashboard'],
      summary: 'Live sync progress of your sources (text/event-stream: progress, finished)',
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(),
      },
    }),
    (c) => {
      const userId = principal(c).user.id;
      // Owner of each source seen, so a page of someone else's sync is dropped without a lookup per page.
      const owners = new Map<string, string | null>();
      const ownerOf = async (sourceId: string): Promise<string | null> => {
        if (!owners.has(sourceId)) owners.set(sourceId, (await store.getSource(sourceId))?.ownerId ?? null);
        return owners.get(sourceId) ?? null;
      };
      return streamSSE(c, async (stream) => {
        const queue: ProgressMessage[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = state.progress.subscribe((m) => {
          queue.push(m);
          wake?.();
        });
        let closed = false;
        stream.onAbort(() => {
          closed = true;
          unsubscribe();
          wake?.();
        });
        // Tells a client its subscription exists: what it starts after this line, it will hear of.
        await stream.write(': connected\n\n');
        for (const p of state.progress.snapshot()) queue.push({ type: 'progress', progress: p });
        try {
          while (!closed) {
            const m = queue.shift();
            if (!m) {
              await new Promise<void>((resolve) => {
                wake = resolve;
                setTimeout(resolve, KEEPALIVE_MS).unref();
              });
              wake = undefined;
              if (!queue.length && !closed) await stream.write(': keep-alive\n\n');
              continue;
            }
            const sourceId = m.type === 'progress' ? m.progress.source_id : m.source_id;
            const owner = m.type === 'finished' ? m.ownerId : await ownerOf(sourceId);
            if (owner !== userId) continue;
            const data = m.type === 'progress' ? m.progress : { source_id: m.source_id, run: m.run };
            await stream.writeSSE({ event: m.type, data: JSON.stringify(data) });
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );
}
