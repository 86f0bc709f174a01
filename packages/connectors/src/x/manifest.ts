import { defineManifest } from '@tributary/sdk';
import { XCheckpointSchema } from './checkpoint.js';
import { X_BASE_SCOPES, X_FEATURE_SCOPES, XConfigSchema } from './config.js';

/** The `x` connector without its code: the registry lists it and validates sources from this alone. */
export const xManifest = defineManifest({
  name: 'x',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'X (Twitter)',
  description:
    'Posts through the X API v2: your posts (edits folded, note tweets in full, threads), mentions, bookmarks and likes.',
  // A pasted token is an OAuth 2.0 user access token (bookmarks need user context; an app-only bearer cannot).
  auth: { type: 'oauth2', provider: 'x', scopes: X_BASE_SCOPES, featureScopes: X_FEATURE_SCOPES, allowToken: true },
  kind: 'cloud',
  config: XConfigSchema,
  checkpoint: XCheckpointSchema,
  features: {
    mentions: { default: true, description: 'Posts mentioning the account (GET /2/users/:id/mentions).' },
    bookmarks: { default: false, description: 'Your bookmarks (GET /2/users/:id/bookmarks; scope bookmark.read).' },
    likes: { default: false, description: 'Posts you liked (GET /2/users/:id/liked_tweets; scope like.read).' },
  },
  // `tweets` (not `posts`): the x-archive connector's stream, so one post hashes the same from either source.
  streams: ['tweets', 'mentions', 'bookmarks', 'likes'],
  capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true },
  // The real budget is per endpoint and 15-minute window, read from x-rate-limit-* headers (client.ts); this bucket
  // only spaces requests: 900 requests per 15 minutes is the highest per-user timeline limit X publishes.
  rateLimit: {
    requests: 1,
    perSeconds: 1,
    burst: 5,
    description: 'X API v2: per-endpoint 15-minute windows (x-rate-limit-limit/remaining/reset)',
  },
  monitoring: {
    metrics: [
      { name: 'posts_read_month', type: 'gauge', description: 'Posts read this cap period (monthly post cap).' },
    ],
  },
});
