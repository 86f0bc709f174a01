import { z } from 'zod';
import { isSecretKey } from './redact.js';

/**
 * JSON Schema of a connector config, for forms, docs and the API. Secret fields keep their `secret: true` meta
 * (zod `.meta({ secret: true })`) and are also marked `writeOnly` so clients never expect them back.
 */
export function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  markSecrets(json);
  return json;
}

function markSecrets(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (obj.secret === true) obj.writeOnly = true;
  for (const value of Object.values(obj)) {
    if (Array.isArray(value)) value.forEach(markSecrets);
    else if (value && typeof value === 'object') markSecrets(value);
  }
}

/** Names of top-level (and nested) config fields that hold secrets, by meta or by name. */
export function secretFieldPaths(schema: z.ZodType): string[] {
  const json = configJsonSchema(schema);
  const out: string[] = [];
  const walk = (node: any, path: string[]): void => {
    if (!node || typeof node !== 'object' || !node.properties) return;
    for (const [key, child] of Object.entries<any>(node.properties)) {
      const p = [...path, key];
      if (child?.secret === true || (isSecretKey(key) && child?.type === 'string')) out.push(p.join('.'));
      walk(child, p);
    }
  };
  walk(json, []);
  return out;
}
