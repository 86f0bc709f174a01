import { createConnectorContext } from '@tributary/sdk/testing';
import type { RateLimiter } from '@tributary/sdk';
import { describe, expect, it } from 'vitest';
import { jiraConnector } from '../../jira/index.js';
import { AtlassianClient, authHeader } from './client.js';

// The Jira connector's config (siteUrl, apiUrl) is what the client reads; its context comes from the SDK helper.
function ctxWith(responses: Array<() => Response>, config: Record<string, unknown>, paused: number[] = []) {
  let i = 0;
  const seen: string[] = [];
  const rateLimiter: RateLimiter = { acquire: async () => 0, pauseFor: (ms) => void paused.push(ms) };
  const ctx = createConnectorContext(jiraConnector, {
    config,
    rateLimiter,
    fetch: async (input) => {
      seen.push(String(input));
      return responses[Math.min(i++, responses.length - 1)]!();
    },
  });
  return { ctx, seen };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('Atlassian client', () => {
  it('builds Basic auth from e-mail + API token and Bearer from OAuth; refuses half a credential', () => {
    expect(authHeader({ kind: 'password', username: 'a@b.c', password: 't' }, 'jira')).toBe(
      `Basic ${Buffer.from('a@b.c:t').toString('base64')}`,
    );
    expect(authHeader({ kind: 'token', token: 't', extra: { email: 'a@b.c' } }, 'jira')).toMatch(/^Basic /);
    expect(authHeader({ kind: 'oauth2', accessToken: 'x' }, 'confluence')).toBe('Bearer x');
    expect(() => authHeader({ kind: 'token', token: 't' }, 'confluence')).toThrow(/No Confluence credential/);
  });

  it('slows the source down when Atlassian says it is near its limit', async () => {
    const paused: number[] = [];
    const { ctx } = ctxWith(
      [json({ ok: 1 }, 200, { 'x-ratelimit-nearlimit': 'true' }), json({ ok: 2 })],
      { siteUrl: 'https://s.atlassian.net' },
      paused,
    );
    const client = new AtlassianClient(ctx, { kind: 'password', username: 'a@b.c', password: 't' }, 'jira');
    await client.get('/rest/api/3/myself');
    await client.get('/rest/api/3/myself');
    expect(paused).toEqual([1000]);
  });

  it('finds the OAuth site by URL among several, and says which to pick when it cannot', async () => {
    const resources = [
      { id: 'c1', url: 'https://one.atlassian.net', scopes: ['read:jira-work'] },
      { id: 'c2', url: 'https://two.atlassian.net', scopes: ['read:jira-work', 'read:confluence-content.all'] },
    ];
    const oauth = { kind: 'oauth2' as const, accessToken: 'tok' };
    const picked = ctxWith([json(resources), json({})], {
      siteUrl: 'https://two.atlassian.net/',
      apiUrl: 'https://gw',
    });
    const site = await new AtlassianClient(picked.ctx, oauth, 'jira').resolveSite();
    expect(site).toEqual({ restBase: 'https://gw/ex/jira/c2', siteUrl: 'https://two.atlassian.net', cloudId: 'c2' });
    const wiki = ctxWith([json(resources)], { apiUrl: 'https://gw' });
    expect((await new AtlassianClient(wiki.ctx, oauth, 'confluence').resolveSite()).cloudId).toBe('c2');
    const ambiguous = ctxWith([json(resources)], { apiUrl: 'https://gw' });
    await expect(new AtlassianClient(ambiguous.ctx, oauth, 'jira').resolveSite()).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining('https://one.atlassian.net, https://two.atlassian.net'),
    });
  });

  it("maps errors with Atlassian's message and never the credential", async () => {
    const { ctx } = ctxWith([json({ errorMessages: ['Issue does not exist'] }, 404)], {
      siteUrl: 'https://s.atlassian.net',
    });
    const client = new AtlassianClient(
      ctx,
      { kind: 'password', username: 'a@b.c', password: 'super-secret-token' },
      'jira',
    );
    const err = (await client.get('/rest/api/3/issue/1').catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({
      code: 'not_found',
      message: 'Jira /rest/api/3/issue/1 answered 404: Issue does not exist',
    });
    expect(JSON.stringify({ m: err.message, s: err.stack })).not.toContain('super-secret-token');
    expect(JSON.stringify(err.message)).not.toContain(Buffer.from('a@b.c:super-secret-token').toString('base64'));
  });
});
