import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { normalizeRoots } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import { requireAdmin } from '../../auth/authenticate.js';
import type { Api, AppEnv, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { AllowedRootsBodySchema, UserSchema } from '../schemas/users.js';
import { userWire } from '../wire.js';

/** Permission first: a non-admin learns nothing from the body's validation. */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(principal(c));
  await next();
};

/**
 * `PUT /users/{id}/allowed-roots` (admin): the folders a user's local sources may read. Sources already added keep
 * their config, but every sync and check re-checks it, so narrowing the roots stops reads outside them at once.
 */
export function registerUserRootRoutes(app: Api, deps: RouteDeps): void {
  const store = deps.engine.ports.auth;
  app.openapi(
    createRoute({
      method: 'put',
      path: '/users/{id}/allowed-roots',
      tags: ['users'],
      middleware: [adminOnly] as const,
      summary: 'Set the folders a user’s local sources may read (admin)',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: AllowedRootsBodySchema } }, required: true },
      },
      responses: { 200: json(UserSchema, 'Updated'), ...errorResponses(400, 403, 404) },
    }),
    async (c) => {
      requireAdmin(principal(c));
      const id = c.req.valid('param').id;
      const user = await store.setUserAllowedRoots(id, normalizeRoots(c.req.valid('json').allowed_roots));
      if (!user)
        throw new TributaryError('not_found', `No user "${id}".`, {
          issues: [{ path: 'path.id', message: 'no such user' }],
        });
      return c.json(userWire(user), 200);
    },
  );
}
