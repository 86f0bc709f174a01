import { TributaryError } from '@tributary/sdk/errors';
import { open, seal, type SealedEnvelope } from './crypto.js';
import type { Keyring } from './keyring.js';

/**
 * Secret config fields (`.meta({ secret: true })`) are stored inline in the source's config JSON as
 * `{ "$sealed": "v1.<keyId>.<iv>.<tag>.<ciphertext>" }`: AES-256-GCM under the vault keyring, with the source id and
 * the field path as additional data, so a sealed value copied to another source or field does not open.
 */
export const SEALED_KEY = '$sealed';

/** What an output shows instead of a secret; an edit that sends it back keeps the stored secret. */
export const SECRET_MASK = '********';

const FORMAT = 'v1';

/** A sealed config value as it sits in the stored config. */
export interface SealedValue {
  [SEALED_KEY]: string;
}

/** True for `{ "$sealed": "…" }` (and nothing else in the object). */
export function isSealedValue(value: unknown): value is SealedValue {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as Record<string, unknown>)[SEALED_KEY] === 'string'
  );
}

/** The AES-GCM additional data: source and field, so a value only opens where it was sealed. */
const scope = (sourceId: string, path: string): string => `${sourceId}#config:${path}`;

function toText(envelope: SealedEnvelope): string {
  return [FORMAT, envelope.keyId, envelope.iv, envelope.tag, envelope.ciphertext].join('.');
}

function fromText(sourceId: string, path: string, text: string): SealedEnvelope {
  const parts = text.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) {
    throw new TributaryError(
      'secret_key_invalid',
      `The sealed config field "${path}" of source "${sourceId}" is malformed; set the field again.`,
      { details: { sourceId, path } },
    );
  }
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  return { sourceId: scope(sourceId, path), keyId, iv, tag, ciphertext };
}

/** Encrypts one config value (any JSON value) for `sourceId` and field `path`. */
export function sealValue(keyring: Keyring, sourceId: string, path: string, value: unknown): SealedValue {
  return { [SEALED_KEY]: toText(seal(keyring, scope(sourceId, path), JSON.stringify(value))) };
}

/** The key id a sealed value was encrypted with. */
export function sealedKeyId(value: SealedValue): string | undefined {
  return value[SEALED_KEY].split('.')[1];
}

/**
 * Decrypts one sealed config value.
 * @throws TributaryError `secret_key_invalid` when the key is missing or the value belongs to another source/field
 */
export function openValue(keyring: Keyring, sourceId: string, path: string, value: SealedValue): unknown {
  const text = open(keyring, scope(sourceId, path), fromText(sourceId, path, value[SEALED_KEY]));
  return JSON.parse(text) as unknown;
}

/** Reads `a.b.c` from a nested object. */
export function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

/** Returns a deep copy of `obj` with `a.b.c` set (or removed when `value` is undefined). */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const out = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = out[head];
  const base = child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  if (value === undefined && child === undefined) return out;
  out[head] = setPath(base, rest.join('.'), value);
  return out;
}

/** Every `$sealed` value in a config, with its dotted path (the paths they were sealed under). */
export function sealedPaths(config: Record<string, unknown>): Array<{ path: string; value: SealedValue }> {
  const out: Array<{ path: string; value: SealedValue }> = [];
  const walk = (node: unknown, at: string[]): void => {
    if (isSealedValue(node)) {
      out.push({ path: at.join('.'), value: node });
      return;
    }
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
  };
  walk(config, []);
  return out;
}

/**
 * Seals the secret fields of a plaintext config for storage. A field whose value is the output mask
 * (`********`) or a sealed value keeps what `previous` (the stored config) holds at that path, so an edit that
 * sends back what `sources show` / the API printed does not overwrite the secret.
 * @throws TributaryError `invalid_config` when a masked value is sent for a field that has no stored secret
 */
export function sealConfig(
  keyring: Keyring,
  sourceId: string,
  config: Record<string, unknown>,
  secretPaths: string[],
  previous?: Record<string, unknown>,
): Record<string, unknown> {
  let out = config;
  for (const path of secretPaths) {
    const value = getPath(config, path);
    if (value === undefined || value === null || value === '') continue;
    if (value === SECRET_MASK || isSealedValue(value)) {
      const kept = previous ? getPath(previous, path) : undefined;
      if (kept === undefined) {
        throw new TributaryError(
          'invalid_config',
          `config.${path}: "${SECRET_MASK}" (or a sealed value) stands for the stored secret, but source "${sourceId}" has none; give the real value.`,
          { issues: [{ path: `config.${path}`, message: 'no stored secret to keep' }] },
        );
      }
      // A previous plaintext value (stored before sealing existed) gets sealed now.
      out = setPath(out, path, isSealedValue(kept) ? kept : sealValue(keyring, sourceId, path, kept));
      continue;
    }
    out = setPath(out, path, sealValue(keyring, sourceId, path, value));
  }
  return out;
}

/**
 * The plaintext config a connector gets: every sealed value opened. Plaintext values (configs stored before
 * sealing, or fields that are not secret) pass through.
 * @throws TributaryError `secret_key_invalid` when a value does not decrypt
 */
export function openConfig(
  keyring: Keyring,
  sourceId: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  let out = config;
  for (const { path, value } of sealedPaths(config))
    out = setPath(out, path, openValue(keyring, sourceId, path, value));
  return out;
}

/** True when a config holds a sealed value that is not under the keyring's active key. */
export function hasStaleSeals(keyring: Keyring, config: Record<string, unknown>): boolean {
  const active = keyring.activeKeyId();
  return sealedPaths(config).some(({ value }) => sealedKeyId(value) !== active);
}

/**
 * Re-seals every value not under the active key; returns undefined when nothing needed it.
 * @throws TributaryError `secret_key_invalid` for a value that does not decrypt
 */
export function resealConfig(
  keyring: Keyring,
  sourceId: string,
  config: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const active = keyring.activeKeyId();
  let out: Record<string, unknown> | undefined;
  for (const { path, value } of sealedPaths(config)) {
    if (sealedKeyId(value) === active) continue;
    const plain = openValue(keyring, sourceId, path, value);
    out = setPath(out ?? config, path, sealValue(keyring, sourceId, path, plain));
  }
  return out;
}
