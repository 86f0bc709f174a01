import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPathGuard, type Item, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkedinCheckpoint } from './checkpoint.js';
import { linkedinExportConnector } from './index.js';
import { toRowItem } from './map.js';
import {
  commentRow,
  messageRow,
  sampleExport,
  shareRow,
  shareUrnOf,
  writeExport,
  type ExportSpec,
} from './test-support/archive.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-linkedin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface ReadResult {
  items: Item[];
  deletes: string[];
  errors: string[];
  pages: number;
  checkpoint: LinkedinCheckpoint;
  state: MemoryConnectorState;
}

async function read(
  config: Record<string, unknown>,
  prev?: ReadResult,
  extra: { since?: Date; paths?: ReturnType<typeof createPathGuard> } = {},
): Promise<ReadResult> {
  const ctx = createTestContext(linkedinExportConnector, {
    config,
    ...(prev ? { checkpoint: prev.checkpoint, state: prev.state } : {}),
    ...(extra.since ? { since: extra.since } : {}),
  });
  if (extra.paths) Object.assign(ctx, { paths: extra.paths });
  const pages = await collectPages(linkedinExportConnector, ctx);
  return {
    items: pages.flatMap((p) => p.items ?? []),
    deletes: pages.flatMap((p) => p.deletes ?? []),
    errors: pages.flatMap((p) => (p.errors ?? []).map((e) => e.message)),
    pages: pages.length,
    checkpoint: pages.at(-1)!.checkpoint,
    state: ctx.state as MemoryConnectorState,
  };
}

const countBy = (items: Item[]): Record<string, number> =>
  items.reduce<Record<string, number>>((acc, i) => ((acc[i.stream] = (acc[i.stream] ?? 0) + 1), acc), {});
const idOf = (stream: 'comments' | 'messages', row: Record<string, string>): string => {
  const r = toRowItem(stream, row);
  if ('error' in r) throw new Error(r.error);
  return r.item.externalId;
};

describe('linkedin-export at CI scale', () => {
  it('imports 1,000 posts/comments and 2,000 messages, then a newer archive: exactly the changes and deletions', async () => {
    const zip = path.join(dir, 'export.zip');
    const spec = sampleExport({ shares: 600, comments: 400, messages: 2000, connections: 50, articles: 3 });
    writeExport(zip, spec);
    const first = await read({ archivePath: zip, pageSize: 250 });
    expect(countBy(first.items)).toEqual({
      profile: 1,
      positions: 3,
      connections: 50,
      posts: 600,
      comments: 400,
      articles: 3,
      messages: 2000,
    });
    expect(new Set(first.items.map((i) => i.externalId)).size).toBe(3057);
    expect(first.deletes).toEqual([]);
    expect(first.errors).toEqual([]);
    expect([...first.state.snapshot().keys()].filter((k) => k.startsWith('r:'))).toHaveLength(3057);
    expect(JSON.stringify(first.checkpoint).length).toBeLessThan(300);

    // the same archive again: nothing
    const again = await read({ archivePath: zip, pageSize: 250 }, first);
    expect(again.items).toEqual([]);
    expect(again.deletes).toEqual([]);

    // a newer archive: 10 posts edited, 20 messages new, 30 messages and 5 comments gone
    const next: ExportSpec = structuredClone(spec);
    for (let i = 0; i < 10; i++) next.rows['Shares.csv']![i * 7] = shareRow(i * 7, `Post ${i * 7}, edited.`);
    for (let i = 0; i < 20; i++) next.rows['messages.csv']!.push(messageRow(5000 + i));
    const goneMessages = next.rows['messages.csv']!.splice(100, 30);
    const goneComments = next.rows['Comments.csv']!.splice(0, 5);
    writeExport(zip, next);
    const second = await read({ archivePath: zip, pageSize: 250 }, again);
    expect(countBy(second.items)).toEqual({ posts: 10, messages: 20 });
    expect(second.items.filter((i) => i.stream === 'posts').map((i) => i.externalId)).toEqual(
      Array.from({ length: 10 }, (_, i) => shareUrnOf(i * 7)),
    );
    expect(second.deletes.sort()).toEqual(
      [...goneMessages.map((r) => idOf('messages', r)), ...goneComments.map((r) => idOf('comments', r))].sort(),
    );
    expect([...second.state.snapshot().keys()].filter((k) => k.startsWith('r:'))).toHaveLength(3057 + 20 - 35);
  });
});

