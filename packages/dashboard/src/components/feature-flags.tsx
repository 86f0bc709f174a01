import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNote } from './ui.js';

interface Layer {
  enabled?: boolean;
  config?: Record<string, unknown>;
}
interface Feature {
  enabled: boolean;
  default: boolean;
  description: string;
  depends_on: string[];
  connector: Layer | null;
  source?: Layer | null;
}

function origin(f: Feature): string {
  if (f.source?.enabled !== undefined) return 'set for this source';
  if (f.connector?.enabled !== undefined)
    return `set for every ${f.connector.enabled ? 'source (on)' : 'source (off)'}`;
  return `default ${f.default ? 'on' : 'off'}`;
}

/**
 * A source's feature flags as the registry resolves them (default, connector-wide, this source), switched one by one
 * with `POST /sources/{id}/features/{feature}`; the next run uses them.
 */
export function FeatureFlags({ sourceId, readOnly }: { sourceId: string; readOnly: boolean }) {
  const [features, setFeatures] = useState<Record<string, Feature> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const path = `/sources/${encodeURIComponent(sourceId)}/features`;
  useEffect(() => {
    // Moving to another source leaves this request in flight: its late answer must not show as the new source's.
    let stale = false;
    api<{ features: Record<string, Feature> }>('GET', path)
      .then((r) => stale || setFeatures(r.features))
      .catch((e: Error) => stale || setError(e.message));
    return () => {
      stale = true;
    };
  }, [sourceId]);
  if (error) return <ErrorNote error={error} />;
  if (!features) return null;
  const names = Object.keys(features);
  if (!names.length) return <p class="muted">This connector has no feature flags.</p>;
  const toggle = async (name: string, enabled: boolean) => {
    setError(null);
    try {
      const r = await api<{ features: Record<string, Feature> }>('POST', `${path}/${encodeURIComponent(name)}`, {
        enabled,
      });
      setFeatures(r.features);
      setNotice(`${name} ${r.features[name]?.enabled ? 'on' : 'off'} from the next run.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <fieldset class="group">
      <legend class="sr-only">Feature flags</legend>
      {names.map((name) => {
        const f = features[name]!;
        return (
          <div class="field field-check" key={name}>
            <input
              id={`flag-${name}`}
              type="checkbox"
              checked={f.enabled}
              disabled={readOnly}
              aria-describedby={`flag-${name}-desc`}
              onChange={(e) => void toggle(name, (e.target as HTMLInputElement).checked)}
            />
            <label for={`flag-${name}`}>{name}</label>
            <p class="hint" id={`flag-${name}-desc`}>
              {f.description} ({origin(f)}
              {f.depends_on.length ? `; needs ${f.depends_on.join(', ')}` : ''})
            </p>
          </div>
        );
      })}
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
    </fieldset>
  );
}
