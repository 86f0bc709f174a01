import { readFileSync } from 'node:fs';
import { createSchemaValidator, pointerSegment, testdataPath, type Exchange } from '../kit/index.js';

let validator: ReturnType<typeof createSchemaValidator> | undefined;

/** Route name (Qdrant's operationId) → path and method in Qdrant's OpenAPI description. */
const OPERATIONS: Record<string, [string, string]> = {
  root: ['/', 'get'],
  get_collections: ['/collections', 'get'],
  collection_exists: ['/collections/{collection_name}/exists', 'get'],
  create_collection: ['/collections/{collection_name}', 'put'],
  delete_collection: ['/collections/{collection_name}', 'delete'],
  create_field_index: ['/collections/{collection_name}/index', 'put'],
  upsert_points: ['/collections/{collection_name}/points', 'put'],
  get_points: ['/collections/{collection_name}/points', 'post'],
  delete_points: ['/collections/{collection_name}/points/delete', 'post'],
  set_payload: ['/collections/{collection_name}/points/payload', 'post'],
  overwrite_payload: ['/collections/{collection_name}/points/payload', 'put'],
  batch_update: ['/collections/{collection_name}/points/batch', 'post'],
  count_points: ['/collections/{collection_name}/points/count', 'post'],
  scroll_points: ['/collections/{collection_name}/points/scroll', 'post'],
  query_points: ['/collections/{collection_name}/points/query', 'post'],
};

/**
 * Problems of the twin's recorded answers against Qdrant's published OpenAPI description
 * (`testdata/specs/qdrant/openapi.json`): 200s against the operation's schema, errors against `ErrorResponse`.
 * Empty when every answer validates; an answer of an unknown route is a problem too.
 */
export function qdrantSpecProblems(exchanges: readonly Exchange[]): string[] {
  validator ??= createSchemaValidator(
    JSON.parse(readFileSync(testdataPath('specs', 'qdrant', 'openapi.json'), 'utf8')),
  );
  const problems: string[] = [];
  for (const x of exchanges) {
    const op = OPERATIONS[x.route];
    if (!op) {
      problems.push(`${x.method} ${x.path}: not a route of the twin`);
      continue;
    }
    const pointer =
      x.status >= 400
        ? '#/components/schemas/ErrorResponse'
        : `#/paths/${pointerSegment(op[0])}/${op[1]}/responses/200/content/application~1json/schema`;
    for (const p of validator.validate(pointer, x.body)) problems.push(`${x.method} ${x.path} ${x.status}: ${p}`);
  }
  return problems;
}
