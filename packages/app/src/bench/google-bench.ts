import { gmailConnector } from '@tributary/connectors/gmail/index';
import { googleCalendarConnector } from '@tributary/connectors/google-calendar/index';
import { googleDriveConnector } from '@tributary/connectors/google-drive/index';
import { type AnyConnector, type RateLimitSpec, type ReadContext } from '@tributary/sdk';
import { benchReadContext, drainItems, loadTestModule } from './bench-kit.js';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

interface Counters {
  calls: number;
  waitMs: number;
}

function context(
  connector: AnyConnector,
  config: unknown,
  limit: RateLimitSpec | undefined,
  counters: Counters,
): ReadContext<any, any> {
  return benchReadContext(connector, config, {
    credential: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
    limit,
    onCall: (n) => void (counters.calls += n),
    onWait: (ms) => void (counters.waitMs += ms),
  });
}

/**
 * Raw baseline for Gmail: the same messages.list + messages.get(format=raw) calls with plain fetch at the same
 * concurrency, no parsing, no limiter: what the network and the twin cost alone.
 */
async function rawGmail(rootUrl: string, concurrency: number): Promise<number> {
  const auth = { headers: { authorization: 'Bearer ya29.twin-token' } };
  let token: string | undefined;
  let n = 0;
  do {
    const url = `${rootUrl}gmail/v1/users/me/messages?maxResults=500${token ? `&pageToken=${token}` : ''}`;
    const page = (await (await fetch(url, auth)).json()) as {
      messages?: Array<{ id: string }>;
      nextPageToken?: string;
    };
    const ids = (page.messages ?? []).map((m) => m.id);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          await (await fetch(`${rootUrl}gmail/v1/users/me/messages/${id}?format=raw`, auth)).arrayBuffer();
          n++;
        }
      }),
    );
    token = page.nextPageToken;
  } while (token);
  return n;
}

/**
 * `google` phase: Gmail at BENCH_GMAIL_QUOTA messages (default 5,000) under Gmail's per-user quota, scaled by
 * BENCH_GOOGLE_SCALE (default 2: 500 units per second instead of 250) on both sides (twin and the connector's
 * limiter); the quota floor is the units the sync must spend divided by the budget. Then BENCH_GMAIL messages
 * (default 50,000) without quota against the raw fetch baseline; then Drive at BENCH_DRIVE files (default 20,000 in 500 folders, 2,000 Docs); then Calendar at 10 calendars × BENCH_CALENDAR_EVENTS (default 2,000) with 200 recurring series.
 */