describe('linkedin-export records', () => {
  it('maps each file of the archive, from a zip and from the unzipped folder alike', async () => {
    const spec = sampleExport({ shares: 6, comments: 2, messages: 3 });
    spec.rows['messages.csv']![0]!.FROM = 'RenÃ© MÃ¼ller'; // an older export's double-encoded name
    writeExport(path.join(dir, 'a.zip'), spec);
    writeExport(path.join(dir, 'folder'), spec, 'folder');
    const fromZip = await read({ archivePath: path.join(dir, 'a.zip') });
    const fromFolder = await read({ archivePath: path.join(dir, 'folder') });
    expect(fromFolder.items).toEqual(fromZip.items);
    const byId = new Map(fromZip.items.map((i) => [i.externalId, i]));

    expect(byId.get(shareUrnOf(5))).toMatchObject({
      stream: 'posts',
      content:
        'Post 5: shipping week notes.\nSecond line with "quotes", commas.\n\nShared link: https://example.org/article-5',
      title: 'Post 5: shipping week notes.',
      url: 'https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7000000000000000005',
      occurredAt: '2023-01-01T05:00:00.000Z',
      metadata: { sharedUrl: 'https://example.org/article-5', visibility: 'MEMBER_NETWORK' },
    });
    const message = fromZip.items.find((i) => i.stream === 'messages' && i.thread === '2-conv0')!;
    expect(message).toMatchObject({
      author: 'René Müller',
      content: 'Hi, message 0.\nThanks!',
      occurredAt: '2023-01-01T00:00:00.000Z',
      metadata: { to: 'Ana Müller', folder: 'INBOX' },
    });
    expect(byId.get('connection:https://www.linkedin.com/in/person-0')).toMatchObject({
      title: 'First0 Last0',
      occurredAt: '2021-03-01T00:00:00.000Z',
      content: expect.stringContaining('Email: person0@example.org'),
    });
    expect(byId.get('profile')).toMatchObject({ title: 'Ana Müller (LinkedIn profile)', contentType: 'markdown' });
    const article = fromZip.items.find((i) => i.stream === 'articles')!;
    expect(article).toMatchObject({
      title: 'Article 0',
      contentType: 'html',
      url: 'https://www.linkedin.com/pulse/article-0',
      occurredAt: '2023-01-01T00:00:00.000Z',
    });
    expect(article.content).toContain('Body of article 0.');
    const comment = fromZip.items.find((i) => i.stream === 'comments')!;
    expect(comment.thread).toBe('urn:li:activity:6900000000000000000');
  });

  it('a newer archive without messages.csv keeps the messages; a stream taken out of the config deletes them', async () => {
    const zip = path.join(dir, 'export.zip');
    const spec = sampleExport({ shares: 3, comments: 0, messages: 4 });
    writeExport(zip, spec);
    const first = await read({ archivePath: zip });
    delete spec.rows['messages.csv'];
    writeExport(zip, spec);
    const partial = await read({ archivePath: zip }, first);
    expect(partial.items).toEqual([]);
    expect(partial.deletes).toEqual([]);
    writeExport(zip, sampleExport({ shares: 3, comments: 0, messages: 4 }));
    const narrowed = await read({ archivePath: zip, streams: ['posts', 'profile'] }, partial);
    expect(narrowed.items).toEqual([]);
    expect(narrowed.deletes.map((id) => id.split(':')[0]).sort()).toEqual([
      ...Array(2).fill('article'),
      ...Array(5).fill('connection'),
      ...Array(4).fill('message'),
      ...Array(3).fill('position'),
    ]);
  });

  it('a first sync bounded by backfillDays skips older records, and a later archive does not bring them back', async () => {
    const zip = path.join(dir, 'export.zip');
    const spec = sampleExport({ shares: 48, comments: 0, messages: 0, connections: 0, articles: 0 });
    writeExport(zip, spec);
    // shares are one an hour from 2023-01-01 00:00; keep the last day
    const first = await read({ archivePath: zip, streams: ['posts'] }, undefined, {
      since: new Date('2023-01-02T00:00:00Z'),
    });
    expect(first.items.map((i) => i.externalId)).toEqual(Array.from({ length: 24 }, (_, i) => shareUrnOf(24 + i)));
    spec.rows['Shares.csv']!.push(shareRow(48));
    writeExport(zip, spec);
    const next = await read({ archivePath: zip, streams: ['posts'] }, first);
    expect(next.items.map((i) => i.externalId)).toEqual([shareUrnOf(48)]);
  });

  it('skips a record it cannot map with a per-record error and imports the rest', async () => {
    const zip = path.join(dir, 'export.zip');
    const spec = sampleExport({ shares: 2, comments: 2, messages: 0 });
    spec.rows['Comments.csv']!.splice(1, 0, { ...commentRow(9), Message: '' });
    writeExport(zip, spec);
    const r = await read({ archivePath: zip, streams: ['comments'] });
    expect(r.items).toHaveLength(2);
    expect(r.errors).toEqual(['comments record 2: a comment with no message']);
  });
});

describe('linkedin-export bad input', () => {
  it('refuses a missing path, a corrupt zip and a path outside the allowed roots, yielding nothing', async () => {
    await expect(read({ archivePath: path.join(dir, 'missing.zip') })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('does not exist'),
    });
    writeFileSync(path.join(dir, 'bad.zip'), 'not a zip');
    await expect(read({ archivePath: path.join(dir, 'bad.zip') })).rejects.toMatchObject({ code: 'record_invalid' });
    const zip = path.join(dir, 'export.zip');
    writeExport(zip, sampleExport({ shares: 1, comments: 0, messages: 0 }));
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'tributary-linkedin-root-'));
    try {
      const paths = createPathGuard({ protectedPaths: [], allowedRoots: [elsewhere] });
      await expect(read({ archivePath: zip }, undefined, { paths })).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('rejects a relative path and an unknown stream in the config', () => {
    const schema = linkedinExportConnector.manifest.config;
    expect(schema.safeParse({ archivePath: 'export.zip' }).success).toBe(false);
    expect(schema.safeParse({ archivePath: '/x.zip', streams: ['likes'] }).success).toBe(false);
    expect(schema.safeParse({ archivePath: '/x.zip', unknown: 1 }).success).toBe(false);
  });
});
