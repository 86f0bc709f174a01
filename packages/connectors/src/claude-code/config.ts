import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Where Claude Code keeps transcripts (home from os.homedir(); connectors never read process.env). */
export const DEFAULT_PROJECTS_DIR = path.join(homedir(), '.claude', 'projects');

const expandHome = (p: string): string =>
  p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;

/** Config of a `claude-code` source. */
export const ClaudeCodeConfigSchema = z.object({
  projectsDir: z
    .string()
    .min(1)
    .default(DEFAULT_PROJECTS_DIR)
    .transform(expandHome)
    .refine((p) => path.isAbsolute(p), 'must be an absolute path (or start with ~/)')
    .describe('Claude Code projects folder: <projectsDir>/<project>/<session>.jsonl.')
    .meta({ path: true }),
  granularity: z
    .enum(['turn', 'session'])
    .default('turn')
    .describe('turn: one memory per user prompt and the answer to it; session: one memory per session file.'),
  includeSidechains: z
    .boolean()
    .default(false)
    .describe('Also read sub-agent transcripts (agent-*.jsonl, isSidechain lines).'),
  maxToolResultChars: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(300)
    .describe('Tool results are cut to this many characters (0: omitted).'),
  maxContentChars: z
    .number()
    .int()
    .min(1000)
    .max(1_000_000)
    .default(100_000)
    .describe('A memory is cut to this many characters.'),
  pageSize: z.number().int().min(1).max(5000).default(200).describe('Items per page.'),
});
export type ClaudeCodeConfig = z.output<typeof ClaudeCodeConfigSchema>;