export async function benchGooglePhase(): Promise<void> {
  const twins = await loadTestModule('test/twins/google/index.ts');
  const messages = Number(process.env.BENCH_GMAIL ?? 50_000);
  // The quota run: the budget must bind (below what the machine serves unthrottled, ~800 messages/s here), so
  // it uses a smaller mailbox at 2 × Gmail's budget (a 50,000-message run at 250 units/s would take 17 minutes).
  const quotaMessages = Number(process.env.BENCH_GMAIL_QUOTA ?? 5_000);
  const scale = Number(process.env.BENCH_GOOGLE_SCALE ?? 2);
  const concurrency = 16;
  const seed = twins.seedGmail(messages);
  const quotaSeed = twins.seedGmail(quotaMessages);
  const unitsPerSecond = 250 * scale;
  const quota = await twins.startGmailTwin(quotaSeed.state, {
    record: false,
    quota: { units: unitsPerSecond, windowMs: 1000 },
  });
  try {
    // The connector's own budget (the manifest's, in units), scaled like the twin's quota.
    const spec = gmailConnector.manifest.rateLimit!;
    const limit: RateLimitSpec = {
      requests: spec.requests * scale,
      perSeconds: 1,
      burst: (spec.burst ?? spec.requests) * scale,
    };
    const counters: Counters = { calls: 0, waitMs: 0 };
    const cfg = { rootUrl: quota.rootUrl, pageSize: 500, concurrency };
    const { result: items, seconds } = await timed(() =>
      drainItems(gmailConnector, context(gmailConnector, cfg, limit, counters)),
    );
    // Units the sync must spend: labels + profile + lists + gets + the closing history page.
    const units = 1 + 1 + Math.ceil(quotaMessages / 500) * 5 + quotaMessages * 5 + 2;
    const floor = units / unitsPerSecond;
    printTable(`gmail under quota (${fmt(unitsPerSecond)} units/s = Gmail's 250 × ${scale})`, [
      ['messages', fmt(items)],
      ['time', `${fmt(seconds, 1)} s; quota floor ${fmt(floor, 1)} s; ratio ${fmt(seconds / floor, 2)} (target ≤ 1.2)`],
      ['API calls', `${fmt(counters.calls)} (${fmt(counters.calls / Math.max(1, items), 3)} per message)`],
      ['429 answers', `${fmt(quota.rateLimited())}; limiter waits ${fmt(counters.waitMs / 1000, 1)} s`],
    ]);
  } finally {
    await quota.close();
  }

  const free = await twins.startGmailTwin(seed.state, { record: false });
  try {
    const counters: Counters = { calls: 0, waitMs: 0 };
    const cfg = { rootUrl: free.rootUrl, pageSize: 500, concurrency };
    const conn = await timed(() => drainItems(gmailConnector, context(gmailConnector, cfg, undefined, counters)));
    const raw = await timed(() => rawGmail(free.rootUrl, concurrency));
    printTable('gmail without quota vs raw fetch of the same calls', [
      ['connector', `${fmt(conn.result)} messages in ${fmt(conn.seconds, 1)} s (${fmt(conn.result / conn.seconds)}/s)`],
      ['raw fetch', `${fmt(raw.result)} messages in ${fmt(raw.seconds, 1)} s (${fmt(raw.result / raw.seconds)}/s)`],
      ['ratio', `${fmt(conn.seconds / raw.seconds, 2)}× the raw time (parsing and mapping included)`],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    await free.close();
  }

  const files = Number(process.env.BENCH_DRIVE ?? 20_000);
  const drive = twins.seedDrive({ folders: 500, files, docEvery: 10 });
  const dtwin = await twins.startDriveTwin(drive.state, { record: false });
  try {
    const counters: Counters = { calls: 0, waitMs: 0 };
    const cfg = { rootUrl: dtwin.rootUrl, pageSize: 1000, concurrency: 8 };
    const run = await timed(() =>
      drainItems(googleDriveConnector, context(googleDriveConnector, cfg, undefined, counters)),
    );
    printTable(`google-drive: ${fmt(files)} files in 500 folders (${fmt(files / 10)} Google Docs)`, [
      ['files', `${fmt(run.result)} in ${fmt(run.seconds, 1)} s (${fmt(run.result / run.seconds)}/s)`],
      ['API calls', `${fmt(counters.calls)} (${fmt(counters.calls / Math.max(1, run.result), 3)} per file)`],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    await dtwin.close();
  }

  const events = Number(process.env.BENCH_CALENDAR_EVENTS ?? 2_000);
  const cal = twins.seedCalendars({ calendars: 10, events, series: 20, instances: 10 });
  const ctwin = await twins.startCalendarTwin(cal.state, { record: false });
  try {
    const counters: Counters = { calls: 0, waitMs: 0 };
    const cfg = { rootUrl: ctwin.rootUrl, pageSize: 2500, backfillDays: 3650, windowFutureDays: 3650 };
    const run = await timed(() =>
      drainItems(googleCalendarConnector, context(googleCalendarConnector, cfg, undefined, counters)),
    );
    printTable(`google-calendar: 10 calendars × ${fmt(events)} events, 200 weekly series × 10 occurrences`, [
      ['events', `${fmt(run.result)} in ${fmt(run.seconds, 1)} s (${fmt(run.result / run.seconds)}/s)`],
      ['API calls', `${fmt(counters.calls)} (${fmt(counters.calls / Math.max(1, run.result), 4)} per event)`],
      ['peak RSS', `${fmt(peakRssMb())} MB`],
    ]);
  } finally {
    await ctwin.close();
  }
}
