import { lazyConnector, type AnyConnector } from '@tributary/sdk';
import { browserHistoryManifest } from './browser-history/manifest.js';
import { emlManifest } from './eml/manifest.js';
import { fathomManifest } from './fathom/manifest.js';
import { maildirManifest } from './maildir/manifest.js';
import { mboxManifest } from './mbox/manifest.js';
import { notionManifest } from './notion/manifest.js';
import { chatgptExportManifest } from './chatgpt-export/manifest.js';
import { claudeCodeManifest } from './claude-code/manifest.js';
import { confluenceManifest } from './confluence/manifest.js';
import { discordManifest } from './discord/manifest.js';
import { filesManifest } from './files/manifest.js';
import { gitManifest } from './git/manifest.js';
import { gmailManifest } from './gmail/manifest.js';
import { googleCalendarManifest } from './google-calendar/manifest.js';
import { googleDriveManifest } from './google-drive/manifest.js';
import { githubManifest } from './github/manifest.js';
import { gitlabManifest } from './gitlab/manifest.js';
import { icsManifest } from './ics/manifest.js';
import { imapManifest } from './imap/manifest.js';
import { jiraManifest } from './jira/manifest.js';
import { linkedinExportManifest } from './linkedin-export/manifest.js';
import { linkedinManifest } from './linkedin/manifest.js';
import { claudeStreamManifest } from './sqlite/claude-stream-manifest.js';
import { logsManifest } from './logs/manifest.js';
import { obsidianManifest } from './obsidian/manifest.js';
import { onedriveManifest } from './onedrive/manifest.js';
import { rssManifest } from './rss/manifest.js';
import { slackExportManifest } from './slack-export/manifest.js';
import { slackManifest } from './slack/manifest.js';
import { sqliteManifest } from './sqlite/manifest.js';
import { synthetic } from './synthetic/index.js';
import { push } from './push/index.js';
import { xArchiveManifest } from './x-archive/manifest.js';
import { xManifest } from './x/manifest.js';
import { youtubeManifest } from './youtube/manifest.js';

/**
 * Built-in connectors. Each lives in its own folder (index.ts, config.ts, client.ts, map.ts, tests) and depends
 * only on @tributary/sdk. Add one line per connector below, sorted by name.
 *
 * Lazy entries (`lazyConnector(manifest, load, optionalMethods)`): only the manifest (`<name>/manifest.ts`: config
 * and checkpoint schemas, no parser or client) loads with this list; the connector's code is imported the first
 * time a source of its type is checked, read, discovered, watched or sent a webhook. Listing connectors, validating
 * configs and starting the CLI then cost the manifests, not every library. registry.test.ts checks each lazy entry
 * against the loaded connector (same manifest, same optional methods).
 */
export const builtinConnectors: AnyConnector[] = [
  lazyConnector(
    browserHistoryManifest,
    async () => (await import('./browser-history/index.js')).browserHistoryConnector,
  ),
  lazyConnector(chatgptExportManifest, async () => (await import('./chatgpt-export/index.js')).chatgptExportConnector),
  lazyConnector(claudeCodeManifest, async () => (await import('./claude-code/index.js')).claudeCodeConnector, [
    'discover',
  ]),
  lazyConnector(claudeStreamManifest, async () => (await import('./sqlite/claude-stream.js')).claudeStreamConnector, [
    'watch',
  ]),
  lazyConnector(confluenceManifest, async () => (await import('./confluence/index.js')).confluenceConnector, [
    'discover',
  ]),
  lazyConnector(discordManifest, async () => (await import('./discord/index.js')).discordConnector, [
    'discover',
    'watch',
  ]),
  lazyConnector(emlManifest, async () => (await import('./eml/index.js')).emlConnector),
  lazyConnector(fathomManifest, async () => (await import('./fathom/index.js')).fathomConnector, ['webhook']),
  lazyConnector(filesManifest, async () => (await import('./files/index.js')).filesConnector, ['discover']),
  lazyConnector(gitManifest, async () => (await import('./git/index.js')).gitConnector, ['discover']),
  lazyConnector(githubManifest, async () => (await import('./github/index.js')).githubConnector, [
    'discover',
    'webhook',
  ]),
  lazyConnector(gitlabManifest, async () => (await import('./gitlab/index.js')).gitlabConnector, [
    'discover',
    'webhook',
  ]),
  lazyConnector(gmailManifest, async () => (await import('./gmail/index.js')).gmailConnector, [
    'discover',
    'webhook',
    'pushRenewAt',
  ]),
  lazyConnector(
    googleCalendarManifest,
    async () => (await import('./google-calendar/index.js')).googleCalendarConnector,
    ['discover', 'webhook', 'pushRenewAt', 'onRemove'],
  ),
  lazyConnector(googleDriveManifest, async () => (await import('./google-drive/index.js')).googleDriveConnector, [
    'discover',
    'webhook',
    'pushRenewAt',
    'onRemove',
  ]),
  lazyConnector(icsManifest, async () => (await import('./ics/index.js')).icsConnector),
  lazyConnector(imapManifest, async () => (await import('./imap/index.js')).imapConnector, ['discover', 'watch']),
  lazyConnector(jiraManifest, async () => (await import('./jira/index.js')).jiraConnector, ['discover', 'webhook']),
  lazyConnector(linkedinManifest, async () => (await import('./linkedin/index.js')).linkedinConnector),
  lazyConnector(
    linkedinExportManifest,
    async () => (await import('./linkedin-export/index.js')).linkedinExportConnector,
  ),
  lazyConnector(logsManifest, async () => (await import('./logs/index.js')).logsConnector, ['discover']),
  lazyConnector(maildirManifest, async () => (await import('./maildir/index.js')).maildirConnector, ['discover']),
  lazyConnector(mboxManifest, async () => (await import('./mbox/index.js')).mboxConnector),
  lazyConnector(notionManifest, async () => (await import('./notion/index.js')).notionConnector, ['discover']),
  lazyConnector(obsidianManifest, async () => (await import('./obsidian/index.js')).obsidianConnector, ['discover']),
  lazyConnector(onedriveManifest, async () => (await import('./onedrive/index.js')).onedriveConnector, [
    'discover',
    'webhook',
    'pushRenewAt',
    'onRemove',
  ]),
  lazyConnector(rssManifest, async () => (await import('./rss/index.js')).rssConnector),
  lazyConnector(slackManifest, async () => (await import('./slack/index.js')).slackConnector, ['discover', 'webhook']),
  lazyConnector(slackExportManifest, async () => (await import('./slack-export/index.js')).slackExportConnector, [
    'discover',
  ]),
  lazyConnector(sqliteManifest, async () => (await import('./sqlite/index.js')).sqliteConnector),
  synthetic,
  push,
  lazyConnector(xManifest, async () => (await import('./x/index.js')).xConnector),
  lazyConnector(xArchiveManifest, async () => (await import('./x-archive/index.js')).xArchiveConnector),
  lazyConnector(youtubeManifest, async () => (await import('./youtube/index.js')).youtubeConnector),
];
export { synthetic } from './synthetic/index.js';
