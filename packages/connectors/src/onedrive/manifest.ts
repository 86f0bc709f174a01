import { defineManifest } from '@tributary/sdk';
import { OneDriveCheckpointSchema } from './checkpoint.js';
import { OneDriveConfigSchema } from './config.js';

/** Least privilege: read files (including SharePoint libraries shared with you) and keep a refresh token. */
export const ONEDRIVE_SCOPES = ['Files.Read.All', 'offline_access'];

/** The `onedrive` connector without its code: the registry lists it and validates sources from this alone. */
export const onedriveManifest = defineManifest({
  name: 'onedrive',
  version: '1.0.0',
  sdk: '^1.0.0',
  title: 'OneDrive / SharePoint',
  description:
    'Files (PDF, DOCX, XLSX, PPTX, text, code, HTML) from OneDrive and SharePoint document libraries, with change notifications.',
  auth: { type: 'oauth2', provider: 'microsoft', scopes: ONEDRIVE_SCOPES, allowToken: true },
  config: OneDriveConfigSchema,
  checkpoint: OneDriveCheckpointSchema,
  features: {},
  streams: ['files'],
  capabilities: { incremental: true, deletions: true, webhooks: true, fullRefresh: true },
  rateLimit: {
    requests: 20,
    perSeconds: 1,
    burst: 50,
    description:
      'Microsoft Graph throttles per app and user (OneDrive: resource units per minute); 429/503 Retry-After honoured',
  },
  kind: 'cloud',
});
