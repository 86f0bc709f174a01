import { createHash } from 'node:crypto';
import type { Item } from '@tributary/sdk';

/**
 * A meeting as `GET /meetings` returns it, from Fathom's API reference
 * (https://developers.fathom.ai/api-reference/meetings/list-meetings, and the webhook payload
 * https://developers.fathom.ai/api-reference/webhook-payloads/new-meeting-content-ready). No OpenAPI document is
 * published: this type and {@link toMeetingItem} are the one place the wire format is known, so a spec can
 * replace them later.
 */
export interface FathomMeeting {
  recording_id: number;
  title?: string | null;
  meeting_title?: string | null;
  url?: string | null;
  share_url?: string | null;
  created_at: string;
  scheduled_start_time?: string | null;
  scheduled_end_time?: string | null;
  recording_start_time?: string | null;
  recording_end_time?: string | null;
  calendar_invitees_domains_type?: string | null;
  transcript_language?: string | null;
  calendar_invitees?: Array<{ name?: string | null; email?: string | null; is_external?: boolean }> | null;
  recorded_by?: { name?: string | null; email?: string | null; team?: string | null } | null;
  transcript?: Array<{
    speaker?: { display_name?: string | null; matched_calendar_invitee_email?: string | null } | null;
    text: string;
    /** `HH:MM:SS` from the start of the recording. */
    timestamp?: string | null;
  }> | null;
  default_summary?: { template_name?: string | null; markdown_formatted?: string | null } | null;
  action_items?: Array<{
    description: string;
    user_generated?: boolean;
    completed?: boolean;
    recording_timestamp?: string | null;
    recording_playback_url?: string | null;
    assignee?: { name?: string | null; email?: string | null; team?: string | null } | null;
  }> | null;
}

/** One page of `GET /meetings`. */
export interface FathomMeetingPage {
  items: FathomMeeting[];
  limit?: number | null;
  next_cursor?: string | null;
}

/** The transcript as paragraphs: consecutive lines of one speaker folded, each led by its time and speaker. */
function transcriptMarkdown(lines: NonNullable<FathomMeeting['transcript']>): string {
  const out: string[] = [];
  let speaker: string | undefined;
  for (const l of lines) {
    const who = l.speaker?.display_name?.trim() || 'Unknown speaker';
    const text = l.text.trim();
    if (!text) continue;
    if (who === speaker && out.length) out[out.length - 1] += ` ${text}`;
    else out.push(`**[${l.timestamp ?? '?'}] ${who}:** ${text}`);
    speaker = who;
  }
  return out.join('\n\n');
}

/** A meeting as a memory: markdown with attendees, summary, action items and the transcript. */
export function toMeetingItem(m: FathomMeeting): Item {
  const title = m.title?.trim() || m.meeting_title?.trim() || `Meeting ${m.recording_id}`;
  const when = m.recording_start_time ?? m.scheduled_start_time ?? m.created_at;
  const invitees = (m.calendar_invitees ?? []).map((i) =>
    [i.name, i.email && `<${i.email}>`].filter(Boolean).join(' '),
  );
  const parts = [`# ${title}`];
  const facts = [
    `When: ${when}`,
    m.recorded_by?.name ? `Recorded by: ${m.recorded_by.name}` : '',
    invitees.length ? `Invitees: ${invitees.join(', ')}` : '',
  ].filter(Boolean);
  parts.push(facts.join('\n'));
  const summary = m.default_summary?.markdown_formatted?.trim();
  if (summary) parts.push('## Summary', summary);
  if (m.action_items?.length)
    parts.push(
      '## Action items',
      m.action_items
        .map((a) => {
          const who = a.assignee?.name ? ` (${a.assignee.name})` : '';
          const at = a.recording_timestamp ? ` [${a.recording_timestamp}]` : '';
          return `- [${a.completed ? 'x' : ' '}] ${a.description.trim()}${who}${at}`;
        })
        .join('\n'),
    );
  if (m.transcript?.length) parts.push('## Transcript', transcriptMarkdown(m.transcript));
  const url = m.share_url ?? m.url;
  return {
    externalId: String(m.recording_id),
    stream: 'meetings',
    content: parts.join('\n\n'),
    contentType: 'markdown',
    title,
    ...(url ? { url } : {}),
    ...(m.recorded_by?.name ? { author: m.recorded_by.name } : {}),
    occurredAt: new Date(when).toISOString(),
    container: m.recorded_by?.team ?? 'Fathom',
    metadata: {
      recordingId: m.recording_id,
      createdAt: m.created_at,
      ...(m.meeting_title ? { calendarTitle: m.meeting_title } : {}),
      ...(m.calendar_invitees_domains_type ? { invitees: m.calendar_invitees_domains_type } : {}),
      ...(m.transcript_language ? { language: m.transcript_language } : {}),
      ...(m.recording_end_time ? { recordingEnd: m.recording_end_time } : {}),
      attendees: (m.calendar_invitees ?? []).map((i) => i.email).filter(Boolean),
      actionItems: m.action_items?.length ?? 0,
    },
  };
}

/** Hash of a stored item: a meeting listed again unchanged is not yielded again. */
export function itemHash(item: Item): string {
  return createHash('sha256')
    .update(JSON.stringify([item.content, item.title, item.url, item.occurredAt, item.metadata]))
    .digest('hex')
    .slice(0, 16);
}
