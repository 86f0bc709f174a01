import { createMemoryState, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GmailState, startGmailTwin, syntheticMail, type GmailTwin } from '../../../../test/twins/google/index.js';
import { gmailConnector } from './index.js';

let twin: GmailTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

interface Run {
  ids: string[];
  deletes: string[];
  checkpoint: unknown;
  state: MemoryConnectorState;
  apiCalls: number;
}

async function sync(config: Record<string, unknown>, from?: Run): Promise<Run> {
  const ctx = createTestContext(gmailConnector, {
    config: { rootUrl: twin!.rootUrl, ...config },
    credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
    checkpoint: from?.checkpoint,
    state: createMemoryState(from?.state.snapshot()),
  });
  const pages = await collectPages(gmailConnector, ctx);
  return {
    ids: pages.flatMap((p) => (p.items ?? []).map((i) => i.externalId)).sort(),
    deletes: pages.flatMap((p) => p.deletes ?? []).sort(),
    checkpoint: pages.at(-1)?.checkpoint ?? from?.checkpoint,
    state: ctx.state,
    apiCalls: ctx.stats.apiCalls,
  };
}

/** A synthetic message whose body says `harbour` when `harbour` is set (what the query looks for). */
const mail = (n: number, harbour: boolean): string =>
  syntheticMail(n).replace('It mentions', harbour ? 'It mentions the harbour and' : 'It mentions');

describe('gmail query on incremental syncs', () => {
  it('history-added and relabelled messages are checked against the query in one messages.list per page', async () => {
    const state = new GmailState();
    const hidden = state.addLabel('hidden');
    for (let n = 1; n <= 6; n++) state.add(mail(n, n % 2 === 0));
    twin = await startGmailTwin(state, { record: false });
    const config = { query: 'harbour -label:hidden' };
    const first = await sync(config);
    expect(first.ids).toEqual(['m2@twin.example', 'm4@twin.example', 'm6@twin.example']);

    // Four new messages (two match), and a synced one gets a label the query excludes.
    for (let n = 7; n <= 10; n++) state.add(mail(n, n % 2 === 0));
    const m4 = [...state.messages.values()].find((m) => m.raw.toString().includes('<m4@twin.example>'))!;
    state.modifyLabels(m4.id, [hidden.id]);
    const second = await sync(config, first);
    expect(second.ids).toEqual(['m10@twin.example', 'm8@twin.example']);
    expect(second.deletes).toEqual(['m4@twin.example']);
    // labels.list + history.list + 5 messages.get + one messages.list for the query check.
    expect(second.apiCalls).toBe(8);

    // Without a query nothing is checked: a new message costs labels.list + history.list + messages.get.
    const unfiltered = await sync({});
    expect(unfiltered.ids).toHaveLength(10);
    state.add(mail(11, false));
    const next = await sync({}, unfiltered);
    expect(next.ids).toEqual(['m11@twin.example']);
    expect(next.apiCalls).toBe(3);
  });
});
