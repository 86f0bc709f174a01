import { defineConnector } from '@tributary/sdk';
import { stat } from 'node:fs/promises';
import { ClaudeCodeCheckpointSchema } from './checkpoint.js';
import { listSessions } from './client.js';
import { ClaudeCodeConfigSchema } from './config.js';
import { readClaudeCode } from './read.js';

/**
 * Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`): one memory per turn (the user's
 * prompt, the answer, tool calls as one line each) or per session; incremental by file and byte offset.
 */
export const claudeCodeConnector = defineConnector({
  manifest: {
    name: 'claude-code',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Claude Code sessions',
    description:
      'Claude Code session transcripts from ~/.claude/projects: prompts, answers and tool calls, per turn or per session.',
    auth: { type: 'none' },
    kind: 'local',
    config: ClaudeCodeConfigSchema,
    checkpoint: ClaudeCodeCheckpointSchema,
    streams: ['turns', 'sessions'],
    capabilities: { incremental: true, deletions: false, webhooks: false, fullRefresh: true, local: true },
  },
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
