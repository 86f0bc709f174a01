import { readFileSync } from 'node:fs';
import { createSchemaValidator, testdataPath, type SchemaValidator } from '../kit/index.js';

/** Formats of Google's Discovery format that are not JSON Schema formats (int64 as strings, base64url …). */
const NON_JSON_FORMATS = new Set([
  'int64',
  'uint64',
  'int32',
  'uint32',
  'double',
  'float',
  'byte',
  'google-datetime',
  'google-duration',
  'google-fieldmask',
]);

/**
 * Rewrites a Discovery schema as JSON Schema, in place: `$ref: "Message"` → `#/definitions/Message`, Discovery-only
 * formats and `type: any` dropped, and objects with declared properties closed (`additionalProperties: false`),
 * so a twin that invents or misspells a field fails validation instead of passing unseen.
 */
function toJsonSchema(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(toJsonSchema);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const v of Object.values(o)) toJsonSchema(v);
  if (typeof o.$ref === 'string' && !o.$ref.startsWith('#')) o.$ref = `#/definitions/${o.$ref}`;
  if (typeof o.format === 'string' && NON_JSON_FORMATS.has(o.format)) delete o.format;
  if (o.type === 'any') delete o.type;
  // A Discovery schema names itself with `id` (JSON Schema's old spelling of `$id`); the name is its key already.
  if (typeof o.id === 'string') delete o.id;
  if (o.type === 'object' && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
}

interface DiscoveryMethod {
  id: string;
  response?: { $ref: string };
}

interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

/** Validates twin answers against a Google Discovery document (`testdata/specs/google/<api>.json`). */
export interface DiscoveryValidator {
  /** The method ids the document declares (`gmail.users.messages.get` …), with their response schema name. */
  methods: Map<string, string | undefined>;
  /** Problems of `body` as the response of method `id`; an unknown method is a problem too. */
  validate(id: string, body: unknown): string[];
}

export function loadDiscovery(
  file: 'gmail-v1.json' | 'calendar-v3.json' | 'drive-v3.json' | 'youtube-v3.json',
): DiscoveryValidator {
  const doc = JSON.parse(readFileSync(testdataPath('specs', 'google', file), 'utf8')) as {
    schemas: Record<string, unknown>;
    resources: Record<string, DiscoveryResource>;
  };
  const methods = new Map<string, string | undefined>();
  const walk = (r: DiscoveryResource): void => {
    for (const m of Object.values(r.methods ?? {})) methods.set(m.id, m.response?.$ref);
    for (const sub of Object.values(r.resources ?? {})) walk(sub);
  };
  for (const r of Object.values(doc.resources)) walk(r);
  const definitions = structuredClone(doc.schemas);
  toJsonSchema(definitions);
  const validator: SchemaValidator = createSchemaValidator({ definitions });
  return {
    methods,
    validate(id, body) {
      if (!methods.has(id)) return [`${id} is not a method of ${file}`];
      const ref = methods.get(id);
      if (!ref) return body === undefined || body === '' ? [] : [`${id} has no response body, got one`];
      return validator.validate(`#/definitions/${ref}`, body);
    },
  };
}
