import { defineManifest } from '@tributary/sdk';
import { FathomCheckpointSchema } from './checkpoint.js';
import { FathomConfigSchema } from './config.js';

/** The `fathom` connector without its code: the registry lists it and validates sources from this alone. */
export const fathomManifest = defineManifest({
  name: 'fathom',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Fathom',
  description: 'Fathom meeting recordings: transcript with speakers and timestamps, AI summary and action items.',
  auth: { type: 'token', description: 'A Fathom API key (Settings → API Access), sent as X-Api-Key.' },
  kind: 'cloud',
  config: FathomConfigSchema,
  checkpoint: FathomCheckpointSchema,
  streams: ['meetings'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  // https://developers.fathom.ai/api-overview: 60 calls a minute per account, 30 for "heavy" requests — a listing
  // with transcripts is budgeted as one
  rateLimit: {
    requests: 30,
    perSeconds: 60,
    burst: 5,
    description: 'Fathom: 60 calls per minute per account, 30 per minute for heavy requests',
  },
});
