/** The Microsoft Graph twin (OneDrive / SharePoint drives: delta, content, subscriptions). Test code only. */
export * from './errors.js';
export * from './seed.js';
export * from './server.js';
export * from './spec.js';
export * from './state.js';
