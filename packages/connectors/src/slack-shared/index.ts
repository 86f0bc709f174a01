/**
 * Slack message mapping shared by the Slack connectors (export and Web API): the same message maps to the same
 * item whichever way it arrived.
 */
export * from './types.js';
export * from './mrkdwn.js';
export * from './map.js';
