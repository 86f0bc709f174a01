import { FathomState } from './state.js';
import type { TwinMeeting } from './schema.js';

export const FATHOM_KEY = 'fathom-twin-key-0123';
export const FATHOM_WEBHOOK_SECRET = `whsec_${Buffer.from('fathom twin webhook secret 0123').toString('base64')}`;

/** Meeting `i`: one an hour from 2025-03-01, a transcript of four lines, a summary and two action items. */
export function meeting(i: number): TwinMeeting {
  const start = new Date(Date.UTC(2025, 2, 1) + i * 3_600_000);
  const iso = (ms: number): string => new Date(start.getTime() + ms).toISOString().replace('.000Z', 'Z');
  const id = 100_000 + i;
  return {
    title: `Weekly sync ${i}`,
    meeting_title: `Team sync #${i}`,
    recording_id: id,
    url: `https://fathom.video/calls/${id}`,
    share_url: `https://fathom.video/share/${id}`,
    created_at: iso(61 * 60_000),
    scheduled_start_time: iso(0),
    scheduled_end_time: iso(60 * 60_000),
    recording_start_time: iso(60_000),
    recording_end_time: iso(60 * 60_000),
    calendar_invitees_domains_type: i % 2 ? 'one_or_more_external' : 'only_internal',
    transcript_language: 'en',
    calendar_invitees: [
      { name: 'Alice Johnson', email: 'alice@acme.com', is_external: false },
      { name: 'Bob Lee', email: i % 2 ? 'bob@partner.org' : 'bob@acme.com', is_external: i % 2 === 1 },
    ],
    recorded_by: { name: 'Alice Johnson', email: 'alice@acme.com', team: 'Marketing' },
    transcript: [
      {
        speaker: { display_name: 'Alice Johnson', matched_calendar_invitee_email: 'alice@acme.com' },
        text: `Welcome to sync ${i}.`,
        timestamp: '00:00:05',
      },
      {
        speaker: { display_name: 'Alice Johnson', matched_calendar_invitee_email: 'alice@acme.com' },
        text: 'First, the roadmap.',
        timestamp: '00:00:09',
      },
      {
        speaker: { display_name: 'Bob Lee', matched_calendar_invitee_email: null },
        text: `Item ${i} ships Friday.`,
        timestamp: '00:01:30',
      },
      {
        speaker: { display_name: 'Alice Johnson', matched_calendar_invitee_email: 'alice@acme.com' },
        text: 'Great, thanks.',
        timestamp: '00:02:02',
      },
    ],
    default_summary: {
      template_name: 'general',
      markdown_formatted: `## Meeting Purpose\n\nWeekly sync ${i}.\n\n## Key Takeaways\n\n- Item ${i} ships Friday`,
    },
    action_items: [
      {
        description: `Ship item ${i}`,
        user_generated: false,
        completed: false,
        recording_timestamp: '00:01:30',
        recording_playback_url: `https://fathom.video/calls/${id}?timestamp=90`,
        assignee: { name: 'Bob Lee', email: 'bob@acme.com', team: null },
      },
      {
        description: 'Send the notes',
        user_generated: true,
        completed: true,
        recording_timestamp: '00:02:02',
        recording_playback_url: `https://fathom.video/calls/${id}?timestamp=122`,
        assignee: { name: 'Alice Johnson', email: 'alice@acme.com', team: 'Marketing' },
      },
    ],
  };
}

export function seedFathom(n: number): FathomState {
  const state = new FathomState();
  state.apiKeys.add(FATHOM_KEY);
  for (let i = 0; i < n; i++) state.add(meeting(i));
  return state;
}
