import { z } from 'zod';

const SpaceKey = z.string().regex(/^[A-Za-z0-9~_-]+$/, 'a space key such as ENG');

/** Config of a Confluence Cloud source. */
export const ConfluenceConfigSchema = z.object({
  siteUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'The site, e.g. https://your-domain.atlassian.net. Required with an API token; with OAuth it picks the site among those the grant reaches.',
    ),
  apiUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.atlassian.com')
    .describe('Atlassian API gateway for OAuth (accessible resources and /ex/confluence/{cloudId}).'),
  spaces: z
    .object({
      include: z.array(SpaceKey).default([]).describe('Only these spaces (empty: every space the user sees).'),
      exclude: z.array(SpaceKey).default([]).describe('Never these spaces.'),
    })
    .default({ include: [], exclude: [] })
    .describe('Spaces to read.'),
  bodyFormat: z
    .enum(['atlas_doc_format', 'storage'])
    .default('atlas_doc_format')
    .describe('Body representation to read: ADF, or the storage format (XHTML with macros).'),
  blogPosts: z.boolean().default(true).describe('Read blog posts.'),
  comments: z.boolean().default(true).describe('Read footer and inline comments, each as its own item.'),
  versions: z
    .number()
    .int()
    .min(1)
    .max(25)
    .default(3)
    .describe(
      'Versions of a page kept as memory versions when it is first read or several edits were missed (1: the current one only).',
    ),
  overlapMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .default(5)
    .describe('An incremental listing goes this far below the newest modification already read.'),
  reconcileHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(24)
    .describe('How often a sync lists everything to find trashed and deleted content (0: every sync).'),
  pageSize: z.number().int().min(1).max(250).default(100).describe('Results per listing request.'),
});

export type ConfluenceConfig = z.output<typeof ConfluenceConfigSchema>;
