import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../connector.js';
import {
  createMemoryConnector,
  createMemoryFixture,
  createMemoryUpstream,
  withRereadAll,
  type Defect,
} from './test-support/memory-connector.js';
import { createStateConnector } from './test-support/state-connector.js';
import {
  REQUIREMENTS,
  coverageProblems,
  crashPoints,
  runRequirement,
  type ConformanceFixture,
  type RequirementId,
} from './index.js';

function broken(defect: Defect) {
  const upstream = createMemoryUpstream();
  return { connector: createMemoryConnector(upstream, defect), fixture: createMemoryFixture(upstream) };
}

describe('runRequirement on a well-behaved connector', () => {
  const upstream = createMemoryUpstream();
  const connector = createMemoryConnector(upstream);
  it.each(Object.keys(REQUIREMENTS) as RequirementId[])('%s passes', async (id) => {
    await expect(runRequirement(id, connector, createMemoryFixture(upstream))).resolves.toBeUndefined();
  });
});

describe('connector state in the kit', () => {
  const fixture = (upstream: ReturnType<typeof createMemoryUpstream>) => {
    const f = createMemoryFixture(upstream, {
      config: {},
      credentials: undefined,
      badSetups: [],
      grow: () => {
        for (let i = 0; i < 3; i++) upstream.put(`extra-${i}`, `Extra note ${i}`);
        return 3;
      },
    });
    return { ...f, waivers: { 'check:bad-setup': 'auth none, no config that can be wrong' } };
  };
  it.each((Object.keys(REQUIREMENTS) as RequirementId[]).filter((id) => id !== 'check:bad-setup'))(
    'a connector that keeps per-note records in state passes %s',
    async (id) => {
      // Resume after a crash during page k passes only if the kit discards page k's state with its items.
      const upstream = createMemoryUpstream();
      await expect(runRequirement(id, createStateConnector(upstream), fixture(upstream))).resolves.toBeUndefined();
    },
  );

  it('state set ahead of the items it covers fails sync:resume:after-any-page: the kit resumes with committed state', async () => {
    const upstream = createMemoryUpstream();
    await expect(
      runRequirement('sync:resume:after-any-page', createStateConnector(upstream, 'state-ahead'), fixture(upstream)),
    ).rejects.toThrow(/crash after page 0 of 5.*lost 5: "note-3", "note-4", "note-5", "note-6", "note-7"/);
  });

  it('a per-note map in the checkpoint fails checkpoint:bounded', async () => {
    const upstream = createMemoryUpstream();
    await expect(
      runRequirement('checkpoint:bounded', createStateConnector(upstream, 'map-in-checkpoint'), fixture(upstream)),
    ).rejects.toThrow(
      /full read after grow\(\): the checkpoint grew from 8 to 11 values when the upstream grew by 3 item/,
    );
  });

  it('a checkpoint over 4 KB fails checkpoint:bounded', async () => {
    const upstream = createMemoryUpstream();
    const fat = createStateConnector(upstream);
    const padded = {
      ...fat,
      read: async function* (ctx: Parameters<typeof fat.read>[0]) {
        for await (const page of fat.read(ctx))
          yield { ...page, checkpoint: { ...page.checkpoint, pad: 'x'.repeat(5000) } };
      },
    };
    await expect(runRequirement('checkpoint:bounded', padded as never, fixture(upstream))).rejects.toThrow(
      /full read, page 0: checkpoint is 50\d\d bytes, over 4096/,
    );
  });
});

