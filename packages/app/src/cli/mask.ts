import { isSecretKey, suggestKey } from '@tributary/sdk';

/** What a masked secret shows as. */
export const MASK = '********';

/** A secret config value sealed by the vault at rest (`{ "$sealed": "…" }`): shown as the mask, never as a blob. */
function isSealed(value: unknown): boolean {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>).$sealed === 'string'
  );
}

/**
 * Returns a copy of a source config with secret values replaced by {@link MASK}: the fields the connector marks
 * secret (`secretFieldPaths`), plus any key whose name looks like a secret (token, password …) and any value sealed
 * at rest, as a safety net.
 */
export function maskSecrets(config: Record<string, unknown>, secretPaths: string[]): Record<string, unknown> {
  const paths = new Set(secretPaths);
  // A key one typo away from a secret field (`pssword`, stored before unknown keys were refused) is a secret too.
  const secretLeaves = [...new Set(secretPaths.map((p) => p.split('.').pop()!))];
  const walk = (node: unknown, at: string[]): unknown => {
    if (Array.isArray(node)) return node.map((v) => walk(v, at));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const p = [...at, key];
      const secret =
        paths.has(p.join('.')) ||
        (isSecretKey(key) && typeof value === 'string') ||
        isSealed(value) ||
        (typeof value === 'string' && suggestKey(key, secretLeaves) !== undefined);
      out[key] = secret && value !== undefined && value !== null && value !== '' ? MASK : walk(value, p);
    }
    return out;
  };
  return walk(config, []) as Record<string, unknown>;
}
