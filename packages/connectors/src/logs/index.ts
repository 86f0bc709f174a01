import { defineConnector, TributaryError } from '@tributary/sdk';
import { globBaseExists, listLogFiles } from './client.js';
import { readLogs } from './read.js';
import { logsManifest } from './manifest.js';

/**
 * HTTP access logs (nginx, Apache, Caddy, AWS ELB, IIS, Jira/Confluence) from files or globs: one item per request,
 * or with `aggregate` one item per method + path template + time window. Follows rotation (rename, copytruncate,
 * gzip) by recognising file content, so lines are neither lost nor read twice.
 */
export const logsConnector = defineConnector({
  manifest: logsManifest,
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
