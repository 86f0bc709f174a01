import { defineManifest } from '@tributary/sdk';
import { GoogleDriveCheckpointSchema } from './checkpoint.js';
import { GoogleDriveConfigSchema } from './config.js';

/** Least privilege: read files and their content. */
export const DRIVE_SCOPES = ['https://www.googleapis.com/auth/drive.readonly'];

/** The `google-drive` connector without its code: the registry lists it and validates sources from this alone. */
export const googleDriveManifest = defineManifest({
  name: 'google-drive',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'Google Drive',
  description: 'Docs, Sheets, Slides and files (PDF, DOCX, text …) from Google Drive and shared drives, with push.',
  auth: { type: 'oauth2', provider: 'google', scopes: DRIVE_SCOPES, allowToken: true },
  config: GoogleDriveConfigSchema,
  checkpoint: GoogleDriveCheckpointSchema,
  features: {},
  streams: ['files'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  rateLimit: {
    requests: 200,
    perSeconds: 1,
    burst: 200,
    description: 'Drive API: 12,000 queries per minute per user',
  },
  kind: 'cloud',
});
