import { discordConnector } from '@tributary/connectors/discord/index';
import { gitlabConnector } from '@tributary/connectors/gitlab/index';
import { benchReadContext, drainItems, loadTestModule } from './bench-kit.js';
import { fmt, peakRssMb, printTable, rssMb, timed } from './measure.js';

/** The raw baseline: the same documents fetched with plain `fetch` and `JSON.parse`, no mapping, no state. */
async function rawGitlab(url: string, projects: Array<{ id: number }>): Promise<{ docs: number; calls: number }> {
  const headers = { 'private-token': 'glpat-twin' };
  let docs = 0;
  let calls = 0;
  const get = async (u: string) => {
    calls++;
    const res = await fetch(u, { headers });
    return {
      body: (await res.json()) as any[],
      next: /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1],
    };
  };
  for (const p of projects)
    for (const kind of ['issues', 'merge_requests']) {
      let next: string | undefined =
        `${url}/api/v4/projects/${p.id}/${kind}?order_by=updated_at&sort=asc&pagination=keyset&per_page=100`;
      while (next) {
        const page = await get(next);
        for (const n of page.body) {
          docs++;
          for (const d of (await get(`${url}/api/v4/projects/${p.id}/${kind}/${n.iid}/discussions?per_page=100`)).body)
            docs += d.notes.length;
          if (kind === 'merge_requests')
            await get(`${url}/api/v4/projects/${p.id}/${kind}/${n.iid}/diffs?per_page=100`);
        }
        next = page.next;
      }
      if (kind === 'merge_requests') {
        let c: string | undefined = `${url}/api/v4/projects/${p.id}/repository/commits?ref_name=main&per_page=100`;
        while (c) {
          const page = await get(c);
          docs += page.body.length;
          c = page.next;
        }
      }
    }
  return { docs, calls };
}

async function rawDiscord(url: string, channels: string[]): Promise<{ docs: number; calls: number }> {
  const headers = { authorization: 'Bot discord-bot-twin' };
  let docs = 0;
  let calls = 0;
  for (const id of channels) {
    let after = '0';
    for (;;) {
      calls++;
      const list = (await (
        await fetch(`${url}/api/v10/channels/${id}/messages?after=${after}&limit=100`, { headers })
      ).json()) as Array<{ id: string }>;
      docs += list.length;
      if (list.length < 100) break;
      after = list[0]!.id;
    }
  }
  return { docs, calls };
}

/**
 * `npm run bench` phase `forges`: the GitLab and Discord connectors against their twins at the issue's full sizes
 * (GitLab 3 projects × 3,000 issues, 1,000 MRs, 5 notes each, 2,000 commits; Discord 5 channels × 10,000 messages
 * with 200 threads), each against the raw baseline (the same documents with plain fetch) in the same run.
 * Sizes: BENCH_FORGES_SCALE (default 1) divides them.
 */
export async function benchForgesPhase(): Promise<void> {
  const scale = Math.max(1, Number(process.env.BENCH_FORGES_SCALE ?? 1));
  const latencyMs = Number(process.env.BENCH_TWIN_LATENCY_MS ?? 0);
  {
    const twins = await loadTestModule('test/twins/gitlab/index.ts');
    const seed = twins.seedGitlab({
      projects: 3,
      issues: Math.round(3000 / scale),
      mergeRequests: Math.round(1000 / scale),
      notesPerItem: 5,
      commits: Math.round(2000 / scale),
      wikiPages: 5,
    });
    const twin = await twins.startGitlabTwin(seed.state, { record: false, latencyMs });
    try {
      const raw = await timed(() => rawGitlab(twin.url, seed.projects));
      const calls = { n: 0 };
      const before = rssMb();
      const ctx = benchReadContext(
        gitlabConnector,
        { groups: ['acme'], baseUrl: twin.url },
        {
          credential: { kind: 'token', token: 'glpat-twin' },
          onCall: (n) => void (calls.n += n),
          countRequests: true,
        },
      );
      const run = await timed(() => drainItems(gitlabConnector, ctx));
      printTable('forges: gitlab (3 projects, full read)', [
        ['items', fmt(run.result)],
        ['connector', `${fmt(run.seconds, 1)} s, ${fmt(run.result / run.seconds)} items/s, ${fmt(calls.n)} calls`],
        [
          'raw fetch baseline',
          `${fmt(raw.seconds, 1)} s, ${fmt(raw.result.docs / raw.seconds)} docs/s, ${fmt(raw.result.calls)} calls`,
        ],
        ['connector / raw time', `${fmt(run.seconds / raw.seconds, 2)}×`],
        ['calls connector / raw', `${fmt(calls.n / raw.result.calls, 2)}×`],
        ['RSS before read', `${fmt(before)} MB`],
        ['peak RSS', `${fmt(peakRssMb())} MB`],
      ]);
    } finally {
      await twin.close();
    }
  }
  {
    const twins = await loadTestModule('test/twins/discord/index.ts');
    const seed = twins.seedDiscord({
      channels: 5,
      messages: Math.round(10_000 / scale),
      threads: Math.round(200 / scale),
      threadMessages: 10,
      forumPosts: 0,
    });
    const twin = await twins.startDiscordTwin(seed.state, { record: false, latencyMs });
    try {
      const raw = await timed(() =>
        rawDiscord(
          twin.url,
          [...seed.channels, ...seed.threads].map((c: { id: string }) => c.id),
        ),
      );
      const calls = { n: 0 };
      const ctx = benchReadContext(
        discordConnector,
        { guilds: [seed.guild.id], apiBaseUrl: `${twin.url}/api` },
        {
          credential: { kind: 'token', token: 'discord-bot-twin' },
          onCall: (n) => void (calls.n += n),
          countRequests: true,
        },
      );
      const run = await timed(() => drainItems(discordConnector, ctx));
      printTable('forges: discord (5 channels, full read)', [
        ['items', fmt(run.result)],
        ['connector', `${fmt(run.seconds, 1)} s, ${fmt(run.result / run.seconds)} items/s, ${fmt(calls.n)} calls`],
        [
          'raw fetch baseline',
          `${fmt(raw.seconds, 1)} s, ${fmt(raw.result.docs / raw.seconds)} docs/s, ${fmt(raw.result.calls)} calls`,
        ],
        ['connector / raw time', `${fmt(run.seconds / raw.seconds, 2)}×`],
        ['calls connector / raw', `${fmt(calls.n / raw.result.calls, 2)}×`],
        ['peak RSS', `${fmt(peakRssMb())} MB`],
      ]);
    } finally {
      await twin.close();
    }
  }
}
