import type { ScaffoldNames } from './templates-src.js';

/** The tiny local twin of the notes API the scaffold's tests run against (also usable by hand: `node test/twin.js`). */
export function twinJs(): string {
  return `// @ts-check
import { createServer } from 'node:http';

/**
 * A local twin of the notes API: bearer-token auth (401 otherwise), notes listed by change number with paging
 * (\`after\`, \`limit\`, \`next_after\`), edits and deletions as new changes. Listens on 127.0.0.1, port 0.
 * @param {{ token?: string }} [options]
 */
export async function startTwin(options = {}) {
  const token = options.token ?? 'twin-token';
  let seq = 0;
  /** @type {Map<string, import('../src/client.js').Note>} */
  const notes = new Map();
  const stamp = () => new Date(Date.UTC(2025, 0, 1) + seq * 60_000).toISOString();
  const put = (/** @type {string} */ id, /** @type {string} */ title, /** @type {string} */ body, deleted = false) => {
    seq++;
    notes.set(id, { id, seq, title, body, author: 'ada', updatedAt: stamp(), deleted });
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://twin');
    const send = (/** @type {number} */ status, /** @type {unknown} */ body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== \`Bearer \${token}\`) return send(401, { error: 'invalid token' });
    if (url.pathname === '/api/me') return send(200, { name: 'ada' });
    if (url.pathname !== '/api/notes') return send(404, { error: 'not found' });
    const after = Number(url.searchParams.get('after') ?? 0);
    const limit = Math.min(500, Number(url.searchParams.get('limit') ?? 100));
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(limit) || limit < 1)
      return send(400, { error: 'after and limit must be whole numbers' });
    // A first listing has no use for tombstones of notes it never saw.
    const changed = [...notes.values()]
      .filter((n) => n.seq > after && !(after === 0 && n.deleted))
      .sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, limit);
    send(200, { notes: page, next_after: changed.length > limit ? page[page.length - 1].seq : null });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: \`http://127.0.0.1:\${address.port}\`,
    token,
    /** Replaces the upstream with notes note-0 … note-(count-1). @param {number} count */
    reset(count) {
      notes.clear();
      seq = 0;
      for (let i = 0; i < count; i++) put(\`note-\${i}\`, \`Note \${i}\`, \`Body of note \${i}: the quick brown fox.\`);
    },
    /** @param {string} id @param {string} body */
    upsert(id, body) {
      put(id, notes.get(id)?.title ?? id, body);
    },
    /** @param {string} id */
    remove(id) {
      const note = notes.get(id);
      if (note) put(id, note.title, note.body, true);
    },
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// \`node test/twin.js\`: a twin with 5 notes, for trying the connector by hand.
if (import.meta.url === \`file://\${process.argv[1]}\`) {
  const twin = await startTwin();
  twin.reset(5);
  console.log(\`notes twin on \${twin.url} (token \${twin.token})\`);
}
`;
}

export function connectorTestJs(n: ScaffoldNames): string {
  return `// @ts-check
import { afterAll, describe, expect, it } from 'vitest';
import { testConnector } from '@tributary/sdk/testing';
import connector from '../src/index.js';
import { toItem } from '../src/map.js';
import { startTwin } from './twin.js';

const twin = await startTwin();
afterAll(() => twin.close());

// The conformance kit of @tributary/sdk: manifest, check, item validity, determinism, incremental reads, resume after
// a crash after any page, bounded checkpoints, deletions, prompt abort. Every requirement runs (no waivers).
testConnector(connector, {
  get config() {
    return { baseUrl: twin.url, pageSize: 4 };
  },
  credentials: { kind: 'token', token: twin.token },
  badSetups: [{ name: 'wrong token', credentials: { kind: 'token', token: 'wrong' } }],
  setup() {
    twin.reset(10);
  },
  mutate() {
    twin.upsert('note-10', 'A new note.');
    twin.upsert('note-2', 'Note 2, edited.');
    twin.remove('note-3');
    return { added: ['note-10'], changed: ['note-2'], deleted: ['note-3'] };
  },
  grow() {
    for (let i = 0; i < 20; i++) twin.upsert(\`grown-\${i}\`, \`Grown note \${i}.\`);
    return 20;
  },
});

describe('${n.name} map', () => {
  it('maps a note to an item with a link', () => {
    const note = { id: 'n 1', seq: 3, title: 'T', body: 'B', author: 'ada', updatedAt: '2025-01-01T00:00:00.000Z', deleted: false };
    expect(toItem(note, 'https://notes.example.com/')).toEqual({
      externalId: 'n 1',
      stream: 'notes',
      content: 'B',
      contentType: 'markdown',
      title: 'T',
      author: 'ada',
      occurredAt: '2025-01-01T00:00:00.000Z',
      url: 'https://notes.example.com/notes/n%201',
    });
  });
});
`;
}

export function readmeMd(n: ScaffoldNames): string {
  return `# ${n.packageName}

${n.title}: a Tributary connector plugin (connector name \`${n.name}\`).

It reads notes from a notes API (\`GET /api/notes?after=<change>&limit=<n>\`, bearer token) incrementally: the
checkpoint is the number of the last change read, so each sync reads only what changed, and deletions upstream
become deletions in Tributary.

## Try it

\`\`\`sh
npm install            # vitest, and @tributary/sdk for the tests (devDependencies: from ${n.sdkDevSpec})
npm test               # the conformance kit against the local twin (test/twin.js)
tributary connectors install .          # or: npm pack && tributary connectors install ./${n.packageName}-0.1.0.tgz
node test/twin.js &                      # a twin with 5 notes; prints its URL and token
TOKEN=twin-token tributary sources add ${n.name} --name my-notes --set baseUrl=<twin URL> --credential-env TOKEN
tributary sync my-notes && tributary search fox
\`\`\`

## Files

| file | what |
| --- | --- |
| \`package.json\` | the plugin manifest: \`tributary.connector\` (the name), \`tributary.sdk\` (the SDK range), \`engines.node\`; \`@tributary/sdk\` is a peer dependency (the host provides it) |
| \`src/config.js\` | the config and checkpoint schemas (zod from \`@tributary/sdk\`) |
| \`src/client.js\` | the API client over the SDK HTTP helper (\`ctx.http\`) |
| \`src/map.js\` | pure note → item mapping |
| \`src/read.js\` | \`read()\`: one page per request, each with its checkpoint |
| \`src/index.js\` | \`defineConnector\`: manifest, \`check\`, \`read\` |
| \`test/twin.js\` | a local twin of the API |
| \`test/connector.test.js\` | the conformance kit and a unit test of the mapping |

Change the client, map and schemas to your API; keep the conformance test passing. See Tributary's
docs/writing-connectors.md and docs/plugins.md.
`;
}

export const gitignore = 'node_modules\n*.tgz\n';
