import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { createSchemaValidator, testdataPath, type Exchange } from '../kit/index.js';

type Schema = Record<string, unknown>;
type Spec = { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, Schema> } };

/**
 * GitLab's REST v4 description (testdata/specs/gitlab: GitLab's generated Swagger 2.0 converted to OpenAPI 3.0, plus
 * its patch for GET /user). The generator types every field whose entity has no documented type as `string` and
 * every association as one object; GitLab sends integers, booleans, nulls and arrays there (the API docs' examples
 * show them: https://docs.gitlab.com/api/issues/ , /merge_requests/ , /notes/). Those fields are corrected below,
 * and only those; anything else the twin sends must match the document as published.
 */
const FIXES: Record<string, Record<string, Schema>> = {
  API_Entities_Issue: {
    assignees: { type: 'array', items: { $ref: '#/components/schemas/API_Entities_UserBasic' } },
    user_notes_count: { type: 'integer' },
    upvotes: { type: 'integer' },
    downvotes: { type: 'integer' },
    closed_at: { type: 'string', format: 'date-time', nullable: true },
  },
  API_Entities_MergeRequestBasic: {
    assignees: { type: 'array', items: { $ref: '#/components/schemas/API_Entities_UserBasic' } },
    labels: { type: 'array', items: { type: 'string' } },
    user_notes_count: { type: 'integer' },
    upvotes: { type: 'integer' },
    downvotes: { type: 'integer' },
    source_project_id: { type: 'integer' },
    target_project_id: { type: 'integer' },
    draft: { type: 'boolean' },
    merged_at: { type: 'string', nullable: true },
    closed_at: { type: 'string', nullable: true },
  },
  API_Entities_Note: {
    id: { type: 'integer' },
    system: { type: 'boolean' },
    noteable_id: { type: 'integer' },
    noteable_iid: { type: 'integer' },
    project_id: { type: 'integer' },
    resolvable: { type: 'boolean' },
    confidential: { type: 'boolean' },
    internal: { type: 'boolean' },
  },
};

let cached: Spec | undefined;

/** The description with {@link FIXES} applied (parsed once per process). */
export function gitlabSpec(): Spec {
  if (cached) return cached;
  const text = gunzipSync(readFileSync(testdataPath('specs/gitlab/gitlab-openapi3.yaml.gz'))).toString('utf8');
  const spec = parse(text, { maxAliasCount: -1 }) as Spec;
  const patch = parse(readFileSync(testdataPath('specs/gitlab/gitlab-openapi3-patch.yaml'), 'utf8')) as Spec;
  Object.assign(spec.paths, patch.paths);
  Object.assign(spec.components.schemas, patch.components.schemas);
  // A single merge request has the list entity's fields (and more): the same corrections.
  FIXES.API_Entities_MergeRequest = FIXES.API_Entities_MergeRequestBasic!;
  for (const [name, props] of Object.entries(FIXES)) {
    const s = spec.components.schemas[name] as { properties: Record<string, Schema> };
    for (const [k, v] of Object.entries(props)) s.properties[k] = v;
  }
  cached = spec;
  return spec;
}

const ref = (name: string): string => `#/components/schemas/${name}`;

/**
 * Route → the schema each element (arrays) or the body is checked against. The generated description lists some
 * collections as one object (`GET /projects/{id}/issues` → `API_Entities_Issue`); their elements are checked
 * against it. Discussions are not in the description (GitLab's notes/discussions API is not generated): each of
 * their notes is checked as `API_Entities_Note`.
 */
const SCHEMA_OF: Record<string, { schema: string; list: boolean }> = {
  user: { schema: ref('API_Entities_CurrentUser'), list: false },
  'projects.show': { schema: ref('API_Entities_ProjectWithAccess'), list: false },
  'groups.projects': { schema: ref('API_Entities_Project'), list: true },
  'issues.list': { schema: ref('API_Entities_Issue'), list: true },
  'merge_requests.list': { schema: ref('API_Entities_MergeRequestBasic'), list: true },
  'issues.show': { schema: ref('API_Entities_Issue'), list: false },
  'merge_requests.show': { schema: ref('API_Entities_MergeRequest'), list: false },
  'merge_requests.diffs': { schema: ref('API_Entities_Diff'), list: true },
  'commits.list': { schema: ref('API_Entities_Commit'), list: true },
  'wikis.list': { schema: ref('API_Entities_WikiPage'), list: true },
  'issues.discussions': { schema: ref('API_Entities_Note'), list: true },
  'merge_requests.discussions': { schema: ref('API_Entities_Note'), list: true },
};

/** Problems of the twin's successful answers against the description; an empty list when all validate. */
export function gitlabSpecProblems(exchanges: Exchange[]): string[] {
  const validator = createSchemaValidator(gitlabSpec());
  const problems: string[] = [];
  for (const x of exchanges) {
    if (x.status !== 200) continue;
    const target = SCHEMA_OF[x.route];
    if (!target) {
      problems.push(`${x.route}: no schema mapped`);
      continue;
    }
    const elements = target.list ? (x.body as unknown[]) : [x.body];
    const bodies = x.route.endsWith('.discussions')
      ? (elements as Array<{ notes: unknown[] }>).flatMap((d) => d.notes)
      : elements;
    for (const b of bodies) for (const p of validator.validate(target.schema, b)) problems.push(`${x.route}: ${p}`);
  }
  return problems;
}
