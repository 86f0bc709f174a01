import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.js';
import { ConnectorIcon, ErrorNote } from '../components/ui.js';

export interface ConnectorInfo {
  name: string;
  title: string;
  description: string;
  auth: string;
  kind: string;
  streams: string[];
  capabilities: Record<string, boolean>;
  features: Record<string, { default: boolean; description: string }>;
}

/** The connector catalogue with search: pick what to add. */
export function CatalogPage() {
  const [connectors, setConnectors] = useState<ConnectorInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  useEffect(() => {
    api<{ connectors: ConnectorInfo[] }>('GET', '/connectors')
      .then((r) => setConnectors(r.connectors.sort((a, b) => a.title.localeCompare(b.title))))
      .catch((e: Error) => setError(e.message));
  }, []);
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (connectors ?? []).filter((c) => {
    const hay = `${c.name} ${c.title} ${c.description} ${c.streams.join(' ')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  return (
    <section>
      <h1 tabIndex={-1}>Add a source</h1>
      <div class="field search-field">
        <label for="catalog-q">Search connectors</label>
        <input
          id="catalog-q"
          type="search"
          value={q}
          placeholder="slack, mail, notes…"
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
      </div>
      <ErrorNote error={error} />
      {connectors && (
        <p class="muted" aria-live="polite">
          {shown.length} connector{shown.length === 1 ? '' : 's'}
        </p>
      )}
      <ul class="catalog">
        {shown.map((c) => (
          <li key={c.name}>
            <Link href={`/add/${c.name}`} class="card">
              <ConnectorIcon name={c.name} title={c.title} />
              <span class="card-body">
                <strong>{c.title}</strong>
                <span class="small">{c.description}</span>
                <span class="tags">
                  <span class="tag">{c.kind}</span>
                  {c.auth === 'oauth2' && <span class="tag">OAuth</span>}
                  {c.capabilities.webhooks && <span class="tag">webhooks</span>}
                </span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
