import { defineManifest } from '@tributary/sdk';
import { GitlabCheckpointSchema } from './checkpoint.js';
import { GitlabConfigSchema } from './config.js';

/** The `gitlab` connector without its code: the registry lists it and validates sources from this alone. */
export const gitlabManifest = defineManifest({
  name: 'gitlab',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'GitLab',
  description:
    'Issues, merge requests (with a diff summary), notes and discussions, commits of the default branch and wiki pages from GitLab.com or a self-managed GitLab.',
  auth: { type: 'oauth2', provider: 'gitlab', scopes: ['read_api'], allowToken: true },
  config: GitlabConfigSchema,
  checkpoint: GitlabCheckpointSchema,
  features: {
    issues: { default: true, description: 'Read issues.' },
    mergeRequests: { default: true, description: 'Read merge requests with a summary of their diffs.' },
    comments: { default: true, description: 'Read the notes of issues and merge requests (discussions as threads).' },
    commits: { default: true, description: 'Read commits of the default branch.' },
    wiki: { default: true, description: 'Read wiki pages.' },
  },
  // The GitHub connector's names where they mean the same (merge requests are its pull requests).
  streams: ['repositories', 'issues', 'pull-requests', 'comments', 'commits', 'wiki-pages'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  // GitLab.com: 2,000 authenticated API requests per minute per user; self-managed instances set their own.
  rateLimit: { requests: 2000, perSeconds: 60, burst: 100, description: 'GitLab.com: 2,000 API requests per minute' },
  kind: 'cloud',
  author: 'Tributary',
  envVars: [
    { name: 'GITLAB_CLIENT_ID', description: 'OAuth application id (for `tributary connect`)', required: false },
    {
      name: 'GITLAB_CLIENT_SECRET',
      description: 'OAuth application secret (for `tributary connect`)',
      required: false,
    },
  ],
  monitoring: {
    metrics: [
      {
        name: 'api_rate_limit_remaining',
        type: 'gauge',
        description: 'Requests left in the current window (RateLimit-Remaining of the last response).',
      },
    ],
  },
});
