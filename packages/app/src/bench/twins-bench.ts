import { githubConnector } from '@tributary/connectors/github/index';
import { slackConnector } from '@tributary/connectors/slack/index';
import { type AnyConnector, type Credential, type RateLimitSpec, type ReadContext } from '@tributary/sdk';
import { benchReadContext, drainItems, loadTestModule } from './bench-kit.js';
import { fmt, printTable, timed } from './measure.js';

/** What one twin run measured. */
export interface TwinBenchResult {
  twin: 'slack' | 'github';
  items: number;
  seconds: number;
  itemsPerSec: number;
  apiCalls: number;
  callsPerItem: number;
  /** Calls the API needs at its maximum page size for the same data (see {@link benchTwins}). */
  minimumCalls: number;
  /** apiCalls / minimumCalls: 1 is as few calls as the API allows. */
  callRatio: number;
  /** 429/403 answers the twin sent. */
  rateLimitedAnswers: number;
  rateLimitWaitMs: number;
  latencyMs: number;
}

export interface TwinBenchOptions {
  /** Delay the twins add to every request. @default 50 */
  latencyMs?: number;
  slack?: { channels?: number; messagesPerChannel?: number };
  github?: { issues?: number; pulls?: number; commits?: number; files?: number };
  /**
   * Slack's tier limits are per minute; the bench applies them per `60 / rateLimitScale` seconds so a run takes
   * seconds, and scales the connector's own limiter the same way. @default 10
   */
  rateLimitScale?: number;
}

interface Counters {
  calls: number;
  waitMs: number;
}

/** The bench's read context, every HTTP request and rate-limit wait counted. */
function benchContext(
  connector: AnyConnector,
  config: unknown,
  credential: Credential,
  limit: RateLimitSpec | undefined,
  counters: Counters,
): ReadContext<any, any> {
  return benchReadContext(connector, config, {
    credential,
    limit,
    countRequests: true,
    onCall: (n) => void (counters.calls += n),
    onWait: (ms) => void (counters.waitMs += ms),
  });
}

function result(
  twin: 'slack' | 'github',
  items: number,
  seconds: number,
  counters: Counters,
  minimumCalls: number,
  rateLimitedAnswers: number,
  latencyMs: number,
): TwinBenchResult {
  return {
    twin,
    items,
    seconds,
    itemsPerSec: items / seconds,
    apiCalls: counters.calls,
    callsPerItem: counters.calls / Math.max(1, items),
    minimumCalls,
    callRatio: counters.calls / Math.max(1, minimumCalls),
    rateLimitedAnswers,
    rateLimitWaitMs: counters.waitMs,
    latencyMs,
  };
}

async function benchSlack(opts: TwinBenchOptions, latencyMs: number, scale: number): Promise<TwinBenchResult> {
  const twins = await loadTestModule('test/twins/slack/index.ts');
  const seed = twins.seedSlackWorkspace({
    channels: opts.slack?.channels ?? 8,
    messagesPerChannel: opts.slack?.messagesPerChannel ?? 1500,
    dms: 0,
  });
  const twin = await twins.startSlackTwin(seed.state, {
    latencyMs,
    rateLimit: { windowMs: 60_000 / scale },
    record: false,
  });
  try {
    // Minimum: conversations.list, history at 999 per call, replies at 1000 per call for each thread, users.list.
    let minimum = Math.ceil(seed.state.channels.length / 1000) + Math.ceil(seed.state.users.size / 1000);
    for (const c of seed.state.channels as Array<{ messages: Array<{ ts: string; thread_ts?: string }> }>) {
      const top = c.messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts).length;
      minimum += Math.max(1, Math.ceil(top / 999));
      const threads = new Map<string, number>();
      for (const m of c.messages)
        if (m.thread_ts && m.thread_ts !== m.ts) threads.set(m.thread_ts, (threads.get(m.thread_ts) ?? 0) + 1);
      for (const n of threads.values()) minimum += Math.ceil(n / 1000);
    }
    const counters: Counters = { calls: 0, waitMs: 0 };
    const spec = slackConnector.manifest.rateLimit!;
    const ctx = benchContext(
      slackConnector,
      { baseUrl: twin.apiUrl, sync: { batchSize: 999 } },
      { kind: 'token', token: 'xoxb-twin-bot' },
      { ...spec, perSeconds: spec.perSeconds / scale },
      counters,
    );
    const { result: items, seconds } = await timed(() => drainItems(slackConnector, ctx));
    return result('slack', items, seconds, counters, minimum, twin.rateLimited(), latencyMs);
  } finally {
    await twin.close();
  }
}

async function benchGithub(opts: TwinBenchOptions, latencyMs: number): Promise<TwinBenchResult> {
  const twins = await loadTestModule('test/twins/github/index.ts');
  const seed = twins.seedGithubRepo({
    issues: opts.github?.issues ?? 500,
    pulls: opts.github?.pulls ?? 300,
    commits: opts.github?.commits ?? 1000,
    files: opts.github?.files ?? 200,
  });
  // GitHub's real primary limit (5,000 per hour) with real resets.
  const twin = await twins.startGithubTwin(seed.state, { latencyMs, record: false });
  try {
    const repo = seed.repo;
    const pulls = repo.issues.filter((i: { pull?: unknown }) => i.pull).length;
    // Minimum: repo, branch, tree, 100 per list page, one review list per pull request, one call per blob.
    const minimum =
      3 +
      Math.ceil(repo.issues.length / 100) +
      Math.ceil(repo.comments.length / 100) +
      Math.ceil(repo.reviewComments.length / 100) +
      pulls +
      Math.ceil(repo.commits.length / 100) +
      seed.textFiles.length;
    const counters: Counters = { calls: 0, waitMs: 0 };
    const ctx = benchContext(
      githubConnector,
      { repos: [repo.fullName], baseUrl: twin.url },
      { kind: 'token', token: 'ghp_twin' },
      githubConnector.manifest.rateLimit,
      counters,
    );
    const { result: items, seconds } = await timed(() => drainItems(githubConnector, ctx));
    return result('github', items, seconds, counters, minimum, twin.rateLimited(), latencyMs);
  } finally {
    await twin.close();
  }
}

/**
 * Full reads of the Slack and GitHub connectors against their twins with a realistic network (50 ms per request)
 * and rate limits: items/s, API calls per item, and the ratio of calls made to the fewest the API allows for the
 * same data (every list at its maximum page size).
 */
export async function benchTwins(options: TwinBenchOptions = {}): Promise<TwinBenchResult[]> {
  const latencyMs = options.latencyMs ?? 50;
  const scale = options.rateLimitScale ?? 10;
  const results = [await benchSlack(options, latencyMs, scale), await benchGithub(options, latencyMs)];
  for (const r of results) {
    printTable(`${r.twin} connector against its twin (${r.latencyMs} ms per request)`, [
      ['items', fmt(r.items)],
      ['time', `${fmt(r.seconds, 1)} s`],
      ['items/s', fmt(r.itemsPerSec, 1)],
      ['API calls', fmt(r.apiCalls)],
      ['calls per item', fmt(r.callsPerItem, 3)],
      ['minimum calls (max page size)', fmt(r.minimumCalls)],
      ['calls / minimum', fmt(r.callRatio, 2)],
      ['rate-limited answers', fmt(r.rateLimitedAnswers)],
      ['rate-limit waits', `${fmt(r.rateLimitWaitMs / 1000, 1)} s`],
    ]);
  }
  return results;
}
