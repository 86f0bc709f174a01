import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gitlabConnector } from '@tributary/connectors/gitlab/index';
import { gitlabDelivery, projectPayload, seedGitlab, startGitlabTwin } from '../../../../test/twins/gitlab/index.js';
import { harness } from './test-support/harness.js';
import { startUp, type UpProcess } from './test-support/up-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-gitlab-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * GitLab webhooks end to end under `tributary up`: a change upstream (the twin), the hook delivery GitLab sends
 * (`X-Gitlab-Token`) POSTed to `/api/v1/webhooks/gitlab`, an incremental sync, and the change in search within 5 s.
 * A deleted note, announced by a Note Hook, leaves search; a delivery with a wrong token is refused.
 */
it('a GitLab hook makes a change searchable within 5 s under `up`; a forged one is refused', async () => {
  const seed = seedGitlab({ issues: 10, mergeRequests: 3, notesPerItem: 2, commits: 5, wikiPages: 1 });
  const twin = await startGitlabTwin(seed.state);
  const p = seed.projects[0]!;
  const dataDir = path.join(dir, 'home');
  const cli = harness([gitlabConnector], dataDir, dir, { GLTOKEN: 'glpat-twin' });
  const token = 'gitlab-hook-token-4f1c2a';
  const added = await cli.run(
    'sources',
    'add',
    'gitlab',
    '--name',
    'gl',
    '--config',
    JSON.stringify({ projects: ['acme/widgets'], baseUrl: twin.url, webhookToken: token }),
    '--credential-env',
    'GLTOKEN',
  );
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
  let up: UpProcess | undefined;
  try {
    const { url, hits, sync } = (up = await startUp(dataDir));
    const deliver = (d: ReturnType<typeof gitlabDelivery>) =>
      fetch(`${url}/api/v1/webhooks/gitlab`, { method: 'POST', headers: d.headers, body: d.rawBody });
    expect(await sync('gl')).toBe(200);

    // A new issue, and GitLab's Issue Hook for it.
    const issue = seed.state.addIssue(p, { title: 'Kestrel migration', description: 'Move the kestrel cluster' });
    const hook = gitlabDelivery(
      token,
      'Issue Hook',
      { object_kind: 'issue', project: projectPayload(p), object_attributes: { iid: issue.iid, action: 'open' } },
      '0b7d1c0e-0000-4000-8000-000000000010',
    );
    let started = Date.now();
    expect((await deliver(hook)).status).toBeLessThan(300);
    await expect.poll(() => hits('kestrel'), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0);
    const issueMs = Date.now() - started;

    // A note deleted: it does not touch the issue; the Note Hook names the issue and the note leaves search.
    const note = seed.state.addNote(p, 'issues', 2, 'The ocelot plan is ready');
    const noteHook = (uuid: string) =>
      gitlabDelivery(
        token,
        'Note Hook',
        {
          object_kind: 'note',
          project: projectPayload(p),
          object_attributes: { noteable_type: 'Issue' },
          issue: { iid: 2 },
        },
        uuid,
      );
    expect((await deliver(noteHook('0b7d1c0e-0000-4000-8000-000000000011'))).status).toBeLessThan(300);
    await expect.poll(() => hits('ocelot'), { timeout: 5_000, interval: 50 }).toBe(1);
    seed.state.deleteNote(p, 'issues', 2, note.id);
    started = Date.now();
    expect((await deliver(noteHook('0b7d1c0e-0000-4000-8000-000000000012'))).status).toBeLessThan(300);
    await expect.poll(() => hits('ocelot'), { timeout: 5_000, interval: 50 }).toBe(0);
    const deleteMs = Date.now() - started;
    console.log(`gitlab hooks: new issue searchable after ${issueMs} ms, deleted note gone after ${deleteMs} ms`);
    expect(issueMs).toBeLessThan(5_000);
    expect(deleteMs).toBeLessThan(5_000);

    const forged = gitlabDelivery('gitlab-hook-token-forged', 'Issue Hook', { project: projectPayload(p) }, 'x');
    expect((await deliver(forged)).status).toBe(401);
  } finally {
    await up?.stop();
    await twin.close();
  }
}, 120_000);
