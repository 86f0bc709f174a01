import { isSecretKey } from '@tributary/sdk';

/** What a masked secret shows as. */
export const MASK = '********';

/**
 * Returns a copy of a source config with secret values replaced by {@link MASK}: the fields the connector marks
 * secret (`secretFieldPaths`), plus any key whose name looks like a secret (token, password …) as a safety net.
 */
export function maskSecrets(config: Record<string, unknown>, secretPaths: string[]): Record<string, unknown> {
  const paths = new Set(secretPaths);
  const walk = (node: unknown, at: string[]): unknown => {
    if (Array.isArray(node)) return node.map((v) => walk(v, at));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const p = [...at, key];
      const secret = paths.has(p.join('.')) || (isSecretKey(key) && typeof value === 'string');
      out[key] = secret && value !== undefined && value !== null && value !== '' ? MASK : walk(value, p);
    }
    return out;
  };
  return walk(config, []) as Record<string, unknown>;
}
