/** The part of a JSON Schema (as `z.toJSONSchema` writes a connector config) the form understands. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  secret?: boolean;
  writeOnly?: boolean;
  additionalProperties?: boolean | JsonSchema;
}

export type FieldKind = 'text' | 'secret' | 'number' | 'integer' | 'boolean' | 'enum' | 'list' | 'object' | 'json';

/** One input of the generated form. `path` is dotted from the config root (as the API's issue paths are). */
export interface Field {
  path: string;
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  default?: unknown;
  options?: string[];
  min?: number;
  max?: number;
  children?: Field[];
}

/** The masked value the API shows for a stored secret; sent back, it keeps the secret (engine config-secrets). */
export const MASK = '********';

/** `vaultPath` → "Vault path", `backfill_days` → "Backfill days". */
export function labelOf(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `T | null` and single-member unions collapse to their member. */
function unwrap(s: JsonSchema): JsonSchema {
  const alts = (s.anyOf ?? s.oneOf)?.filter((a) => a.type !== 'null');
  if (alts && alts.length === 1)
    return {
      ...alts[0],
      ...(s.description ? { description: s.description } : {}),
      ...(s.default !== undefined ? { default: s.default } : {}),
    };
  return s;
}

function kindOf(s: JsonSchema): FieldKind {
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (s.secret || s.writeOnly) return 'secret';
  if (s.enum && s.enum.every((v) => typeof v === 'string')) return 'enum';
  if (type === 'boolean') return 'boolean';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'string') return 'text';
  if (type === 'array' && s.items && ['string', 'number', 'integer'].includes(String(unwrap(s.items).type)))
    return 'list';
  if (type === 'object' && s.properties) return 'object';
  return 'json';
}

/** The form's fields from a config JSON Schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema, prefix = ''): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, raw]) => {
    const s = unwrap(raw);
    const kind = kindOf(s);
    const path = prefix ? `${prefix}.${key}` : key;
    const field: Field = {
      path,
      key,
      label: s.title ?? labelOf(key),
      kind,
      required: required.has(key) && s.default === undefined,
    };
    if (s.description) field.description = s.description;
    if (s.default !== undefined) field.default = s.default;
    if (kind === 'enum') field.options = s.enum as string[];
    const min = s.minimum;
    if (min !== undefined) field.min = min;
    if (s.maximum !== undefined) field.max = s.maximum;
    if (kind === 'object') field.children = fieldsOf(s, path);
    return field;
  });
}

/** Form state: every leaf as the text or boolean its input holds, by path. */
export type FormValues = Record<string, string | boolean>;

function getPath(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/**
 * Inputs' initial state from a stored (masked) config. A value not set stays empty and shows its default as a
 * placeholder, so saving does not pin today's default into the source. Checkboxes show their default. Secrets
 * always start empty.
 */
export function initialValues(fields: Field[], config: Record<string, unknown> = {}): FormValues {
  const out: FormValues = {};
  const visit = (f: Field): void => {
    if (f.children) return f.children.forEach(visit);
    const v = getPath(config, f.path);
    if (f.kind === 'secret') out[f.path] = '';
    else if (f.kind === 'boolean') out[f.path] = (v ?? f.default) === true;
    else if (f.kind === 'list') out[f.path] = Array.isArray(v) ? v.join('\n') : '';
    else if (f.kind === 'json') out[f.path] = v === undefined ? '' : JSON.stringify(v, null, 2);
    else out[f.path] = v === undefined || v === null ? '' : String(v);
  };
  fields.forEach(visit);
  return out;
}

/** Which secret fields hold a stored value (shown masked by the API), so an empty input keeps it. */
export function storedSecrets(fields: Field[], config: Record<string, unknown> = {}): Set<string> {
  const out = new Set<string>();
  const visit = (f: Field): void => {
    if (f.children) return f.children.forEach(visit);
    if (f.kind === 'secret' && getPath(config, f.path) === MASK) out.add(f.path);
  };
  fields.forEach(visit);
  return out;
}

/**
 * The config to send: typed values of the inputs; an empty optional input is left out (the connector's default
 * applies); an empty secret that is stored is sent as the mask (the server keeps it). A value that cannot be read
 * (a number field with letters, bad JSON) is sent as typed text so the API answers with the field's error.
 */
export function buildConfig(
  fields: Field[],
  values: FormValues,
  stored: Set<string> = new Set(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.children) {
      const child = buildConfig(f.children, values, stored);
      if (Object.keys(child).length) out[f.key] = child;
      continue;
    }
    const v = values[f.path];
    if (f.kind === 'boolean') {
      if (v !== (f.default ?? false) || f.required) out[f.key] = v === true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (f.kind === 'secret' && stored.has(f.path)) out[f.key] = MASK;
      else if (f.kind === 'list' && f.required) out[f.key] = [];
      continue;
    }
    if (f.kind === 'number' || f.kind === 'integer') out[f.key] = Number.isFinite(Number(text)) ? Number(text) : text;
    else if (f.kind === 'list')
      out[f.key] = text
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (f.kind === 'json') {
      try {
        out[f.key] = JSON.parse(text);
      } catch {
        out[f.key] = text;
      }
    } else out[f.key] = f.kind === 'secret' ? (v as string) : text;
  }
  return out;
}

/** API issues (`config.pageSize`, `name`, `schedule.cron`) keyed by form path; `config.` is dropped for fields. */
export function issuesByField(issues: Array<{ path: string; message: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) {
    const key = i.path.startsWith('config.') ? i.path.slice('config.'.length) : i.path;
    out[key] = out[key] ? `${out[key]}; ${i.message}` : i.message;
  }
  return out;
}

/** Which list field a discovered resource kind fills (channel → channels …), if the config has one. */
export function pickerField(fields: Field[], kind: string): Field | undefined {
  const lists: Field[] = [];
  const visit = (f: Field): void => {
    if (f.children) f.children.forEach(visit);
    else if (f.kind === 'list') lists.push(f);
  };
  fields.forEach(visit);
  const k = kind.toLowerCase();
  const names = [
    k,
    `${k}s`,
    `${k}es`,
    k.replace(/y$/, 'ies'),
    k === 'repository' ? 'repos' : '',
    k === 'folder' ? 'ignore' : '',
  ];
  return (
    lists.find((f) => names.includes(f.key.toLowerCase())) ??
    lists.find((f) => names.some((n) => n && f.path.toLowerCase().startsWith(`${n}.`)))
  );
}
