import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment, testdataPath } from '../kit/index.js';
import { seedJiraSite, startJiraTwin, type JiraTwin } from './index.js';

// Jira Cloud platform OpenAPI (2022). It predates the enhanced search (`/rest/api/3/search/jql`, 2024), whose page
// is `{ issues: IssueBean[], nextPageToken?, isLast }` (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get):
// its issues are validated against the spec's IssueBean, the envelope against that documented shape.
const spec = JSON.parse(readFileSync(testdataPath('specs', 'atlassian', 'jira-platform-swagger.v3.json'), 'utf8'));
spec.components.schemas.EnhancedSearchPage = {
  type: 'object',
  required: ['issues'],
  additionalProperties: false,
  properties: {
    issues: { type: 'array', items: { $ref: '#/components/schemas/IssueBean' } },
    nextPageToken: { type: 'string' },
    isLast: { type: 'boolean' },
  },
};
const validator = createSchemaValidator(spec as object);
const ok = (path: string) => `#/paths/${pointerSegment(path)}/get/responses/200/content/application~1json/schema`;
const POINTERS: Record<string, string> = {
  'search.jql': '#/components/schemas/EnhancedSearchPage',
  'issue.get': ok('/rest/api/3/issue/{issueIdOrKey}'),
  'issue.comments': ok('/rest/api/3/issue/{issueIdOrKey}/comment'),
  myself: ok('/rest/api/3/myself'),
  'project.search': ok('/rest/api/3/project/search'),
};

let twin: JiraTwin;
const seed = seedJiraSite({ projects: 2, issuesPerProject: 6, commentsPerIssue: 3 });
beforeAll(async () => {
  twin = await startJiraTwin(seed.state);
});
afterAll(async () => twin.close());

const basic = `Basic ${Buffer.from('ada@example.com:jira-token').toString('base64')}`;
const get = async (path: string) => {
  const res = await fetch(`${twin.url}${path}`, { headers: { authorization: basic } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('jira twin', () => {
  it("pages the enhanced JQL search with nextPageToken; every answer fits Jira's description", async () => {
    const jql = encodeURIComponent('project = OPS ORDER BY updated ASC, id ASC');
    const first = await get(`/rest/api/3/search/jql?jql=${jql}&maxResults=4&expand=changelog`);
    expect(first.body).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
    const second = await get(
      `/rest/api/3/search/jql?jql=${jql}&maxResults=4&nextPageToken=${first.body.nextPageToken}`,
    );
    expect(second.body.isLast).toBe(true);
    const keys = [
      ...(first.body.issues as Array<{ key: string }>),
      ...(second.body.issues as Array<{ key: string }>),
    ].map((i) => i.key);
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
    await get(`/rest/api/3/issue/${seed.issueIds[0]}?expand=changelog`);
    await get(`/rest/api/3/issue/${seed.issueIds[0]}/comment?startAt=1&maxResults=1`);
    await get('/rest/api/3/myself');
    await get('/rest/api/3/project/search');
    const problems = twin.exchanges.flatMap((x) =>
      validator.validate(POINTERS[x.route]!, x.body).map((p) => `${x.route}: ${p}`),
    );
    expect(problems).toEqual([]);
    // The issue bodies carry ADF that the ADF schema accepts (adf.test.ts checks the documents themselves).
    expect(JSON.stringify(first.body)).toContain('"type":"doc"');
  });

  it('answers the retired /search with 410, a bad JQL or token with 400, bad credentials with 401', async () => {
    expect((await get('/rest/api/3/search?jql=project%3DOPS')).status).toBe(410);
    const bad = await get(`/rest/api/3/search/jql?jql=${encodeURIComponent('summary ~ oops')}`);
    expect(bad.status).toBe(400);
    expect(validator.validate('#/components/schemas/ErrorCollection', bad.body)).toEqual([]);
    expect((await get('/rest/api/3/search/jql?jql=project%3DOPS&nextPageToken=garbage')).status).toBe(400);
    const res = await fetch(`${twin.url}/rest/api/3/myself`, {
      headers: { authorization: `Basic ${Buffer.from('ada@example.com:wrong').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    const bearer = await fetch(`${twin.url}/ex/jira/${seed.state.cloudId}/rest/api/3/myself`, {
      headers: { authorization: 'Bearer unknown' },
    });
    expect(bearer.status).toBe(401);
  });

  it('reads JQL dates in the user time zone at minute resolution', async () => {
    seed.state.timeZone = 'Asia/Tokyo';
    const issue = seed.state.issues.get(seed.issueIds[4]!)!;
    const tokyo = new Date(issue.updated + 9 * 3_600_000).toISOString();
    const at = `${tokyo.slice(0, 10).replace(/-/g, '/')} ${tokyo.slice(11, 16)}`;
    const res = await get(
      `/rest/api/3/search/jql?jql=${encodeURIComponent(`updated >= "${at}" ORDER BY updated ASC`)}&fields=updated`,
    );
    const found = (res.body.issues as Array<{ id: string }>).map((i) => i.id);
    expect(found).toContain(issue.id);
    expect(found).not.toContain(seed.issueIds[0]);
    seed.state.timeZone = 'Europe/Berlin';
  });
});
