import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ErrorNote } from './ui.js';

interface Connector {
  name: string;
  title: string;
  enabled: boolean;
  missing_env_vars: string[];
}
interface Layer {
  enabled?: boolean;
  config?: Record<string, unknown>;
}
interface Feature {
  enabled: boolean;
  config: Record<string, unknown>;
  default: boolean;
  description: string;
  depends_on: string[];
  connector: Layer | null;
  config_schema: Record<string, unknown> | null;
}
type Features = Record<string, Feature>;

const message = (e: unknown) =>
  e instanceof ApiError && e.issues.length
    ? `${e.message} ${e.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
    : (e as Error).message;

/**
 * Admin: switch a connector on or off for everyone (its sources then show "connector disabled" and never run), and
 * set its connector-wide feature layer — on, off or back to the default, and a feature's config as JSON, checked by
 * the server against the feature's schema (`POST /connectors/{name}/features/{feature}`).
 */
export function ConnectorAdmin() {
  const [connectors, setConnectors] = useState<Connector[]>([]);
  const [name, setName] = useState('');
  const [features, setFeatures] = useState<Features | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [configError, setConfigError] = useState<Record<string, string>>({});

  useEffect(() => {
    api<{ connectors: Connector[] }>('GET', '/connectors')
      .then((r) => {
        const list = r.connectors.sort((a, b) => a.title.localeCompare(b.title));
        setConnectors(list);
        setName((n) => n || list[0]?.name || '');
      })
      .catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    if (!name) return;
    setFeatures(null);
    setConfigError({});
    // A quick change of connector leaves the earlier request in flight: its answer must not show as this one's.
    let stale = false;
    api<{ features: Features }>('GET', `/connectors/${encodeURIComponent(name)}/features`)
      .then((r) => stale || setFeatures(r.features))
      .catch((e: Error) => stale || setError(e.message));
    return () => {
      stale = true;
    };
  }, [name]);

  const current = connectors.find((c) => c.name === name);
  const disabled = connectors.filter((c) => !c.enabled);
  const path = `/connectors/${encodeURIComponent(name)}`;

  const setEnabled = async (on: boolean) => {
    setError(null);
    try {
      const c = await api<Connector>('POST', `${path}/${on ? 'enable' : 'disable'}`);
      setConnectors(connectors.map((x) => (x.name === c.name ? { ...x, enabled: c.enabled } : x)));
      setNotice(`${c.title} ${c.enabled ? 'enabled' : 'disabled: its sources do not run'}.`);
    } catch (e) {
      setError(message(e));
    }
  };
  const write = async (feature: string, body: { enabled?: boolean | null; config?: unknown }) => {
    setError(null);
    const r = await api<{ features: Features }>('POST', `${path}/features/${encodeURIComponent(feature)}`, body);
    setFeatures(r.features);
    setNotice(`${feature} for every ${current?.title ?? name} source saved; applies from the next run.`);
  };
  const saveConfig = async (feature: string, text: string) => {
    let parsed: unknown;
    try {
      parsed = text.trim() ? JSON.parse(text) : null;
    } catch {
      return setConfigError({ ...configError, [feature]: 'Not valid JSON.' });
    }
    try {
      await write(feature, { config: parsed });
      setConfigError({ ...configError, [feature]: '' });
    } catch (e) {
      setConfigError({ ...configError, [feature]: message(e) });
    }
  };

  return (
    <div class="connector-admin">
      <ErrorNote error={error} />
      <p class="muted">
        {disabled.length
          ? `Disabled for everyone: ${disabled.map((c) => c.title).join(', ')}.`
          : 'Every connector is enabled.'}
      </p>
      <div class="field">
        <label for="ca-connector">Connector</label>
        <select id="ca-connector" value={name} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
          {connectors.map((c) => (
            <option key={c.name} value={c.name}>
              {c.title}
              {c.enabled ? '' : ' (disabled)'}
            </option>
          ))}
        </select>
      </div>
      {current && (
        <p data-testid="connector-state">
          <span class={`badge ${current.enabled ? 'badge-active' : 'badge-paused'}`}>
            {current.enabled ? 'Enabled' : 'Disabled'}
          </span>{' '}
          {current.missing_env_vars.length > 0 && (
            <span class="muted">Missing on this server: {current.missing_env_vars.join(', ')}. </span>
          )}
          <button
            type="button"
            class={current.enabled ? 'danger' : ''}
            onClick={() => void setEnabled(!current.enabled)}
          >
            {current.enabled ? `Disable ${current.title}` : `Enable ${current.title}`}
          </button>
        </p>
      )}
      {features && Object.keys(features).length === 0 && <p class="muted">This connector has no feature flags.</p>}
      {features &&
        Object.entries(features).map(([f, v]) => {
          const layer = v.connector?.enabled;
          return (
            <fieldset class="group" key={`${name}/${f}`}>
              <legend>{f}</legend>
              <p class="hint">
                {v.description} Effective: {v.enabled ? 'on' : 'off'} (default {v.default ? 'on' : 'off'}
                {v.depends_on.length ? `; needs ${v.depends_on.join(', ')}` : ''}). A source's own setting wins.
              </p>
              <div class="field">
                <label for={`ca-${f}`}>{f} for every source</label>
                <select
                  id={`ca-${f}`}
                  value={layer === undefined ? 'default' : layer ? 'on' : 'off'}
                  onChange={(e) => {
                    const val = (e.target as HTMLSelectElement).value;
                    void write(f, { enabled: val === 'default' ? null : val === 'on' }).catch((err) =>
                      setError(message(err)),
                    );
                  }}
                >
                  <option value="default">Connector default ({v.default ? 'on' : 'off'})</option>
                  <option value="on">On</option>
                  <option value="off">Off</option>
                </select>
              </div>
              {v.config_schema && (
                <form
                  class="field"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const text = new FormData(e.target as HTMLFormElement).get('config');
                    void saveConfig(f, String(text ?? ''));
                  }}
                >
                  <label for={`ca-${f}-config`}>{f} config (JSON, empty clears)</label>
                  <textarea
                    id={`ca-${f}-config`}
                    name="config"
                    rows={3}
                    aria-invalid={configError[f] ? 'true' : undefined}
                    aria-describedby={configError[f] ? `ca-${f}-config-err` : undefined}
                    defaultValue={v.connector?.config ? JSON.stringify(v.connector.config) : ''}
                    placeholder={JSON.stringify(v.config)}
                  />
                  {configError[f] && (
                    <p class="error" id={`ca-${f}-config-err`}>
                      {configError[f]}
                    </p>
                  )}
                  <button type="submit" class="secondary">
                    Save {f} config
                  </button>
                </form>
              )}
            </fieldset>
          );
        })}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
    </div>
  );
}
