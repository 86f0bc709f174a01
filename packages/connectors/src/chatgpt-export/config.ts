import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const expandHome = (p: string): string =>
  p === '~' ? homedir() : p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;

/** Config of a `chatgpt-export` source. */
export const ChatgptExportConfigSchema = z.object({
  exportPath: z
    .string()
    .min(1)
    .transform(expandHome)
    .refine((p) => path.isAbsolute(p), 'must be an absolute path (or start with ~/)')
    .describe(
      'The unzipped ChatGPT data export folder, or its conversations.json. Replace it with a newer export to sync changes.',
    )
    .meta({ path: true }),
  maxConversationBytes: z
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .default(64 * 1024 * 1024)
    .describe(
      'A single conversation larger than this (as JSON) is skipped with an error; the file itself is streamed, any size.',
    ),
  includeToolMessages: z
    .boolean()
    .default(false)
    .describe('Also render tool outputs (browsing, code execution) as short "Tool:" lines.'),
  pageSize: z.number().int().min(1).max(5000).default(100).describe('Conversations per page.'),
});
export type ChatgptExportConfig = z.output<typeof ChatgptExportConfigSchema>;
