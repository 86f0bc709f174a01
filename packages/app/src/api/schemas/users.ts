import { z } from '@hono/zod-openapi';

/** Folders on the server a non-admin user's local sources may read; the data dir stays unreadable whatever. */
export const AllowedRootsSchema = z
  .array(z.string().min(1).max(4096).startsWith('/', 'must be an absolute path'))
  .max(100)
  .describe(
    'Absolute folders on the server this user’s local sources (files, git, sqlite …) may read, resolved through symlinks. Empty: none.',
  );

export const UserCreateSchema = z
  .object({
    name: z.string().min(1).max(200),
    id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash or underscore')
      .optional(),
    is_admin: z.boolean().optional(),
    allowed_roots: AllowedRootsSchema.optional(),
  })
  .strict()
  .openapi('UserCreate');

export const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    is_admin: z.boolean(),
    allowed_roots: z.array(z.string()).describe('Folders this user’s local sources may read (admins: anywhere).'),
    created_at: z.string(),
  })
  .openapi('User');

export const AllowedRootsBodySchema = z.object({ allowed_roots: AllowedRootsSchema }).strict().openapi('AllowedRoots');

export const TokenCreateSchema = z
  .object({
    name: z.string().min(1).max(200).default('api').optional(),
    read_only: z.boolean().optional(),
    scope: z.enum(['api', 'metrics']).optional().describe('metrics: may only read /metrics'),
  })
  .strict()
  .openapi('TokenCreate');

export const TokenSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    name: z.string(),
    read_only: z.boolean(),
    scope: z.enum(['api', 'metrics']),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('Token');

export const NewTokenSchema = TokenSchema.extend({
  token: z.string().describe('The secret: shown once, stored only as a sha256 hash.'),
}).openapi('NewToken');
