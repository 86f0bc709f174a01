import { defineManifest } from '@tributary/sdk';
import { ClaudeCodeCheckpointSchema } from './checkpoint.js';
import { ClaudeCodeConfigSchema } from './config.js';

/** The `claude-code` connector without its code: the registry lists it and validates sources from this alone. */
export const claudeCodeManifest = defineManifest({
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
});
