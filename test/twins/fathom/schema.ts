import { z } from 'zod';

/**
 * The shapes of Fathom's External API as its reference documents them — no OpenAPI document is published, so
 * this schema, written from the pages below, is what the twin's answers are checked against:
 * - https://developers.fathom.ai/api-reference/meetings/list-meetings (`GET /meetings`: `items`, `limit`,
 *   `next_cursor`; query `cursor`, `created_after`, `created_before`, `include_transcript`, `include_summary`,
 *   `include_action_items`, `include_crm_matches`, `recorded_by[]`, `teams[]`, `calendar_invitees_domains[]`)
 * - https://developers.fathom.ai/quickstart (the example meeting)
 * - https://developers.fathom.ai/api-reference/webhook-payloads/new-meeting-content-ready (the webhook body)
 */
const person = z.object({ name: z.string().nullable(), email: z.string().nullable() }).strict();

export const FathomMeetingSchema = z
  .object({
    title: z.string(),
    meeting_title: z.string().nullable(),
    recording_id: z.number().int(),
    url: z.string(),
    share_url: z.string(),
    created_at: z.iso.datetime(),
    scheduled_start_time: z.iso.datetime().nullable(),
    scheduled_end_time: z.iso.datetime().nullable(),
    recording_start_time: z.iso.datetime(),
    recording_end_time: z.iso.datetime(),
    calendar_invitees_domains_type: z.enum(['only_internal', 'one_or_more_external']),
    transcript_language: z.string(),
    calendar_invitees: z.array(person.extend({ is_external: z.boolean() })),
    recorded_by: person.extend({ team: z.string().nullable() }),
    transcript: z
      .array(
        z
          .object({
            speaker: z
              .object({ display_name: z.string(), matched_calendar_invitee_email: z.string().nullable() })
              .strict(),
            text: z.string(),
            timestamp: z.string().regex(/^\d{2}:\d{2}:\d{2}$/),
          })
          .strict(),
      )
      .nullable()
      .optional(),
    default_summary: z
      .object({ template_name: z.string().nullable(), markdown_formatted: z.string().nullable() })
      .strict()
      .nullable()
      .optional(),
    action_items: z
      .array(
        z
          .object({
            description: z.string(),
            user_generated: z.boolean(),
            completed: z.boolean(),
            recording_timestamp: z.string(),
            recording_playback_url: z.string(),
            assignee: person.extend({ team: z.string().nullable() }),
          })
          .strict(),
      )
      .nullable()
      .optional(),
  })
  .strict();

export const FathomMeetingListSchema = z
  .object({
    items: z.array(FathomMeetingSchema),
    limit: z.number().int().nullable(),
    next_cursor: z.string().nullable(),
  })
  .strict();

export type TwinMeeting = z.infer<typeof FathomMeetingSchema>;

/** Problems of a twin answer to `GET /meetings` (empty when it matches the documented shape). */
export function validateMeetingList(body: unknown): string[] {
  const r = FathomMeetingListSchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
