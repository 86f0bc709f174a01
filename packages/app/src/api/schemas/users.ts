import { z } from '@hono/zod-openapi';

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
  })
  .strict()
  .openapi('UserCreate');

export const UserSchema = z
  .object({ id: z.string(), name: z.string(), is_admin: z.boolean(), created_at: z.string() })
  .openapi('User');

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
