import { defineManifest } from '@tributary/sdk';
import { GoogleCalendarCheckpointSchema } from './checkpoint.js';
import { GoogleCalendarConfigSchema } from './config.js';

/** Least privilege: read calendars and events. */
export const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar.readonly'];

/** The `google-calendar` connector without its code: the registry lists it and validates sources from this alone. */
export const googleCalendarManifest = defineManifest({
  name: 'google-calendar',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Google Calendar',
  description: 'Events of your Google calendars (one memory per occurrence), incremental with sync tokens and push.',
  auth: { type: 'oauth2', provider: 'google', scopes: CALENDAR_SCOPES, allowToken: true },
  config: GoogleCalendarConfigSchema,
  checkpoint: GoogleCalendarCheckpointSchema,
  features: {},
  // As the ICS connector (EVENTS_STREAM in map.ts, not imported: it would load the mappers here).
  streams: ['events'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  rateLimit: {
    requests: 10,
    perSeconds: 1,
    burst: 20,
    description: 'Calendar API: per-user request rate (about 600 per minute by default)',
  },
  kind: 'cloud',
});
