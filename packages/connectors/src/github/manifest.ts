import { defineManifest } from '@tributary/sdk';
import { GithubCheckpointSchema } from './checkpoint.js';
import { GithubConfigSchema, PullRequestsFeatureSchema } from './config.js';

/** The `github` connector without its code: the registry lists it and validates sources from this alone. */
export const githubManifest = defineManifest({
  name: 'github',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'GitHub',
  description: 'Issues, pull requests, reviews, comments, commits and docs/code files from GitHub repositories.',
  auth: { type: 'oauth2', provider: 'github', scopes: ['repo', 'read:user'], allowToken: true },
  config: GithubConfigSchema,
  checkpoint: GithubCheckpointSchema,
  features: {
    issues: { default: true, description: 'Read issues.' },
    pullRequests: {
      default: true,
      description: 'Read pull requests (and their reviews when comments are on).',
      config: PullRequestsFeatureSchema,
    },
    commits: { default: true, description: 'Read commits of the default branch.' },
    files: { default: true, description: 'Read markdown and code files of the default branch.' },
  },
  streams: ['repositories', 'issues', 'pull-requests', 'comments', 'reviews', 'commits', 'files'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  // GitHub grants the hour's budget at once (it resets hourly), so the bucket holds all of it.
  rateLimit: {
    requests: 5000,
    perSeconds: 3600,
    burst: 5000,
    description: 'GitHub REST: 5,000 requests per hour per token',
  },
  kind: 'cloud',
  author: 'Tributary',
  // Only the OAuth connect flow needs them; a personal access token works without.
  envVars: [
    { name: 'GITHUB_CLIENT_ID', description: 'OAuth app client id (for `tributary connect`)', required: false },
    { name: 'GITHUB_CLIENT_SECRET', description: 'OAuth app client secret (for `tributary connect`)', required: false },
  ],
  monitoring: {
    metrics: [
      {
        name: 'api_rate_limit_remaining',
        type: 'gauge',
        description: "Requests left in the token's hourly budget (x-ratelimit-remaining of the last response).",
      },
    ],
  },
});
