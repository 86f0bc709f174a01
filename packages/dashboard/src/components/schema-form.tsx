import type { Field, FormValues } from '../lib/schema.js';

export interface Picker {
  field: string;
  resources: Array<{ id: string; name: string; kind: string; description?: string }>;
}

interface Props {
  fields: Field[];
  values: FormValues;
  errors: Record<string, string>;
  /** Secret fields with a stored value: an empty input keeps it. */
  stored: Set<string>;
  pickers?: Picker[];
  onChange: (path: string, value: string | boolean) => void;
  idPrefix?: string;
}

/** "(1–2000)", "(at least 1)", "(at most 60000)"; nothing for the unbounded ends zod fills with huge numbers. */
function rangeText(f: Field): string {
  const min = f.min;
  const max = f.max !== undefined && f.max < 1e12 ? f.max : undefined;
  if (min !== undefined && max !== undefined) return ` (${min}–${max})`;
  if (min !== undefined && min !== 0) return ` (at least ${min})`;
  if (max !== undefined) return ` (at most ${max})`;
  return '';
}

const idOf = (prefix: string, path: string) => `${prefix}-${path.replace(/[^\w-]/g, '-')}`;

/**
 * A form generated from a connector's config JSON Schema: required marks, descriptions, defaults as placeholders,
 * selects for enums, one-per-line lists (with a picker from discovery), masked secrets that are never filled back,
 * and the API's issue for a field shown under it.
 */
export function SchemaForm(props: Props) {
  return (
    <>
      {props.fields.map((f) => (
        <FieldView key={f.path} field={f} {...props} />
      ))}
    </>
  );
}

function FieldView(props: Props & { field: Field }) {
  const { field: f, values, errors, stored, onChange } = props;
  const prefix = props.idPrefix ?? 'cfg';
  if (f.children)
    return (
      <fieldset class="group">
        <legend>{f.label}</legend>
        {f.description && <p class="hint">{f.description}</p>}
        <SchemaForm {...props} fields={f.children} />
      </fieldset>
    );
  const id = idOf(prefix, f.path);
  const error = errors[f.path];
  const describedBy =
    [f.description ? `${id}-desc` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.path,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    required: f.required,
  };
  const value = values[f.path];
  const text = typeof value === 'string' ? value : '';
  const placeholder =
    f.default !== undefined && f.kind !== 'boolean'
      ? `Default: ${Array.isArray(f.default) ? f.default.join(', ') || 'none' : String(f.default)}`
      : undefined;
  let input;
  if (f.kind === 'boolean')
    input = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(f.path, (e.target as HTMLInputElement).checked)}
      />
    );
  else if (f.kind === 'enum')
    input = (
      <select {...common} value={text} onChange={(e) => onChange(f.path, (e.target as HTMLSelectElement).value)}>
        {!f.required && <option value="">{f.default !== undefined ? `Default (${String(f.default)})` : '—'}</option>}
        {f.options!.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  else if (f.kind === 'list' || f.kind === 'json')
    input = (
      <textarea
        {...common}
        rows={f.kind === 'json' ? 4 : 3}
        value={text}
        placeholder={f.kind === 'list' ? 'One per line' : 'JSON'}
        onInput={(e) => onChange(f.path, (e.target as HTMLTextAreaElement).value)}
      />
    );
  else
    input = (
      <input
        {...common}
        type={f.kind === 'secret' ? 'password' : f.kind === 'number' || f.kind === 'integer' ? 'text' : 'text'}
        inputMode={f.kind === 'integer' ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined}
        autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
        value={text}
        placeholder={f.kind === 'secret' && stored.has(f.path) ? 'Stored — leave empty to keep it' : placeholder}
        onInput={(e) => onChange(f.path, (e.target as HTMLInputElement).value)}
      />
    );
  const picker = props.pickers?.find((p) => p.field === f.path);
  const chosen = new Set(
    text
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return (
    <div class={`field${f.kind === 'boolean' ? ' field-check' : ''}`}>
      <label for={id}>
        {f.label}
        {f.required && (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
        {f.required && <span class="sr-only"> (required)</span>}
        {f.kind === 'secret' && <span class="tag">secret</span>}
      </label>
      {input}
      {f.description && (
        <p class="hint" id={`${id}-desc`}>
          {f.description}
          {rangeText(f)}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-err`}>
          {error}
        </p>
      )}
      {picker && picker.resources.length > 0 && (
        <fieldset class="picker">
          <legend>
            Pick from what the source offers ({picker.resources.length} {picker.resources[0]!.kind}
            {picker.resources.length === 1 ? '' : 's'})
          </legend>
          <ul>
            {picker.resources.slice(0, 200).map((r) => (
              <li key={r.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(r.id)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if ((e.target as HTMLInputElement).checked) next.add(r.id);
                      else next.delete(r.id);
                      onChange(f.path, [...next].join('\n'));
                    }}
                  />{' '}
                  {r.name}
                  {r.description ? <span class="hint"> — {r.description}</span> : null}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </div>
  );
}
