/**
 * The source files `tributary connector new` writes. Plain ESM JavaScript checked by TypeScript (`// @ts-check`,
 * JSDoc types from `@tributary/sdk`): a plugin installs from its folder or tarball with no build step. Authors who
 * prefer TypeScript add a `prepack` build and point `tributary.entry` at the output (docs/writing-connectors.md).
 */
export interface ScaffoldNames {
  /** The connector name, kebab-case: `acme-notes`. */
  name: string;
  /** The npm package: `tributary-connector-acme-notes`. */
  packageName: string;
  /** For people: `Acme Notes`. */
  title: string;
  /** The SDK range the plugin declares: `^1.0.0`. */
  sdkRange: string;
  /**
   * Where the plugin's tests get the SDK from (a devDependency): the host's own SDK folder (`file:…`) by default,
   * so `npm install && npm test` works before `@tributary/sdk` is on the registry; a range once it is.
   */
  sdkDevSpec: string;
}

export function packageJson(n: ScaffoldNames): string {
  const pkg = {
    name: n.packageName,
    version: '0.1.0',
    description: `${n.title}: a Tributary connector.`,
    type: 'module',
    license: 'Apache-2.0',
    keywords: ['tributary-connector'],
    main: './src/index.js',
    exports: { '.': './src/index.js' },
    files: ['src', 'README.md'],
    engines: { node: '>=20.19' },
    scripts: { test: 'vitest run' },
    tributary: { connector: n.name, sdk: n.sdkRange },
    peerDependencies: { '@tributary/sdk': n.sdkRange },
    devDependencies: { '@tributary/sdk': n.sdkDevSpec, vitest: '^4.0.0' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function configJs(): string {
  return `// @ts-check
import { z } from '@tributary/sdk';

/**
 * The source's settings (validated by Tributary before every run; the JSON Schema made from it drives forms and
 * \`tributary connectors <name>\`). Use \`z\` from @tributary/sdk, not your own copy of zod.
 */
export const config = z
  .object({
    baseUrl: z.string().url().describe('Base URL of the notes API, e.g. https://notes.example.com'),
    pageSize: z.number().int().min(1).max(500).default(100).describe('Notes asked for per request'),
  })
  .strict();

/**
 * The cursor: the sequence number of the last change read. Flat and constant-size, whatever the source's size;
 * committed by Tributary with each page, so a crash resumes after the last committed page.
 */
export const checkpoint = z.object({ after: z.number().int().min(0) }).strict();
`;
}

export function clientJs(): string {
  return `// @ts-check
import { TributaryError } from '@tributary/sdk';

/**
 * @typedef {{ id: string, seq: number, title: string, body: string, author: string, updatedAt: string, deleted: boolean }} Note
 * @typedef {{ notes: Note[], next_after: number | null }} NotesPage
 * @typedef {{ baseUrl: string, pageSize: number }} Config
 */

/**
 * A thin client of the notes API over the SDK's HTTP helper (\`ctx.http\`: retries with backoff, Retry-After,
 * the source's rate limit, timeouts, abort). Non-2xx answers become TributaryErrors (401 → auth_invalid …).
 * @param {import('@tributary/sdk').ConnectorContext<Config>} ctx
 */
export function createClient(ctx) {
  const base = ctx.config.baseUrl.replace(/\\/+$/, '');
  const headers = async () => {
    const credential = await ctx.credentials.get();
    if (!credential || credential.kind !== 'token')
      throw new TributaryError('auth_invalid', 'No API token is stored for this source (sources add --credential-env).');
    return { authorization: \`Bearer \${credential.token}\`, accept: 'application/json' };
  };
  return {
    /** Who the token belongs to (a cheap call for \`check\`). @returns {Promise<{ name: string }>} */
    async me() {
      return ctx.http.json(\`\${base}/api/me\`, { headers: await headers() });
    },
    /**
     * Notes changed (or deleted) after change number \`after\`, oldest change first.
     * @param {number} after
     * @returns {Promise<NotesPage>}
     */
    async changesAfter(after) {
      const url = \`\${base}/api/notes?after=\${after}&limit=\${ctx.config.pageSize}\`;
      return ctx.http.json(url, { headers: await headers() });
    },
  };
}
`;
}

export function mapJs(): string {
  return `// @ts-check

/**
 * One note → one Tributary item. Pure: no I/O, no clock, so it is unit-tested on its own.
 * @param {import('./client.js').Note} note
 * @param {string} baseUrl
 * @returns {import('@tributary/sdk').Item}
 */
export function toItem(note, baseUrl) {
  return {
    externalId: note.id,
    stream: 'notes',
    content: note.body,
    contentType: 'markdown',
    title: note.title,
    author: note.author,
    occurredAt: note.updatedAt,
    url: \`\${baseUrl.replace(/\\/+$/, '')}/notes/\${encodeURIComponent(note.id)}\`,
  };
}
`;
}

export function readJs(): string {
  return `// @ts-check
import { createClient } from './client.js';
import { toItem } from './map.js';

/**
 * Reads the notes changed since the checkpoint, one page per API request. Each page's checkpoint covers everything
 * up to and including that page (Tributary commits items, deletions and checkpoint in one transaction), so a run
 * that stops anywhere resumes exactly; nothing is buffered beyond one page.
 * @param {import('@tributary/sdk').ReadContext<import('./client.js').Config, { after: number }>} ctx
 * @returns {AsyncIterable<import('@tributary/sdk').Page<{ after: number }>>}
 */
export async function* read(ctx) {
  const client = createClient(ctx);
  let after = ctx.checkpoint?.after ?? 0;
  for (;;) {
    if (ctx.signal.aborted) return;
    const page = await client.changesAfter(after);
    /** @type {import('@tributary/sdk').Item[]} */
    const items = [];
    /** @type {string[]} */
    const deletes = [];
    for (const note of page.notes) {
      if (note.deleted) deletes.push(note.id);
      else items.push(toItem(note, ctx.config.baseUrl));
      after = Math.max(after, note.seq);
    }
    yield { items, deletes, checkpoint: { after } };
    ctx.progress({ phase: 'reading', message: \`read up to change \${after}\` });
    if (page.next_after === null) return;
  }
}
`;
}

export function indexJs(n: ScaffoldNames): string {
  return `// @ts-check
import { defineConnector } from '@tributary/sdk';
import { createClient } from './client.js';
import { checkpoint, config } from './config.js';
import { read } from './read.js';

/** ${n.title}: notes from a notes API, incremental by change number, deletions included. */
const connector = defineConnector({
  manifest: {
    name: '${n.name}',
    version: '0.1.0',
    sdk: '${n.sdkRange}',
    title: '${n.title.replace(/'/g, "\\'")}',
    description: 'Notes from the ${n.title.replace(/'/g, "\\'")} API.',
    auth: { type: 'token', description: 'An API token of the notes service' },
    config,
    checkpoint,
    features: {},
    streams: ['notes'],
    capabilities: { incremental: true, deletions: true, webhooks: false, fullRefresh: true },
    kind: 'cloud',
  },
  async check(ctx) {
    try {
      const me = await createClient(ctx).me();
      return { ok: true, message: \`Connected as \${me.name}.\` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  },
  read,
});

export default connector;
`;
}
