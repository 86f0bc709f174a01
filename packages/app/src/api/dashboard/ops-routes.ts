import { createRoute, z } from '@hono/zod-openapi';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';
import { tokenWire } from '../wire.js';
import type { DashboardState } from './state.js';

const tags = ['dashboard'];

/** The operations page's reads that the public API lacks: the token list and the vault's key status. */
export function registerDashboardOpsRoutes(app: Api, deps: RouteDeps, state: DashboardState): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/tokens',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'API tokens (never their secrets): yours, or everyone’s for an admin',
      responses: { 200: json(z.object({ tokens: z.array(z.record(z.string(), z.unknown())) })), ...errorResponses() },
    }),
    async (c) => {
      const p = principal(c);
      const tokens = await deps.engine.ports.auth.listTokens(p.user.isAdmin ? undefined : p.user.id);
      return c.json({ tokens: tokens.map(tokenWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/dashboard/vault',
      // Private to the dashboard (docs/dashboard.md): not part of the public API document.
      hide: true,
      tags,
      summary: 'Where the vault key comes from and how secrets are encrypted (never any key material)',
      responses: {
        200: json(
          z.object({ available: z.boolean(), key_source: z.string().nullable(), encryption: z.string().nullable() }),
        ),
        ...errorResponses(),
      },
    }),
    (c) => {
      const v = state.vault?.();
      return c.json({ available: !!v, key_source: v?.keySource ?? null, encryption: v?.encryption ?? null }, 200);
    },
  );
}
