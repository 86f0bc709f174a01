import { defineConnector } from '@tributary/sdk';
import { stat } from 'node:fs/promises';
import { listSessions } from './client.js';
import { readClaudeCode } from './read.js';
import { claudeCodeManifest } from './manifest.js';

/**
 * Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`): one memory per turn (the user's
 * prompt, the answer, tool calls as one line each) or per session; incremental by file and byte offset.
 */
export const claudeCodeConnector = defineConnector({
  manifest: claudeCodeManifest,
  async check(ctx) {
    const st = await stat(ctx.config.projectsDir).catch(() => undefined);
    if (!st?.isDirectory())
      return {
        ok: false,
        message: `projectsDir "${ctx.config.projectsDir}" is not a folder: has Claude Code run on this machine? Set projectsDir.`,
      };
    const sessions = await listSessions(ctx.config.projectsDir, ctx.config.includeSidechains);
    return { ok: true, message: `${sessions.length} session file(s) found.` };
  },
  async discover(ctx) {
    const sessions = await listSessions(ctx.config.projectsDir, ctx.config.includeSidechains);
    const projects = [...new Set(sessions.map((s) => s.project))];
    return projects.map((p) => ({
      id: p,
      name: p,
      kind: 'project',
      metadata: { sessions: sessions.filter((s) => s.project === p).length },
    }));
  },
  read: (ctx) => readClaudeCode(ctx),
});

export default claudeCodeConnector;
