import { open, readdir, readFile } from 'node:fs/promises';
import { createMemoryState, type Clock, type CredentialAccess, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GmailState,
  rateLimitExceeded,
  seedGmail,
  startGmailTwin,
  syntheticMail,
  userRateLimitExceeded,
  type GmailTwin,
} from '../../../../test/twins/google/index.js';
import { emlConnector } from '../eml/index.js';
import { parseMail } from '../mail/parse.js';
import { testdata } from '../mail/test-support/testdata.js';
import { mboxConnector } from '../mbox/index.js';
import { splitMbox } from '../mbox/split.js';
import { gmailConnector } from './index.js';

const TOKEN = { kind: 'oauth2', accessToken: 'ya29.twin-token' } as const;
let twin: GmailTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

/** A clock whose sleeps return at once (time still moves), so backoff in storms costs no wall time. */
function instantClock(): Clock {
  let t = Date.UTC(2026, 5, 1);
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

interface Run {
  items: Map<string, { content: string; title?: string; tags?: string[] }>;
  deletes: string[];
  pages: number;
  checkpoint: unknown;
  state: MemoryConnectorState;
  apiCalls: number;
  rateLimitWaitMs: number;
}

/** One sync against the twin; `from` is the previous run (checkpoint and committed state). */
async function sync(
  config: Record<string, unknown>,
  from?: Run,
  opts: { clock?: Clock; credentials?: CredentialAccess; maxPages?: number } = {},
): Promise<Run> {
  const state = createMemoryState(from?.state.snapshot());
  const ctx = createTestContext(gmailConnector, {
    config: { rootUrl: twin!.rootUrl, ...config },
    credentials: TOKEN,
    checkpoint: from?.checkpoint,
    state,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  if (opts.credentials) ctx.credentials = opts.credentials;
  const pages = await collectPages(gmailConnector, ctx, opts.maxPages ? { maxPages: opts.maxPages } : {});
  const items = new Map<string, { content: string; title?: string; tags?: string[] }>();
  for (const p of pages) for (const i of p.items ?? []) items.set(i.externalId, i);
  return {
    items,
    deletes: pages.flatMap((p) => p.deletes ?? []),
    pages: pages.length,
    checkpoint: pages.at(-1)?.checkpoint ?? from?.checkpoint,
    state: ctx.state,
    apiCalls: ctx.stats.apiCalls,
    rateLimitWaitMs: ctx.stats.rateLimitWaitMs,
  };
}

describe('gmail at scale', () => {
  it('reads 5,000 messages exactly across a crash and resume, then syncs 100 changes at ≤ 1.3 calls each', async () => {
    const seed = seedGmail(5000);
    twin = await startGmailTwin(seed.state, { record: false });
    // A crash after page 3 of the first read, then a resume from its checkpoint: the two runs together read every
    // message exactly once (no page repeats an id), with as many calls as one uninterrupted read plus the resumed
    // run's labels.list: labels + profile + 10 list pages + 5,000 gets + one (empty) history page, + 1.
    const first = await sync({ pageSize: 500, concurrency: 16 }, undefined, { maxPages: 3 });
    const full = await sync({ pageSize: 500, concurrency: 16 }, first);
    expect(first.items.size).toBe(1500);
    expect(full.items.size).toBe(3500);
    expect(new Set([...first.items.keys(), ...full.items.keys()]).size).toBe(5000);
    expect(first.apiCalls + full.apiCalls).toBe(5014);
    expect(full.checkpoint).toMatchObject({ phase: 'history', gen: 1 });

    const s = seed.state;
    const added = Array.from({ length: 40 }, (_, i) =>
      s.add(syntheticMail(9000 + i), { date: Date.UTC(2026, 3, 1) + i }),
    );
    for (const id of seed.ids.slice(0, 20)) s.modifyLabels(id, ['STARRED']);
    for (const id of seed.ids.slice(20, 40)) s.remove(id);
    for (const id of seed.ids.slice(40, 60)) s.trash(id);
    twin.resetCounts();
    const inc = await sync({ pageSize: 500 }, full);
    expect(inc.items.size).toBe(60);
    expect([...inc.items.keys()].sort()).toEqual(
      [
        ...added.map((_, i) => `m${9000 + i}@twin.example`),
        ...Array.from({ length: 20 }, (_, i) => `m${i}@twin.example`),
      ].sort(),
    );
    expect(inc.items.get('m0@twin.example')!.tags).toContain('starred');
    expect(inc.deletes.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${20 + i}@twin.example`).sort());
    // Trash is read off the history record (no messages.get), so 100 changes cost labels + history + 60 gets.
    expect(inc.apiCalls / 100).toBeLessThanOrEqual(1.3);
    expect(twin.counts()['gmail.users.messages.get']).toBe(60);
  }, 120_000);
});

describe('gmail sync semantics', () => {
  it('re-syncs cleanly when the history id expired (404), tombstoning what is gone', async () => {
    const seed = seedGmail(60);
    twin = await startGmailTwin(seed.state);
    const full = await sync({ pageSize: 25 });
    seed.state.remove(seed.ids[1]!);
    seed.state.remove(seed.ids[2]!);
    seed.state.add(syntheticMail(500));
    seed.state.expireHistory();
    const after = await sync({ pageSize: 25 }, full);
    expect(after.deletes.sort()).toEqual(['m1@twin.example', 'm2@twin.example']);
    expect(after.items.size).toBe(59);
    expect(after.checkpoint).toMatchObject({ phase: 'history', gen: 2 });
    expect([...after.state.snapshot().keys()].filter((k) => k.startsWith('m:'))).toHaveLength(59);
    // The next sync is incremental again: nothing changed, nothing read.
    const quiet = await sync({ pageSize: 25 }, after);
    expect(quiet.items.size + quiet.deletes.length).toBe(0);
  });

  it('ends a 429 / 403 rate-limit storm with the same data as a clean run', async () => {
    const seed = seedGmail(80);
    twin = await startGmailTwin(seed.state);
    const clean = await sync({ pageSize: 20 });
    twin.faults.inject({ route: 'gmail.users.messages.get', every: 3, ...rateLimitExceeded() });
    twin.faults.inject({ route: /gmail\.users\.messages\.(get|list)/, every: 5, ...userRateLimitExceeded() });
    const stormy = await sync({ pageSize: 20 }, undefined, { clock: instantClock() });
    expect([...stormy.items.entries()].sort()).toEqual([...clean.items.entries()].sort());
    expect(stormy.rateLimitWaitMs).toBeGreaterThan(0);
    expect(stormy.apiCalls).toBeGreaterThan(clean.apiCalls);
  });

  it('refreshes an expired access token once and goes on', async () => {
    const seed = seedGmail(5);
    seed.state.tokens.set('ya29.old', 'expired');
    twin = await startGmailTwin(seed.state);
    let refreshes = 0;
    const credentials: CredentialAccess = {
      get: async () => ({ kind: 'oauth2', accessToken: 'ya29.old' }),
      refresh: async () => {
        refreshes++;
        return TOKEN;
      },
    };
    const run = await sync({}, undefined, { credentials });
    expect(run.items.size).toBe(5);
    expect(refreshes).toBe(1);
  });

  it('keeps to the configured labels and backfill window', async () => {
    const seed = seedGmail(50, { start: new Date(Date.UTC(2026, 5, 1) - 50 * 60_000) });
    twin = await startGmailTwin(seed.state);
    const work = await sync({ labels: ['work'] });
    expect(work.items.size).toBe(10);
    expect([...work.items.values()].every((i) => i.tags?.includes('Work'))).toBe(true);
    // backfillDays bounds the first listing through `after:`; with a clock 10 days on, nothing is that new.
    const clock: Clock = { now: () => Date.UTC(2026, 5, 11), sleep: async () => undefined };
    const none = await sync({ backfillDays: 1 }, undefined, { clock });
    expect(none.items.size).toBe(0);
    const all = await sync({ backfillDays: 30 }, undefined, { clock });
    expect(all.items.size).toBe(50);
    // A message that loses the wanted label leaves the source.
    seed.state.modifyLabels(seed.ids[0]!, [], [seed.state.labels.find((l) => l.name === 'Work')!.id]);
    const moved = await sync({ labels: ['work'] }, work);
    expect(moved.deletes).toEqual(['m0@twin.example']);
  });

  it('renews the Pub/Sub watch when a sync runs within a day of its expiry', async () => {
    const seed = seedGmail(3);
    twin = await startGmailTwin(seed.state);
    const push = { topicName: 'projects/p/topics/gmail', verificationToken: 'a-long-push-secret-123' };
    let t = Date.now();
    const clock: Clock = { now: () => t, sleep: async () => undefined };
    const first = await sync({ push }, undefined, { clock });
    expect(twin.watches).toHaveLength(1);
    expect((first.checkpoint as { watchExpires: number }).watchExpires).toBe(twin.watches[0]!.expiration);
    const second = await sync({ push }, first, { clock });
    expect(twin.watches).toHaveLength(1);
    t += 6.5 * 86_400_000;
    await sync({ push }, second, { clock });
    expect(twin.watches).toHaveLength(2);
  });
});

describe('gmail and the other mail connectors give the same memories', () => {
  /** Items as the content hash sees them (stream, title, content) plus the id, sorted by id. */
  const comparable = (items: Iterable<{ externalId: string; stream: string; title?: string; content: string }>) =>
    [...items]
      .map((i) => [i.externalId, i.stream, i.title ?? null, i.content])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

  it('serves the shared mbox corpus as raw messages: same ids, titles and content as the mbox connector', async () => {
    const file = testdata('email/mbox/mimekit', 'simple.mbox.txt');
    const state = new GmailState();
    const fh = await open(file, 'r');
    try {
      for await (const m of splitMbox(fh, 0, (await fh.stat()).size)) state.add(Buffer.from(m.raw));
    } finally {
      await fh.close();
    }
    twin = await startGmailTwin(state);
    const gmail = await collectPages(
      gmailConnector,
      createTestContext(gmailConnector, { config: { rootUrl: twin.rootUrl }, credentials: TOKEN }),
    );
    const mbox = await collectPages(mboxConnector, createTestContext(mboxConnector, { config: { path: file } }));
    const g = comparable(gmail.flatMap((p) => p.items ?? []) as never);
    expect(g.length).toBeGreaterThan(0);
    expect(g).toEqual(comparable(mbox.flatMap((p) => p.items ?? []) as never));
  });

  it('serves the shared .eml corpus: same ids, titles and content as the eml connector', async () => {
    const dir = testdata('email/eml/mikel-mail');
    const state = new GmailState();
    const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.eml')).sort();
    for (const n of names) state.add(await readFile(`${dir}/${n}`));
    twin = await startGmailTwin(state);
    const gmail = await collectPages(
      gmailConnector,
      createTestContext(gmailConnector, { config: { rootUrl: twin.rootUrl, pageSize: 500 }, credentials: TOKEN }),
    );
    const eml = await collectPages(emlConnector, createTestContext(emlConnector, { config: { rootDir: dir } }));
    // A Message-ID carried by several files (the corpus has variants of one message) is one memory whichever copy
    // is read last, and the two connectors read in different orders: compare the ids that occur once.
    const counts = new Map<string, number>();
    for (const n of names) {
      const id = (await parseMail(await readFile(`${dir}/${n}`)).catch(() => undefined))?.messageId;
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const unique = (rows: ReturnType<typeof comparable>) => rows.filter((r) => counts.get(String(r[0])) === 1);
    const g = unique(comparable(gmail.flatMap((p) => p.items ?? []) as never));
    expect(g.length).toBeGreaterThan(50);
    expect(g).toEqual(unique(comparable(eml.flatMap((p) => p.items ?? []) as never)));
  });
});
