/** Atlassian twins (Jira Cloud REST v3, Confluence Cloud REST v2): state, servers, seeds, ADF documents, webhooks. */
export * from './adf.js';
export * from './time.js';
export * from './jira-state.js';
export * from './jira-server.js';
export * from './jira-seed.js';
export * from './webhooks.js';
export * from './confluence-state.js';
export * from './confluence-server.js';
export * from './confluence-seed.js';