describe('runRequirement detects broken connectors', () => {
  const cases: Array<[Defect, RequirementId, RegExp]> = [
    ['skip-on-resume', 'sync:resume:after-any-page', /crash after page 0 of 4.*lost 1: "note-3"/],
    ['skip-on-resume', 'read:incremental', /did not yield added\/changed ids: "note-8"$/],
    [
      'commits-before-yield',
      'sync:resume:after-any-page',
      /crash during page 1 of 4 .*resumed from page 0's checkpoint.*lost 2: "note-3", "note-4"/,
    ],
    ['checkpoint-ahead', 'sync:resume:after-any-page', /crash after page 0 of 4.*lost 5/],
    ['undeclared-stream', 'read:items-valid', /page 1 item 0 \("note-3"\) names stream "secrets", not declared/],
    ['ignores-abort', 'abort:prompt', /kept yielding: 2 page\(s\) after the abort/],
    ['date-in-checkpoint', 'read:checkpoint-serializable', /page 0: checkpoint changes in a JSON round trip/],
    ['random-content', 'read:deterministic', /two full reads .* differ.*different content 7/],
    ['duplicate-in-page', 'read:items-valid', /page 0 item 2 \("note-1"\): external id yielded twice in the same page/],
    ['bad-item', 'read:items-valid', /page 0 item 1 \("note-2"\) is invalid: item\.occurredAt/],
    ['check-crashes', 'check:bad-setup', /bad setup "no token": check\(\) crashed .*TypeError/],
    ['no-deletes', 'deletions:propagate', /does not declare capabilities\.deletions; waive/],
  ];
  it.each(cases)('%s fails %s', async (defect, id, message) => {
    const { connector, fixture } = broken(defect);
    await expect(runRequirement(id, connector, fixture)).rejects.toThrow(message);
  });

  it('an incremental read that re-yields unchanged items fails read:incremental, naming them', async () => {
    const upstream = createMemoryUpstream();
    const connector = withRereadAll(createMemoryConnector(upstream));
    await expect(runRequirement('read:incremental', connector, createMemoryFixture(upstream))).rejects.toThrow(
      /yielded 5 item\(s\) that did not change: "note-1", "note-3", "note-4", "note-6", "note-7" /,
    );
  });

  it('deletions not reported incrementally fail deletions:propagate unless found by a full refresh', async () => {
    const upstream = createMemoryUpstream();
    const base = createMemoryConnector(upstream);
    // Declares deletions but never reports them as deletes: only a full refresh stops yielding deleted notes.
    const silent = { ...base, read: (ctx: Parameters<typeof base.read>[0]) => dropDeletes(base.read(ctx)) };
    await expect(runRequirement('deletions:propagate', silent, createMemoryFixture(upstream))).rejects.toThrow(
      /did not report deleted ids: "note-5"/,
    );
    await expect(
      runRequirement('deletions:propagate', silent, createMemoryFixture(upstream, { deletionsByFullRefresh: true })),
    ).resolves.toBeUndefined();
  });

  it('a connector whose check() accepts a bad setup fails check:bad-setup', async () => {
    const upstream = createMemoryUpstream();
    const base = createMemoryConnector(upstream);
    const lenient = { ...base, check: async () => ({ ok: true, message: '' }) };
    await expect(runRequirement('check:bad-setup', lenient, createMemoryFixture(upstream))).rejects.toThrow(
      /bad setup "wrong token": check\(\) resolved ok: true/,
    );
    await expect(
      runRequirement('check:bad-setup', base, createMemoryFixture(upstream, { badSetups: [] })),
    ).rejects.toThrow(/badSetups is empty/);
  });

  it('a connector without declared incremental reads fails read:incremental unless waived', async () => {
    const upstream = createMemoryUpstream();
    const base = createMemoryConnector(upstream);
    const full = {
      ...base,
      manifest: { ...base.manifest, capabilities: { ...base.manifest.capabilities!, incremental: false } },
    };
    await expect(runRequirement('read:incremental', full, createMemoryFixture(upstream))).rejects.toThrow(
      /does not declare capabilities\.incremental; waive read:incremental/,
    );
  });

  it('a manifest whose sdk range excludes this SDK fails manifest:valid', async () => {
    const upstream = createMemoryUpstream();
    const base = createMemoryConnector(upstream);
    const old = { ...base, manifest: { ...base.manifest, sdk: '^0.3.0' } };
    await expect(runRequirement('manifest:valid', old, createMemoryFixture(upstream))).rejects.toThrow(
      /sdk "\^0\.3\.0" does not admit this SDK/,
    );
  });

  it('a fixture config that does not parse fails manifest:json-schema', async () => {
    const { connector, fixture } = broken('bad-item');
    await expect(
      runRequirement('manifest:json-schema', connector, { ...fixture, config: { label: '' } }),
    ).rejects.toThrow(/fixture config does not parse.*config\.label/);
  });

  it('a single-page connector that ignores an abort before reading fails abort:prompt', async () => {
    const single = defineConnector({
      manifest: {
        name: 'one-page',
        version: '1.0.0',
        sdk: '^1.0.0',
        title: 'One page',
        description: 'Yields one page whatever happens.',
        auth: { type: 'none' },
        streams: ['notes'],
        config: z.object({}),
        checkpoint: z.object({ done: z.boolean() }),
      },
      check: async () => ({ ok: true, message: 'ok' }),
      async *read() {
        yield { items: [{ externalId: 'only', stream: 'notes', content: 'x' }], checkpoint: { done: true } };
      },
    });
    const fixture: ConformanceFixture = {
      config: {},
      setup: () => undefined,
      mutate: () => ({ added: [], changed: [], deleted: [] }),
    };
    await expect(runRequirement('abort:prompt', single, fixture)).rejects.toThrow(
      /started with an aborted signal yielded 1 item/,
    );
  });

  it('calls setup before and teardown after each requirement, even when it fails', async () => {
    const { connector, fixture } = broken('ignores-abort');
    const calls: string[] = [];
    const spy = {
      ...fixture,
      setup: () => (calls.push('setup'), fixture.setup()),
      teardown: () => void calls.push('teardown'),
    };
    await expect(runRequirement('abort:prompt', connector, spy)).rejects.toThrow();
    expect(calls).toEqual(['setup', 'teardown']);
  });
});

describe('crashPoints', () => {
  it('tries every page up to the bound, then 10 spread points including the first and last', () => {
    expect(crashPoints(3, 50)).toEqual([0, 1, 2]);
    const sample = crashPoints(120, 50);
    expect(sample).toHaveLength(10);
    expect(sample[0]).toBe(0);
    expect(sample[9]).toBe(119);
    expect(new Set(sample).size).toBe(10);
  });
});

async function* dropDeletes<T extends { deletes?: string[] }>(pages: AsyncIterable<T>): AsyncIterable<T> {
  for await (const page of pages) yield { ...page, deletes: [] };
}

describe('coverageProblems', () => {
  const all = new Set(Object.keys(REQUIREMENTS));
  it('is empty when every requirement ran or was waived', () => {
    expect(coverageProblems(all, {})).toEqual([]);
  });
  it('names a requirement neither run nor waived, and a waiver of an unknown requirement', () => {
    const some = new Set([...all].filter((id) => id !== 'abort:prompt'));
    expect(coverageProblems(some, { 'sync:made-up': 'because' })).toEqual([
      expect.stringContaining('unknown requirement "sync:made-up"'),
      'requirement abort:prompt was neither run nor waived',
    ]);
  });
});
