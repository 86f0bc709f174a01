import { xConnector } from '@tributary/connectors/x/index';
import { createMemoryState, type Checkpoint, type MemoryConnectorState } from '@tributary/sdk';
import { benchReadContext, loadTestModule } from './bench-kit.js';
import { fmt, peakRssMb, printTable, timed } from './measure.js';

interface Drained {
  /** externalId → times yielded (1 = one version, 2 = an edit on top). */
  versions: Map<string, number>;
  items: number;
  checkpoint: Checkpoint | undefined;
  state: MemoryConnectorState;
}

async function drain(config: unknown, token: string, calls: { n: number }, prev?: Drained): Promise<Drained> {
  const state = prev?.state ?? createMemoryState();
  const credential = { kind: 'token', token } as const;
  const ctx = benchReadContext(xConnector, config, {
    credential,
    features: { mentions: false },
    onCall: (n) => void (calls.n += n),
    countRequests: true,
    checkpoint: prev?.checkpoint,
    state,
    mode: prev ? 'incremental' : 'backfill',
  });
  const versions = new Map(prev?.versions);
  let items = 0;
  let checkpoint: Checkpoint | undefined;
  for await (const page of xConnector.read(ctx)) {
    for (const item of page.items ?? []) versions.set(item.externalId, (versions.get(item.externalId) ?? 0) + 1);
    items += page.items?.length ?? 0;
    checkpoint = page.checkpoint;
    state.apply(page.state);
  }
  return { versions, items, checkpoint, state };
}

/**
 * `x` phase (issue #21's size): BENCH_X_POSTS posts (default 20,000) read from the X twin, then BENCH_X_EDITS edits
 * (default 500) read incrementally; exact counts checked. Baseline: the same timeline pages fetched and parsed with
 * plain fetch in the same run.
 */
export async function benchXPhase(): Promise<void> {
  const x = await loadTestModule('test/twins/x/index.ts');
  const n = Number(process.env.BENCH_X_POSTS ?? 20_000);
  const edits = Number(process.env.BENCH_X_EDITS ?? 500);
  const state = x.seedX({ posts: n });
  const twin = await x.startXTwin(state, { record: false });
  try {
    const query =
      'max_results=100&post.fields=author_id,conversation_id,created_at,edit_controls,entities,lang,note_post,referenced_posts,source,text&expansions=author_id,entities.mentions.username&user.fields=name,username';
    const base = await timed(async () => {
      let count = 0;
      let next: string | undefined;
      do {
        const url = `${twin.url}/2/users/${x.TWIN_USER.id}/tweets?${query}${next ? `&pagination_token=${next}` : ''}`;
        const page: any = await (await fetch(url, { headers: { authorization: `Bearer ${x.TWIN_TOKEN}` } })).json();
        count += page.data?.length ?? 0;
        next = page.meta?.next_token;
      } while (next);
      return count;
    });
    const config = { baseUrl: twin.url, plan: 'pro', userId: x.TWIN_USER.id };
    const calls = { n: 0 };
    const first = await timed(() => drain(config, x.TWIN_TOKEN, calls));
    const ids = [...state.posts.keys()] as string[];
    const step = Math.floor(ids.length / edits);
    for (let i = 0; i < edits; i++) state.editPost(ids[i * step], `${state.posts.get(ids[i * step]).text} (edited)`);
    const editCalls = { n: 0 };
    const second = await timed(() => drain(config, x.TWIN_TOKEN, editCalls, first.result));
    const twice = [...second.result.versions.values()].filter((v) => v === 2).length;
    const exact = first.result.items === n && second.result.items === edits && second.result.versions.size === n;
    printTable(`x: ${fmt(n)} posts, then ${fmt(edits)} edits (API v2 twin)`, [
      [
        'full read',
        `${fmt(first.result.items)} posts in ${fmt(first.seconds, 2)} s = ${fmt(first.result.items / first.seconds)} posts/s, ${fmt(calls.n)} calls`,
      ],
      ['raw baseline', `${fmt(base.result)} posts (same pages, plain fetch + JSON) in ${fmt(base.seconds, 2)} s`],
      ['ratio', `${fmt(first.seconds / base.seconds, 2)} × the raw baseline`],
      [
        'incremental after edits',
        `${fmt(second.result.items)} versions in ${fmt(second.seconds, 2)} s, ${fmt(editCalls.n)} calls`,
      ],
      [
        'memories / with 2 versions',
        `${fmt(second.result.versions.size)} / ${fmt(twice)} (exact: ${exact && twice === edits})`,
      ],
      ['peak RSS (phase)', `${fmt(peakRssMb())} MB`],
    ]);
    if (!exact || twice !== edits) throw new Error('x bench: counts are not exact');
  } finally {
    await twin.close();
  }
}
