import { z } from 'zod';

/** Well-known feed addresses, so a user names a publication instead of hunting for its feed URL. */
export const FEED_PRESETS = {
  substack: 'https://<name>.substack.com/feed',
  medium: 'https://medium.com/feed/@<name>',
  youtube: 'https://www.youtube.com/feeds/videos.xml?channel_id=<channelId>',
} as const;

export const RssConfigSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('The feed address (RSS 0.9x/1.0/2.0, Atom or JSON Feed), http or https.'),
    path: z.string().min(1).optional().describe('A feed file on this machine, instead of a url.').meta({ path: true }),
    preset: z
      .enum(['substack', 'medium', 'youtube'])
      .optional()
      .describe('Build the url from a preset: substack and medium need `name`, youtube needs `channelId`.'),
    name: z
      .string()
      .min(1)
      .optional()
      .describe('For presets: the Substack publication (acme for acme.substack.com) or the Medium user (@ optional).'),
    channelId: z
      .string()
      .regex(/^UC[\w-]{22}$/, 'a YouTube channel id looks like UCxxxxxxxxxxxxxxxxxxxxxx')
      .optional()
      .describe('For the youtube preset: the channel id (UC…, from the channel page).'),
  })
  .superRefine((c, ctx) => {
    const sources = [c.url, c.path, c.preset].filter((v) => v !== undefined).length;
    if (sources !== 1)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'set exactly one of url, path or preset' });
    if ((c.preset === 'substack' || c.preset === 'medium') && !c.name)
      ctx.addIssue({ code: 'custom', path: ['name'], message: `the ${c.preset} preset needs a name` });
    if (c.preset === 'youtube' && !c.channelId)
      ctx.addIssue({ code: 'custom', path: ['channelId'], message: 'the youtube preset needs a channelId' });
  });

export type RssConfig = z.output<typeof RssConfigSchema>;

/** The feed url a config points at (presets expanded), or undefined for a local `path`. */
export function feedUrl(config: RssConfig): string | undefined {
  if (config.url) return config.url;
  if (config.preset === 'substack') return `https://${encodeURIComponent(config.name!)}.substack.com/feed`;
  if (config.preset === 'medium')
    return `https://medium.com/feed/@${encodeURIComponent(config.name!.replace(/^@/, ''))}`;
  if (config.preset === 'youtube')
    return `https://www.youtube.com/feeds/videos.xml?channel_id=${encodeURIComponent(config.channelId!)}`;
  return undefined;
}

/** Entries remembered (connector state) beyond those in the current feed. */
export const SEEN_LIMIT = 2000;

/**
 * Feeds are not incremental upstream: every fetch returns the current entries. Connector state remembers a short
 * digest of each entry yielded (`e:<id>`, at most {@link SEEN_LIMIT} beyond the current feed); the checkpoint keeps
 * only the HTTP validators for conditional GET. (A v1 checkpoint with a `seen` map does not parse: the engine runs a
 * clean re-sync, which finds every entry unchanged.)
 */
export const RssCheckpointSchema = z
  .object({
    v: z.literal(2),
    etag: z.string().optional(),
    lastModified: z.string().optional(),
  })
  .strict();

export type RssCheckpoint = z.output<typeof RssCheckpointSchema>;
