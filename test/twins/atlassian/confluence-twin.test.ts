import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaValidator, pointerSegment, testdataPath } from '../kit/index.js';
import { seedConfluenceSite, startConfluenceTwin, type ConfluenceTwin } from './index.js';

// Confluence Cloud REST v2 (OpenAPI 3.0.3): every answer is validated against its 200 schema.
const spec = JSON.parse(readFileSync(testdataPath('specs', 'atlassian', 'confluence-openapi-v2.v3.json'), 'utf8'));
const validator = createSchemaValidator(spec as object);
const ok = (path: string) => `#/paths/${pointerSegment(path)}/get/responses/200/content/application~1json/schema`;
const POINTERS: Record<string, string> = {
  spaces: ok('/spaces'),
  pages: ok('/pages'),
  blogposts: ok('/blogposts'),
  'page.get': ok('/pages/{id}'),
  'blogpost.get': ok('/blogposts/{id}'),
  'page.versions': ok('/pages/{id}/versions'),
  'footer-comments': ok('/footer-comments'),
  'inline-comments': ok('/inline-comments'),
};

let twin: ConfluenceTwin;
const seed = seedConfluenceSite({
  spaces: 2,
  pagesPerSpace: 6,
  versionsPerPage: 3,
  blogPostsPerSpace: 2,
  commentsPerPage: 1,
});
beforeAll(async () => {
  twin = await startConfluenceTwin(seed.state);
});
afterAll(async () => twin.close());

const basic = `Basic ${Buffer.from('ada@example.com:wiki-token').toString('base64')}`;
const get = async (path: string) => {
  const res = await fetch(`${twin.url}${path}`, { headers: { authorization: basic } });
  return {
    status: res.status,
    body: (await res.json()) as { results?: Array<Record<string, unknown>>; _links?: { next?: string } } & Record<
      string,
      unknown
    >,
  };
};

describe('confluence twin', () => {
  it("pages with _links.next and answers what Confluence's v2 description says", async () => {
    const seen: string[] = [];
    let next: string | undefined = '/wiki/api/v2/pages?sort=-modified-date&limit=5&body-format=atlas_doc_format';
    while (next) {
      const res = await get(next);
      seen.push(...res.body.results!.map((r) => r.id as string));
      next = res.body._links?.next;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    await get('/wiki/api/v2/spaces?keys=ENG');
    await get('/wiki/api/v2/blogposts?body-format=storage');
    await get(`/wiki/api/v2/pages/${seed.pageIds[1]}?version=2&body-format=storage`);
    await get(`/wiki/api/v2/blogposts/${seed.blogPostIds[0]}`);
    await get(`/wiki/api/v2/pages/${seed.pageIds[1]}/versions`);
    await get('/wiki/api/v2/footer-comments?body-format=atlas_doc_format&sort=-modified-date');
    await get('/wiki/api/v2/inline-comments?body-format=atlas_doc_format');
    const problems = twin.exchanges.flatMap((x) =>
      validator.validate(POINTERS[x.route]!, x.body).map((p) => `${x.route}: ${p}`),
    );
    expect(problems).toEqual([]);
    const old = twin.exchanges.find((x) => x.route === 'page.get')!.body as {
      version: { number: number };
      status: string;
    };
    expect(old).toMatchObject({ version: { number: 2 }, status: 'historical' });
  });

  it('hides trashed content from current listings, 404s purged content, refuses bad tokens and cursors', async () => {
    seed.state.trash(seed.pageIds[2]!);
    const current = await get('/wiki/api/v2/pages?limit=250');
    expect(current.body.results!.map((r) => r.id)).not.toContain(seed.pageIds[2]);
    const trashed = await get('/wiki/api/v2/pages?status=trashed');
    expect(trashed.body.results!.map((r) => r.id)).toEqual([seed.pageIds[2]]);
    seed.state.purge(seed.pageIds[4]!);
    expect((await get(`/wiki/api/v2/pages/${seed.pageIds[4]}`)).status).toBe(404);
    expect((await get('/wiki/api/v2/pages?cursor=%%%')).status).toBe(400);
    const res = await fetch(`${twin.url}/wiki/api/v2/spaces`, { headers: { authorization: 'Basic eDp5' } });
    expect(res.status).toBe(401);
  });
});
