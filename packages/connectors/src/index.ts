import type { AnyConnector } from '@tributary/sdk';
import { browserHistoryConnector } from './browser-history/index.js';
import { emlConnector } from './eml/index.js';
import { maildirConnector } from './maildir/index.js';
import { mboxConnector } from './mbox/index.js';
import { notionConnector } from './notion/index.js';
import { chatgptExportConnector } from './chatgpt-export/index.js';
import { claudeCodeConnector } from './claude-code/index.js';
import { filesConnector } from './files/index.js';
import { gitConnector } from './git/index.js';
import { gmailConnector } from './gmail/index.js';
import { githubConnector } from './github/index.js';
import { icsConnector } from './ics/index.js';
import { imapConnector } from './imap/index.js';
import { claudeStreamConnector } from './sqlite/claude-stream.js';
import { logsConnector } from './logs/index.js';
import { obsidianConnector } from './obsidian/index.js';
import { rssConnector } from './rss/index.js';
import { slackExportConnector } from './slack-export/index.js';
import { slackConnector } from './slack/index.js';
import { sqliteConnector } from './sqlite/index.js';
import { synthetic } from './synthetic/index.js';
import { push } from './push/index.js';
import { xArchiveConnector } from './x-archive/index.js';

/**
 * Built-in connectors. Each lives in its own folder (index.ts, config.ts, client.ts, map.ts, tests) and depends
 * only on @tributary/sdk. Add one line per connector below, sorted by name.
 */
export const builtinConnectors: AnyConnector[] = [
  browserHistoryConnector,
  chatgptExportConnector,
  claudeCodeConnector,
  claudeStreamConnector,
  emlConnector,
  filesConnector,
  gitConnector,
  githubConnector,
  gmailConnector,
  icsConnector,
  imapConnector,
  logsConnector,
  maildirConnector,
  mboxConnector,
  notionConnector,
  obsidianConnector,
  rssConnector,
  slackConnector,
  slackExportConnector,
  sqliteConnector,
  synthetic,
  push,
  xArchiveConnector,
];
export { synthetic } from './synthetic/index.js';
