import { z } from 'zod';

/**
 * The documented shapes of LinkedIn's Member Data Portability API. No OpenAPI document is published; these schemas
 * are written from:
 * - https://learn.microsoft.com/en-us/linkedin/dma/member-data-portability/shared/member-snapshot-api
 *   (`GET /rest/memberSnapshotData?q=criteria[&domain=]`: `paging { start, count, links }`, `elements[] {
 *   snapshotDomain, snapshotData[] }`)
 * - https://learn.microsoft.com/en-us/linkedin/dma/member-data-portability/shared/member-changelog-api
 *   (`GET /rest/memberChangeLogs?q=memberAndApplication[&startTime=]`: events with `id`, `capturedAt`,
 *   `processedAt`, `resourceName`, `resourceId`, `method`, `activity`, `activityStatus`; 28 days kept)
 * - https://learn.microsoft.com/en-us/linkedin/marketing/versioning (the `LinkedIn-Version: YYYYMM` header)
 */
const paging = z
  .object({
    start: z.number().int(),
    count: z.number().int(),
    links: z.array(z.object({ rel: z.string(), href: z.string(), type: z.string() }).strict()),
    total: z.number().int().optional(),
  })
  .strict();

export const SnapshotResponseSchema = z
  .object({
    paging,
    elements: z.array(
      z.object({ snapshotDomain: z.string(), snapshotData: z.array(z.record(z.string(), z.string())) }).strict(),
    ),
  })
  .strict();

export const ChangeLogResponseSchema = z
  .object({
    paging,
    elements: z.array(
      z
        .object({
          id: z.number().int(),
          capturedAt: z.number().int(),
          processedAt: z.number().int(),
          configVersion: z.number().int(),
          owner: z.string(),
          actor: z.string(),
          resourceName: z.string(),
          resourceId: z.string(),
          resourceUri: z.string(),
          method: z.enum(['CREATE', 'UPDATE', 'PARTIAL_UPDATE', 'DELETE']),
          activity: z.record(z.string(), z.unknown()),
          processedActivity: z.record(z.string(), z.unknown()),
          activityId: z.string(),
          activityStatus: z.enum(['SUCCESS', 'FAILURE', 'SUCCESSFUL_REPLAY']),
        })
        .strict(),
    ),
  })
  .strict();

/** Problems of a twin answer (empty when it matches the documented shape). */
export function validateLinkedinAnswer(route: string, body: unknown): string[] {
  const schema = route === 'memberSnapshotData' ? SnapshotResponseSchema : ChangeLogResponseSchema;
  const r = schema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
