import { defineManifest } from '@tributary/sdk';
import { LinkedinCheckpointSchema } from './checkpoint.js';
import { DOMAIN_STREAMS, LinkedinConfigSchema } from './config.js';

/** The `linkedin` connector without its code: the registry lists it and validates sources from this alone. */
export const linkedinManifest = defineManifest({
  name: 'linkedin',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'LinkedIn (Member Data Portability API)',
  description:
    'Your LinkedIn data through the DMA Member Data Portability API (EEA and Switzerland): snapshot plus change log.',
  // r_dma_portability_member: the member's own data (the Member product); a pasted token from LinkedIn's token
  // generator works too.
  auth: { type: 'oauth2', provider: 'linkedin', scopes: ['r_dma_portability_member'], allowToken: true },
  kind: 'cloud',
  config: LinkedinConfigSchema,
  checkpoint: LinkedinCheckpointSchema,
  streams: [...new Set(Object.values(DOMAIN_STREAMS))],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
});
