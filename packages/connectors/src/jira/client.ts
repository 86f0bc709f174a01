import type { ConnectorContext, Credential } from '@tributary/sdk';
import { AtlassianClient } from '../lib/atlassian/client.js';
import type { JiraConfig } from './config.js';

export type { AtlassianSite as JiraSite } from '../lib/atlassian/client.js';

/** The Atlassian client for Jira (API token on the site, or OAuth through `/ex/jira/{cloudId}`). */
export class JiraClient extends AtlassianClient {
  constructor(ctx: ConnectorContext<JiraConfig>, credential: Credential | undefined) {
    super(ctx, credential, 'jira');
  }
}
