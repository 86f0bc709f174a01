import { defineManifest } from '@tributary/sdk';
import { IcsCheckpointSchema, IcsConfigSchema } from './config.js';

/** The `ics` connector without its code: the registry lists it and validates sources from this alone. */
export const icsManifest = defineManifest({
  name: 'ics',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Calendar (.ics)',
  description:
    'Events from an iCalendar file or url: time zones, recurrences inside a window, exceptions and cancellations.',
  auth: { type: 'none' },
  config: IcsConfigSchema,
  checkpoint: IcsCheckpointSchema,
  features: {},
  streams: ['events'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  kind: 'local',
});
