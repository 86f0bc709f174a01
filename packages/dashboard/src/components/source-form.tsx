import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, qs } from '../api.js';
import {
  buildConfig,
  fieldsOf,
  initialValues,
  issuesByField,
  storedSecrets,
  type FormValues,
  type JsonSchema,
} from '../lib/schema.js';
import { dateTime } from '../lib/format.js';
import { SchemaForm, type Picker } from './schema-form.js';

export interface ConnectorDetail {
  name: string;
  title: string;
  auth: string;
  features: Record<string, { default: boolean; description: string }>;
  config_schema: JsonSchema;
}

export interface SourceBody {
  name: string;
  config: Record<string, unknown>;
  features?: Record<string, boolean>;
  schedule: { interval_minutes?: number; cron?: string } | null;
}

interface Props {
  connector: ConnectorDetail;
  initial?: {
    name: string;
    config: Record<string, unknown>;
    features: Record<string, boolean>;
    schedule: SourceBody['schedule'];
  };
  submitLabel: string;
  /** Show the feature flags (a new source); an existing source's flags have their own panel. @default true */
  withFeatures?: boolean;
  pickers?: Picker[];
  disabled?: boolean;
  /** Saves; an ApiError's issues are shown on their fields. */
  onSubmit: (body: SourceBody, intent: string) => Promise<void>;
  children?: ComponentChildren;
}

/** Name, the connector's generated config form, schedule (with its next three times) and feature flags. */
export function SourceForm(props: Props) {
  const fields = useMemo(() => fieldsOf(props.connector.config_schema), [props.connector]);
  const stored = useMemo(() => storedSecrets(fields, props.initial?.config), [fields, props.initial]);
  const [name, setName] = useState(props.initial?.name ?? '');
  const [values, setValues] = useState<FormValues>(() => initialValues(fields, props.initial?.config));
  const [features, setFeatures] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(
      Object.entries(props.connector.features).map(([k, f]) => [k, props.initial?.features[k] ?? f.default]),
    ),
  );
  const s = props.initial?.schedule;
  const [mode, setMode] = useState<'none' | 'interval' | 'cron'>(
    s?.cron ? 'cron' : s?.interval_minutes ? 'interval' : 'none',
  );
  const [interval, setIntervalText] = useState(String(s?.interval_minutes ?? 60));
  const [cron, setCron] = useState(s?.cron ?? '0 * * * *');
  const [next, setNext] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (mode === 'none') return setNext([]);
    const t = setTimeout(() => {
      const q = mode === 'cron' ? { cron } : { interval_minutes: interval };
      api<{ next: string[] }>('GET', `/dashboard/schedule${qs(q)}`)
        .then((r) => {
          setNext(r.next);
          setErrors((e) => ({ ...e, 'schedule.cron': '', 'schedule.interval_minutes': '' }));
        })
        .catch((e: ApiError) => {
          setNext([]);
          const key = mode === 'cron' ? 'schedule.cron' : 'schedule.interval_minutes';
          setErrors((x) => ({ ...x, [key]: e.issues[0]?.message ?? e.message }));
        });
    }, 250);
    return () => clearTimeout(t);
  }, [mode, cron, interval]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setSummary(null);
    const schedule =
      mode === 'none' ? null : mode === 'cron' ? { cron: cron.trim() } : { interval_minutes: Number(interval) };
    try {
      const intent = (e as SubmitEvent).submitter?.getAttribute('data-intent') ?? 'save';
      const base = { name: name.trim(), config: buildConfig(fields, values, stored), schedule };
      await props.onSubmit(props.withFeatures === false ? base : { ...base, features }, intent);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(issuesByField(err.issues));
        setSummary(err.message);
      } else setSummary((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (k: string) => errors[k] || undefined;

  return (
    <form class="source-form" onSubmit={(e) => void submit(e)} noValidate>
      {summary && (
        <div class="error-summary" role="alert">
          <p>{summary}</p>
        </div>
      )}
      <div class="field">
        <label for="src-name">
          Name
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
          <span class="sr-only"> (required)</span>
        </label>
        <input
          id="src-name"
          name="name"
          required
          value={name}
          aria-invalid={fieldError('name') ? 'true' : undefined}
          aria-describedby={fieldError('name') ? 'src-name-err' : undefined}
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        {fieldError('name') && (
          <p class="error" id="src-name-err">
            {fieldError('name')}
          </p>
        )}
      </div>
      <fieldset class="group">
        <legend>Settings of {props.connector.title}</legend>
        {fields.length === 0 && <p class="hint">This connector has no settings.</p>}
        <SchemaForm
          fields={fields}
          values={values}
          errors={errors}
          stored={stored}
          pickers={props.pickers}
          onChange={(p, v) => setValues((x) => ({ ...x, [p]: v }))}
        />
      </fieldset>
      <fieldset class="group">
        <legend>Schedule</legend>
        <div class="radios" role="radiogroup" aria-label="When to sync">
          {(
            [
              ['none', 'Manual (or the server default)'],
              ['interval', 'Every N minutes'],
              ['cron', 'Cron expression'],
            ] as const
          ).map(([m, label]) => (
            <label key={m}>
              <input type="radio" name="schedule-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
              {label}
            </label>
          ))}
        </div>
        {mode === 'interval' && (
          <div class="field">
            <label for="sched-interval">Minutes between syncs</label>
            <input
              id="sched-interval"
              inputMode="numeric"
              value={interval}
              aria-invalid={fieldError('schedule.interval_minutes') ? 'true' : undefined}
              aria-describedby="sched-next"
              onInput={(e) => setIntervalText((e.target as HTMLInputElement).value)}
            />
            {fieldError('schedule.interval_minutes') && <p class="error">{fieldError('schedule.interval_minutes')}</p>}
          </div>
        )}
        {mode === 'cron' && (
          <div class="field">
            <label for="sched-cron">Cron (minute hour day month weekday, UTC)</label>
            <input
              id="sched-cron"
              value={cron}
              aria-invalid={fieldError('schedule.cron') ? 'true' : undefined}
              aria-describedby="sched-next"
              onInput={(e) => setCron((e.target as HTMLInputElement).value)}
            />
            {fieldError('schedule.cron') && <p class="error">{fieldError('schedule.cron')}</p>}
          </div>
        )}
        {mode !== 'none' && (
          <div id="sched-next" class="hint" aria-live="polite">
            {next.length > 0 && (
              <>
                Next runs:{' '}
                <ol class="inline">
                  {next.map((t) => (
                    <li key={t}>
                      <time dateTime={t}>{dateTime(t)}</time>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </div>
        )}
      </fieldset>
      {props.withFeatures !== false && Object.keys(props.connector.features).length > 0 && (
        <fieldset class="group">
          <legend>Feature flags</legend>
          {Object.entries(props.connector.features).map(([k, f]) => (
            <div class="field field-check" key={k}>
              <input
                id={`feat-${k}`}
                type="checkbox"
                checked={features[k]}
                aria-describedby={`feat-${k}-desc`}
                onChange={(e) => setFeatures((x) => ({ ...x, [k]: (e.target as HTMLInputElement).checked }))}
              />
              <label for={`feat-${k}`}>{k}</label>
              <p class="hint" id={`feat-${k}-desc`}>
                {f.description} (default {f.default ? 'on' : 'off'})
              </p>
            </div>
          ))}
        </fieldset>
      )}
      <div class="actions">
        <button type="submit" data-intent="save" disabled={busy || props.disabled}>
          {busy ? 'Working…' : props.submitLabel}
        </button>
        {props.children}
      </div>
    </form>
  );
}
