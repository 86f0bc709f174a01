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

/**
 * Config fields that name files or folders on this machine (`.meta({ path: true })` on a string, or on an array of
 * strings): the engine checks them against the owner's allowed roots and the server's protected paths.
 */
export function pathFieldPaths(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const out: string[] = [];
  const walk = (node: any, trail: string[]): void => {
    if (!node || typeof node !== 'object') return;
    for (const branch of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(branch, trail);
    if (!node.properties) return;
    for (const [key, child] of Object.entries<any>(node.properties)) {
      const p = [...trail, key];
      if (child?.path === true || child?.items?.path === true) out.push(p.join('.'));
      walk(child, p);
    }
  };
  walk(json, []);
  return [...new Set(out)];
}
