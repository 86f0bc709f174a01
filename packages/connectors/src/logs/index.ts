import { defineConnector, TributaryError } from '@tributary/sdk';
import { LogsCheckpointSchema } from './checkpoint.js';
import { globBaseExists, listLogFiles } from './client.js';
import { LogsConfigSchema } from './config.js';
import { readLogs } from './read.js';

/**
 * HTTP access logs (nginx, Apache, Caddy, AWS ELB, IIS, Jira/Confluence) from files or globs: one item per request,
 * or with `aggregate` one item per method + path template + time window. Follows rotation (rename, copytruncate,
 * gzip) by recognising file content, so lines are neither lost nor read twice.
 */
export const logsConnector = defineConnector({
  manifest: {
    name: 'logs',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'HTTP access logs',
    description:
      'Access logs (combined/common, Caddy JSON, AWS ELB, IIS W3C, Jira/Confluence) from files or globs, rotation-safe.',
    auth: { type: 'none' },
    kind: 'local',
    config: LogsConfigSchema,
    checkpoint: LogsCheckpointSchema,
    features: {
      aggregate: {
        default: false,
        description:
          'Group requests by method, path template and time window (one item per group) instead of one item per request.',
      },
    },
    streams: ['requests', 'windows'],
    capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  },
  async check(ctx) {
    for (const pattern of ctx.config.paths) {
      if (!(await globBaseExists(pattern)))
        return { ok: false, message: `Path "${pattern}" does not exist: check the directory or file name.` };
    }
    const files = await listLogFiles(ctx.config.paths);
    return { ok: true, message: `${files.length} log file(s) matched.` };
  },
  async discover(ctx) {
    const files = await listLogFiles(ctx.config.paths);
    return files.map((f) => ({ id: f.path, name: f.path, kind: 'file', metadata: { size: f.size, gz: f.gz } }));
  },
  read(ctx) {
    if (ctx.config.paths.length === 0)
      throw new TributaryError('invalid_config', 'config.paths: list at least one file or glob');
    return readLogs(ctx);
  },
});

export default logsConnector;
