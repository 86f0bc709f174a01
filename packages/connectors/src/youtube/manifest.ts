import { defineManifest } from '@tributary/sdk';
import { YoutubeCheckpointSchema } from './checkpoint.js';
import { YOUTUBE_SCOPES, YoutubeConfigSchema } from './config.js';

/** The `youtube` connector without its code: the registry lists it and validates sources from this alone. */
export const youtubeManifest = defineManifest({
  name: 'youtube',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'YouTube',
  description:
    "A channel's uploads or a playlist: title, description and transcript per video, linked to the moment in the video.",
  // A pasted token is a Data API key (public channels and playlists; public captions only).
  auth: { type: 'oauth2', provider: 'google', scopes: YOUTUBE_SCOPES, allowToken: true },
  kind: 'cloud',
  config: YoutubeConfigSchema,
  checkpoint: YoutubeCheckpointSchema,
  streams: ['videos'],
  capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
  monitoring: {
    metrics: [
      { name: 'quota_units_used', type: 'gauge', description: 'Data API quota units spent today (Pacific time).' },
    ],
  },
});
