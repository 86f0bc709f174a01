import { z } from '@hono/zod-openapi';

/** The error envelope as documented in the OpenAPI document. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

/** `{id}` in a path. */
export const IdParam = z
  .object({
    id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ param: { name: 'id', in: 'path' }, example: 'b3c1…' }),
  })
  .strict();

/** A comma-separated list in a query string (`?source=a,b`). */
export const csv = (description: string) =>
  z
    .string()
    .max(2000)
    .optional()
    .describe(`${description} (comma-separated for several)`)
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    );

/** An ISO 8601 time with offset (`2024-05-01T10:00:00Z`) or a date (`2024-05-01`). */
export const isoTime = (description: string) =>
  z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), {
      message: 'must be an ISO 8601 time like 2024-05-01T10:00:00Z or a date like 2024-05-01',
    })
    .transform((v) => new Date(v).toISOString())
    .optional()
    .describe(description);

/** The standard error responses every authenticated route may give. */
export function errorResponses(
  ...statuses: number[]
): Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> {
  const text: Record<number, string> = {
    400: 'Invalid input: the envelope names each field and the reason.',
    401: 'Missing, unknown or revoked token.',
    403: 'The token may not do this (read-only, not admin, metrics-only).',
    404: 'Not found (or not yours).',
    409: 'Conflict with the current state.',
    413: 'Body or batch over the limit.',
    415: 'The body is not JSON (send Content-Type: application/json).',
    429: 'Rate limited; see Retry-After.',
    501: 'Not available on this server (OAuth without a vault).',
    503: 'The store is unavailable.',
  };
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> =
    {};
  for (const s of [401, 429, ...statuses])
    out[s] = { description: text[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } };
  return out;
}

/** A JSON body. */
export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
