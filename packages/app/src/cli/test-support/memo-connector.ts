import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConnector, z } from '@tributary/sdk';

/**
 * A tiny local connector for CLI tests: every `*.txt` in `root` is an item; it has a secret config field (to test
 * masking) and a feature. `beforePage` lets a test act between pages (e.g. press Ctrl-C).
 */
export function createMemoConnector(
  hooks: {
    name?: string;
    auth?: { type: 'none' } | { type: 'password' } | { type: 'token' };
    beforePage?: (page: number) => Promise<void> | void;
    onCredential?: (credential: unknown) => void;
  } = {},
) {
  return defineConnector({
    manifest: {
      name: hooks.name ?? 'memo',
      version: '1.0.0',
      sdk: '^1.0.0',
      title: 'Memo',
      description: 'Text files in a folder (test connector).',
      auth: hooks.auth ?? { type: 'none' },
      config: z.object({
        root: z.string().min(1).describe('Folder of .txt files.'),
        apiKey: z.string().meta({ secret: true }).optional().describe('Not used; a secret to mask.'),
        pageSize: z.number().int().positive().default(2),
      }),
      checkpoint: z.object({ after: z.string() }),
      features: { shout: { default: false, description: 'Upper-case titles.' } },
      streams: ['notes'],
      kind: 'local',
    },
    async check(ctx) {
      try {
        return statSync(ctx.config.root).isDirectory()
          ? { ok: true, message: 'ok' }
          : { ok: false, message: `${ctx.config.root} is not a folder` };
      } catch {
        return { ok: false, message: `root "${ctx.config.root}" does not exist` };
      }
    },
    async *read(ctx) {
      hooks.onCredential?.(await ctx.credentials.get());
      const files = readdirSync(ctx.config.root)
        .filter((f) => f.endsWith('.txt'))
        .sort()
        .filter((f) => !ctx.checkpoint || f > ctx.checkpoint.after);
      for (let i = 0, page = 1; i < files.length; i += ctx.config.pageSize, page++) {
        await hooks.beforePage?.(page);
        if (ctx.signal.aborted) return;
        const chunk = files.slice(i, i + ctx.config.pageSize);
        const items = chunk.map((f) => {
          const title = path.basename(f, '.txt');
          return {
            externalId: f,
            stream: 'notes',
            content: readFileSync(path.join(ctx.config.root, f), 'utf8'),
            title: ctx.features.shout ? title.toUpperCase() : title,
            occurredAt: '2024-05-01T10:00:00Z',
          };
        });
        yield { items, checkpoint: { after: chunk[chunk.length - 1]! } };
      }
    },
  });
}
