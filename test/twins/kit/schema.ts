import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/**
 * Validates twin responses against a vendor's published description (GitHub's OpenAPI 3.0, Slack's Swagger 2.0).
 * The whole document is registered once; each response is validated against the schema at a JSON pointer inside
 * it, compiled on first use, so only the operations a test uses cost anything.
 */
export interface SchemaValidator {
  /** Problems of `body` against the schema at `pointer` (`#/paths/…/schema`); empty when it validates. */
  validate(pointer: string, body: unknown): string[];
}

/** Escapes one JSON-pointer segment (`/` → `~1`, `~` → `~0`). */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Rewrites OpenAPI 3.0's `nullable: true` as JSON Schema (`type: [t, 'null']`, or `anyOf` with null when the
 * schema has no type), in place. Ajv only accepts `nullable` beside a `type`, and GitHub's description also puts it
 * beside `allOf`/`$ref`.
 */
export function rewriteNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) rewriteNullable(n);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const v of Object.values(o)) rewriteNullable(v);
  if (o.nullable !== true) return;
  delete o.nullable;
  if (Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  if (typeof o.type === 'string') o.type = [o.type, 'null'];
  else if (o.type === undefined) {
    const rest = { ...o };
    for (const k of Object.keys(o)) delete o[k];
    o.anyOf = [rest, { type: 'null' }];
  }
}

/**
 * @param spec the parsed description document (OpenAPI 3.0 documents are rewritten with {@link rewriteNullable})
 * @example const v = createSchemaValidator(spec); v.validate(githubResponsePointer('/repos/{owner}/{repo}', 'get'), body)
 */
export function createSchemaValidator(spec: object): SchemaValidator {
  // strict: false — vendor documents use keywords (example, x-github, discriminator) Ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  if (typeof (spec as { openapi?: unknown }).openapi === 'string') {
    spec = structuredClone(spec);
    rewriteNullable(spec);
  }
  ajv.addSchema(spec, 'spec');
  const cache = new Map<string, ValidateFunction>();
  return {
    validate(pointer, body) {
      let fn = cache.get(pointer);
      if (!fn) {
        fn = ajv.compile({ $ref: `spec${pointer}` });
        cache.set(pointer, fn);
      }
      if (fn(body)) return [];
      return (fn.errors ?? [])
        .slice(0, 20)
        .map((e) =>
          `${e.instancePath || '(root)'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim(),
        );
    },
  };
}
