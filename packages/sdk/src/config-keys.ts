import { z } from 'zod';
import { TributaryError, type ErrorIssue } from './errors.js';

/**
 * The one mechanism for the keys of a source's config: aliases are renamed to their canonical key, then every key
 * the connector's schema does not know is refused, naming the key and, when one is close, the key meant.
 *
 * zod objects strip unknown keys silently, so a misspelled key (`"pasword"`) would be stored and ignored; this walks
 * the raw value against the schema's input JSON Schema instead, so connectors need not mark every object strict.
 * Objects that accept any key (a `z.record`, `.catchall()`, `.loose()`) stay open.
 */

/**
 * Alternative names of config keys, alias → canonical, as dotted paths from the config's root (`vault_path` →
 * `vaultPath`, `auth.api_key` → `auth.apiKey`). A connector declares them in `manifest.configAliases`.
 */
export type ConfigAliases = Readonly<Record<string, string>>;

/** One key the schema does not know. */
export interface UnknownConfigKey {
  /** Dotted path of the key (`password`, `filters.chanels`). */
  path: string;
  /** The known key at the same level it most likely meant, if any is close. */
  suggestion?: string;
  /** The keys that level accepts. */
  known: string[];
}

type JsonNode = Record<string, any>;

const inputSchemas = new WeakMap<z.ZodType, JsonNode>();

function inputSchema(schema: z.ZodType): JsonNode {
  let json = inputSchemas.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
    inputSchemas.set(schema, json);
  }
  return json;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a JSON Schema branch is of the value's JSON type (a `null` branch says nothing about an object). */
function fits(node: JsonNode | undefined, value: unknown): boolean {
  const type = node?.type;
  if (type === undefined) return true;
  const actual =
    value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  const types: string[] = Array.isArray(type) ? type : [type];
  return types.some((t) => t === actual || (actual === 'number' && t === 'integer'));
}

/** The keys of `raw` (at any depth) that `schema` does not accept. */
export function unknownConfigKeys(schema: z.ZodType, raw: unknown): UnknownConfigKey[] {
  const root = inputSchema(schema);
  const resolve = (node: JsonNode | undefined): JsonNode | undefined => {
    let n = node;
    for (let i = 0; n && typeof n.$ref === 'string' && i < 32; i++) {
      const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(n.$ref);
      n = m ? (root.$defs ?? root.definitions)?.[m[1]!] : undefined;
    }
    return n;
  };
  const walk = (node: JsonNode | undefined, value: unknown, path: string[]): UnknownConfigKey[] => {
    const n = resolve(node);
    if (!n || typeof n !== 'object') return [];
    const branches: JsonNode[] = [...(n.anyOf ?? []), ...(n.oneOf ?? [])].filter((b) => fits(resolve(b), value));
    if (n.anyOf || n.oneOf) {
      // The branch that fits best speaks: a union of objects refuses only keys that no close branch knows.
      let best: UnknownConfigKey[] | undefined;
      for (const b of branches) {
        const found = walk(b, value, path);
        if (!best || found.length < best.length) best = found;
        if (!found.length) return [];
      }
      return best ?? [];
    }
    const out: UnknownConfigKey[] = [];
    for (const part of n.allOf ?? []) out.push(...walk(part, value, path));
    if (Array.isArray(value) && n.items && typeof n.items === 'object') {
      value.forEach((v, i) => out.push(...walk(n.items, v, [...path, String(i)])));
      return out;
    }
    if (!isPlainObject(value)) return out;
    const props: Record<string, JsonNode> = n.properties ?? {};
    const extra = n.additionalProperties;
    const open = isPlainObject(extra) || extra === true;
    // Only object schemas speak about keys; anything else (a string, `{}` for unknown) says nothing here.
    if (!n.properties && !open) return out;
    const known = Object.keys(props);
    for (const [key, v] of Object.entries(value)) {
      if (Object.hasOwn(props, key)) out.push(...walk(props[key], v, [...path, key]));
      else if (open) out.push(...(isPlainObject(extra) ? walk(extra, v, [...path, key]) : []));
      else {
        const suggestion = suggestKey(key, known);
        out.push({ path: [...path, key].join('.'), known, ...(suggestion ? { suggestion } : {}) });
      }
    }
    return out;
  };
  return walk(root, raw, []);
}

/** The known key a misspelled one most likely meant: same letters ignoring case and `_`/`-`, or ≤ 2 edits away. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const k = norm(key);
  const same = known.find((c) => norm(c) === k);
  if (same) return same;
  let best: { key: string; d: number } | undefined;
  for (const c of known) {
    const d = editDistance(k, norm(c));
    const limit = Math.min(2, Math.floor(Math.max(k.length, c.length) / 3));
    if (d <= limit && (!best || d < best.d)) best = { key: c, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  // Optimal string alignment: insertions, deletions, substitutions, and a swap of neighbours counts as one edit.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** `backfill_days` → `backfillDays`, `db-path` → `dbPath` (a key without `_`/`-` is returned as is). */
