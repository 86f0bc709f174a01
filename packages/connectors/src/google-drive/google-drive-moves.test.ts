import { createMemoryState, type MemoryConnectorState } from '@tributary/sdk';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DriveState,
  FOLDER,
  startDriveTwin,
  type DriveTwin,
  type TwinFile,
} from '../../../../test/twins/google/index.js';
import { googleDriveConnector } from './index.js';

let twin: DriveTwin | undefined;
afterEach(async () => {
  await twin?.close();
  twin = undefined;
});

interface Run {
  ids: string[];
  deletes: string[];
  state: MemoryConnectorState;
  checkpoint: unknown;
  apiCalls: number;
}

async function sync(config: Record<string, unknown>, from?: Run, maxPages?: number): Promise<Run> {
  const ctx = createTestContext(googleDriveConnector, {
    config: { rootUrl: twin!.rootUrl, ...config },
    credentials: { kind: 'oauth2', accessToken: 'ya29.twin-token' },
    checkpoint: from?.checkpoint,
    state: createMemoryState(from?.state.snapshot()),
  });
  const pages = await collectPages(googleDriveConnector, ctx, maxPages ? { maxPages } : {});
  return {
    ids: pages.flatMap((p) => (p.items ?? []).map((i) => i.externalId)).sort(),
    deletes: pages.flatMap((p) => p.deletes ?? []).sort(),
    state: ctx.state,
    checkpoint: pages.at(-1)?.checkpoint ?? from?.checkpoint,
    apiCalls: ctx.stats.apiCalls,
  };
}

const ids = (files: TwinFile[]): string[] => files.map((f) => f.id).sort();

describe('google drive: folders moving in and out of the selection', () => {
  it('tombstones the subtree of a folder moved out, reads it again when moved back, and follows trash and config', async () => {
    const s = new DriveState();
    const projects = s.add({ name: 'Projects', mimeType: FOLDER });
    const archive = s.add({ name: 'Archive', mimeType: FOLDER });
    const sub = s.add({ name: 'Sub', mimeType: FOLDER, parent: projects.id });
    const deep = s.add({ name: 'Deep', mimeType: FOLDER, parent: sub.id });
    const text = (name: string, parent: string): TwinFile =>
      s.add({ name, mimeType: 'text/plain', parent, content: `notes ${name}` });
    const top = [text('a.txt', projects.id), text('b.txt', projects.id)];
    const inSub = Array.from({ length: 505 }, (_, i) => text(`s${i}.txt`, sub.id));
    const inDeep = [text('d1.txt', deep.id), text('d2.txt', deep.id)];
    const inArchive = [text('old.txt', archive.id)];
    twin = await startDriveTwin(s, { record: false });
    const config = { folders: { include: ['Projects'] }, pageSize: 1000, concurrency: 8 };

    const first = await sync(config);
    expect(first.ids).toEqual(ids([...top, ...inSub, ...inDeep]));

    // Files moved on their own inside the selection keep their text (no new modifiedTime: nothing is downloaded),
    // but their records follow them: a.txt now lives under Sub, s0.txt right under Projects.
    s.move(top[0]!.id, sub.id);
    s.move(inSub[0]!.id, projects.id);
    const shuffled = await sync(config, first);
    expect(shuffled.ids).toEqual([]);
    const underSub = [top[0]!, ...inSub.slice(1), ...inDeep];

    // Sub (with Deep inside) moved to Archive: one change record, for the folder alone. A crash after the first page
    // of tombstones (500), then a resume: all 507 files under it are gone, nothing else, and no file is downloaded.
    s.move(sub.id, archive.id);
    const crashed = await sync(config, shuffled, 1);
    expect(crashed.deletes).toHaveLength(500);
    const out = await sync(config, crashed);
    expect([...crashed.deletes, ...out.deletes].sort()).toEqual(ids(underSub));
    expect(out.ids).toEqual([]);
    // folders files.list + changes.list: the tombstones come from connector state.
    expect(out.apiCalls).toBe(2);
    expect((await sync(config, out)).deletes).toEqual([]);

    // Moved back in: its files are listed by parent and read again; Archive moved in too brings its file.
    s.move(sub.id, projects.id);
    s.move(archive.id, projects.id);
    const back = await sync(config, out);
    expect(back.ids).toEqual(ids([...underSub, ...inArchive]));
    expect(back.deletes).toEqual([]);
    // A file moved in and then read again by the change log is not read twice in the next sync.
    expect((await sync(config, back)).ids).toEqual([]);

    // Trashing a folder (Drive trashes what is under it) and excluding one by config both remove their files.
    s.trash(deep.id);
    const trashed = await sync(config, back);
    expect(trashed.deletes).toEqual(ids(inDeep));
    const excluded = await sync({ ...config, folders: { include: ['Projects'], exclude: ['Archive'] } }, trashed);
    expect(excluded.deletes).toEqual(ids(inArchive));
  });

  it('drops files at the root (in no folder) when folders.include narrows the source', async () => {
    const s = new DriveState();
    const projects = s.add({ name: 'Projects', mimeType: FOLDER });
    const inside = s.add({ name: 'plan.txt', mimeType: 'text/plain', parent: projects.id, content: 'plan' });
    const loose = s.add({ name: 'loose.txt', mimeType: 'text/plain', content: 'loose' });
    twin = await startDriveTwin(s, { record: false });
    const everything = await sync({});
    expect(everything.ids).toEqual(ids([inside, loose]));
    const narrowed = await sync({ folders: { include: ['Projects'] } }, everything);
    expect(narrowed.deletes).toEqual([loose.id]);
    expect((await sync({ folders: { include: ['Projects'] } }, narrowed)).deletes).toEqual([]);
  });
});
