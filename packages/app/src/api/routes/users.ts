import { createRoute, z } from '@hono/zod-openapi';
import { TributaryError } from '@tributary/sdk';
import { normalizeRoots } from '@tributary/engine';
import { requireAdmin } from '../../auth/authenticate.js';
import { issueToken } from '../../auth/tokens.js';
import type { MiddlewareHandler } from 'hono';
import type { Api, AppEnv, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { IdParam, errorResponses, json } from '../schemas/common.js';
import { NewTokenSchema, TokenCreateSchema, UserCreateSchema, UserSchema } from '../schemas/users.js';
import { tokenWire, userWire } from '../wire.js';

const tags = ['users'];

/** Runs before the body and path are validated: a non-admin learns nothing about what a valid request looks like. */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireAdmin(principal(c));
  await next();
};

/** Users and their tokens: admin tokens only. */
export function registerUserRoutes(app: Api, deps: RouteDeps): void {
  const store = deps.engine.ports.auth;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      middleware: [adminOnly] as const,
      summary: 'Create a user (admin)',
      request: { body: { content: { 'application/json': { schema: UserCreateSchema } }, required: true } },
      responses: { 201: json(UserSchema, 'Created'), ...errorResponses(400, 403, 409, 415) },
    }),
    async (c) => {
      requireAdmin(principal(c));
      const input = c.req.valid('json');
      if (input.id && (await store.getUser(input.id)))
        throw new TributaryError('conflict', `User "${input.id}" exists.`, {
          issues: [{ path: 'id', message: 'taken' }],
        });
      const roots = normalizeRoots(input.allowed_roots ?? []);
      const user = await store.createUser({
        name: input.name,
        isAdmin: input.is_admin ?? false,
        ...(input.id ? { id: input.id } : {}),
      });
      return c.json(userWire(roots.length ? ((await store.setUserAllowedRoots(user.id, roots)) ?? user) : user), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      middleware: [adminOnly] as const,
      summary: 'List users (admin)',
      responses: { 200: json(z.object({ users: z.array(UserSchema) }).openapi('UserList')), ...errorResponses(403) },
    }),
    async (c) => {
      requireAdmin(principal(c));
      return c.json({ users: (await store.listUsers()).map(userWire) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/tokens',
      tags,
      middleware: [adminOnly] as const,
      summary: 'Create an API token for a user (admin); the secret is shown once',
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: TokenCreateSchema } }, required: true },
      },
      responses: { 201: json(NewTokenSchema, 'Created'), ...errorResponses(400, 403, 404, 415) },
    }),
    async (c) => {
      requireAdmin(principal(c));
      const input = c.req.valid('json');
      const { token, record } = await issueToken(store, {
        userId: c.req.valid('param').id,
        name: input.name ?? 'api',
        readOnly: input.read_only ?? false,
        scope: input.scope ?? 'api',
      });
      return c.json({ ...tokenWire(record), token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags,
      middleware: [adminOnly] as const,
      summary: 'Revoke an API token (admin)',
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(403, 404) },
    }),
    async (c) => {
      requireAdmin(principal(c));
      const id = c.req.valid('param').id;
      const existing = (await store.listTokens()).find((t) => t.id === id && !t.revokedAt);
      if (!existing || !(await store.revokeToken(id)))
        throw new TributaryError('not_found', `No active token "${id}".`, {
          issues: [{ path: 'path.id', message: 'no such token' }],
        });
      return c.body(null, 204);
    },
  );
}