export function camelKey(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Config keys as users write them: `raw` with explicit `aliases` renamed first, then, at any depth the schema
 * describes, every snake_case or kebab-case key the schema does not know renamed to the camelCase key it does know
 * (`filters.min_message_length` → `filters.minMessageLength`). Keys the schema knows, and keys of open objects (a
 * record of user data), are never touched. What is left unknown is refused later by {@link assertKnownConfigKeys}.
 * @throws TributaryError `invalid_config` when a key is given under two names (`backfill_days` and `backfillDays`)
 */
export function canonicalConfigKeys(schema: z.ZodType, raw: unknown, aliases?: ConfigAliases): unknown {
  const root = inputSchema(schema);
  const resolve = (node: JsonNode | undefined): JsonNode | undefined => {
    let n = node;
    for (let i = 0; n && typeof n.$ref === 'string' && i < 32; i++) {
      const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(n.$ref);
      n = m ? (root.$defs ?? root.definitions)?.[m[1]!] : undefined;
    }
    return n;
  };
  // The properties an object value may have here: those of every branch it fits (unions, intersections).
  const propsOf = (node: JsonNode | undefined, value: unknown, out: Record<string, JsonNode[]>): boolean => {
    const n = resolve(node);
    if (!n || typeof n !== 'object' || !fits(n, value)) return false;
    let any = false;
    for (const b of [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])]) any = propsOf(b, value, out) || any;
    for (const [k, v] of Object.entries((n.properties ?? {}) as Record<string, JsonNode>)) {
      (out[k] ??= []).push(v);
      any = true;
    }
    return any;
  };
  const walk = (node: JsonNode | undefined, value: unknown, path: string[]): unknown => {
    if (Array.isArray(value)) {
      const n = resolve(node);
      const items = n?.items && typeof n.items === 'object' ? (n.items as JsonNode) : undefined;
      return items ? value.map((v, i) => walk(items, v, [...path, String(i)])) : value;
    }
    if (!isPlainObject(value)) return value;
    const props: Record<string, JsonNode[]> = {};
    if (!propsOf(node, value, props)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const camel = camelKey(key);
      const name = Object.hasOwn(props, key) || !Object.hasOwn(props, camel) ? key : camel;
      if (name !== key && Object.hasOwn(value, name)) {
        const where = [...path, key].join('.');
        throw new TributaryError(
          'invalid_config',
          `config.${where} and config.${[...path, name].join('.')} are the same setting: give one.`,
          { issues: [{ path: `config.${where}`, message: `same as ${name}` }] },
        );
      }
      const branches = props[name];
      out[name] = branches ? branches.reduce((acc, b) => walk(b, acc, [...path, name]), v) : v;
    }
    return out;
  };
  return walk(root, applyConfigAliases(raw, aliases), []);
}

/**
 * `raw` with each alias renamed to its canonical key (a copy; `raw` is not changed).
 * @throws TributaryError `invalid_config` when an alias and its canonical key are both given
 */
export function applyConfigAliases(raw: unknown, aliases: ConfigAliases | undefined): unknown {
  if (!aliases || !isPlainObject(raw)) return raw;
  let out: Record<string, unknown> = raw;
  for (const [alias, canonical] of Object.entries(aliases)) {
    const from = alias.split('.');
    const to = canonical.split('.');
    const parent = getObject(out, from.slice(0, -1));
    const last = from[from.length - 1]!;
    if (!parent || !Object.hasOwn(parent, last)) continue;
    if (getObject(out, to.slice(0, -1))?.[to[to.length - 1]!] !== undefined) {
      throw new TributaryError(
        'invalid_config',
        `config.${alias} and config.${canonical} are the same setting: give one.`,
        {
          issues: [{ path: `config.${alias}`, message: `same as ${canonical}` }],
        },
      );
    }
    const value = parent[last];
    out = setPath(deletePath(out, from), to, value);
  }
  return out;
}

function getObject(root: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const p of path) node = isPlainObject(node) ? node[p] : undefined;
  return isPlainObject(node) ? node : undefined;
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  const child = isPlainObject(root[head]) ? (root[head] as Record<string, unknown>) : {};
  return { ...root, [head]: rest.length ? setPath(child, rest, value) : value };
}

function deletePath(root: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(root, head)) return root;
  if (!rest.length) {
    const { [head]: _gone, ...kept } = root;
    return kept;
  }
  const child = root[head];
  return isPlainObject(child) ? { ...root, [head]: deletePath(child, rest) } : root;
}

/**
 * Refuses unknown keys: one issue per key, `config.<path>: unknown key (did you mean "…"?)`. Only keys are quoted,
 * never values, so a misspelled secret is not echoed.
 * @throws TributaryError `invalid_config`
 */
export function assertKnownConfigKeys(connectorName: string, schema: z.ZodType, raw: unknown): void {
  const unknown = unknownConfigKeys(schema, raw);
  if (!unknown.length) return;
  const issues: ErrorIssue[] = unknown.map((u) => ({
    path: `config.${u.path}`,
    message: u.suggestion ? `unknown key (did you mean "${u.suggestion}"?)` : 'unknown key',
  }));
  const first = unknown[0]!;
  const hint = first.suggestion
    ? ` Did you mean "${first.suggestion}"?`
    : first.known.length
      ? ` Known keys here: ${first.known.join(', ')}.`
      : '';
  const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : '';
  throw new TributaryError('invalid_config', `Unknown config key "${first.path}" for ${connectorName}${more}.${hint}`, {
    issues,
  });
}
