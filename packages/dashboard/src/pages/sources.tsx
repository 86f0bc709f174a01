import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import { live } from '../live.js';
import { Link } from '../router.js';
import { ConnectorIcon, ErrorNote, Progress, StatusBadge, errorAdvice, type DisplayStatus } from '../components/ui.js';
import { count, relative } from '../lib/format.js';
import { useLive } from './use-live.js';
import { useLatest } from '../lib/latest.js';

export interface OverviewRow {
  id: string;
  name: string;
  source_type: string;
  connector_title: string;
  status: 'active' | 'paused' | 'error';
  error_message: string | null;
  last_sync_at: string | null;
  memories: number;
  last_run: {
    status: string;
    created: number;
    updated: number;
    deleted: number;
    items_seen: number;
    error: string | null;
    finished_at: string | null;
  } | null;
  next_sync_at: string | null;
  schedule_status: string;
  /** 'connector disabled': an admin switched the connector off, so the source never runs whatever its status. */
  status_reason?: string | null;
}

const FIRST_ROWS = 50;

/** Running when this server streams its progress, or when its newest run is still open (another process's). */
export function displayStatus(row: Pick<OverviewRow, 'status' | 'id' | 'last_run'>): DisplayStatus {
  return live.get(row.id) || row.last_run?.status === 'running' ? 'running' : row.status;
}

function LastSync({ row }: { row: OverviewRow }) {
  const r = row.last_run;
  if (!r) return <span class="muted">Never</span>;
  const when = relative(r.finished_at ?? row.last_sync_at);
  if (r.status === 'failed') return <span>{when} · failed</span>;
  return (
    <span>
      {when} · {r.status === 'succeeded' ? `${count(r.created)} new, ${count(r.updated)} changed` : r.status}
    </span>
  );
}

/** Every source at a glance: status (live while a sync runs), last and next sync, counts, errors with a Retry. */
export function SourcesPage({ session }: { session: Session }) {
  const [rows, setRows] = useState<OverviewRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('all');
  const [connector, setConnector] = useState('all');
  const [text, setText] = useState('');
  // The first screenful renders at once, the rest in the next task: a long list paints its top without waiting.
  const [limit, setLimit] = useState(FIRST_ROWS);
  useLive();

  const latest = useLatest();
  const load = () => {
    const current = latest();
    return api<{ sources: OverviewRow[] }>('GET', '/dashboard/sources')
      .then((r) => {
        if (!current()) return;
        if (!performance.getEntriesByName('sources-data').length) performance.mark('sources-data');
        setRows(r.sources);
        setError(null);
      })
      .catch((e: Error) => current() && setError(e.message));
  };

  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = live.onFinished(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 250);
    });
    const every = setInterval(() => void load(), 30_000);
    return () => {
      off();
      clearTimeout(timer);
      clearInterval(every);
    };
  }, []);

  // Render times for the bench and the closing note: first screenful, then every row.
  useEffect(() => {
    if (!rows) return;
    if (!performance.getEntriesByName('sources-rendered').length) performance.mark('sources-rendered');
    if (limit < rows.length) {
      const t = setTimeout(() => setLimit(Number.POSITIVE_INFINITY), 0);
      return () => clearTimeout(t);
    }
    if (!performance.getEntriesByName('sources-complete').length) performance.mark('sources-complete');
    return undefined;
  }, [rows, limit]);

  const connectors = useMemo(
    () =>
      [...new Map((rows ?? []).map((r) => [r.source_type, r.connector_title])).entries()].sort((a, b) =>
        a[1].localeCompare(b[1]),
      ),
    [rows],
  );
  const shown = (rows ?? []).filter(
    (r) =>
      (status === 'all' || displayStatus(r) === status) &&
      (connector === 'all' || r.source_type === connector) &&
      (!text || r.name.toLowerCase().includes(text.toLowerCase())),
  );

  const sync = async (id: string) => {
    try {
      const r = await api<{ run_id: string }>('POST', `/dashboard/sources/${encodeURIComponent(id)}/sync`);
      live.started(id, r.run_id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Sources</h1>
        {!session.read_only && (
          <Link href="/add" class="button">
            Add a source
          </Link>
        )}
      </div>
      <form class="filters" role="search" aria-label="Filter sources" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="all">All</option>
            <option value="running">Running</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
            <option value="error">Error</option>
          </select>
        </div>
        <div class="field">
          <label for="f-connector">Connector</label>
          <select
            id="f-connector"
            value={connector}
            onChange={(e) => setConnector((e.target as HTMLSelectElement).value)}
          >
            <option value="all">All</option>
            {connectors.map(([name, title]) => (
              <option key={name} value={name}>
                {title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-name">Name</label>
          <input
            id="f-name"
            type="search"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </div>
      </form>
      <ErrorNote error={error} />
      {rows === null ? (
        <p aria-busy="true">Loading sources…</p>
      ) : rows.length === 0 ? (
        <div class="empty">
          <p>No sources yet. Add one to start building your memory.</p>
          <Link href="/add" class="button">
            Add a source
          </Link>
        </div>
      ) : (
        <>
          <p class="muted" aria-live="polite">
            {shown.length === rows.length ? `${rows.length} sources` : `${shown.length} of ${rows.length} sources`}
          </p>
          <table class="sources">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Last sync</th>
                <th scope="col">Next run</th>
                <th scope="col" class="num">
                  Memories
                </th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, limit).map((r) => {
                const p = live.get(r.id);
                const st = displayStatus(r);
                return (
                  <tr key={r.id} data-source={r.name}>
                    <td data-label="Source">
                      <div class="source-name">
                        <ConnectorIcon name={r.source_type} title={r.connector_title} />
                        <div>
                          <Link href={`/sources/${encodeURIComponent(r.id)}`}>{r.name}</Link>
                          <div class="muted small">{r.connector_title}</div>
                        </div>
                      </div>
                      {r.status === 'error' && r.error_message && (
                        <div class="row-error">
                          <span>{r.error_message}</span> <span class="muted">{errorAdvice(r.error_message)}</span>
                        </div>
                      )}
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={st} />
                      {r.status_reason && (
                        <span class="badge badge-paused status-reason">
                          {r.status_reason[0]!.toUpperCase() + r.status_reason.slice(1)}
                        </span>
                      )}
                      {p && <Progress p={p} label={`Sync progress of ${r.name}`} />}
                    </td>
                    <td data-label="Last sync">
                      <LastSync row={r} />
                    </td>
                    <td data-label="Next run">
                      {r.status === 'paused' ? (
                        <span class="muted">Paused</span>
                      ) : r.next_sync_at ? (
                        relative(r.next_sync_at)
                      ) : (
                        <span class="muted">Manual</span>
                      )}
                    </td>
                    <td data-label="Memories" class="num">
                      {count(r.memories)}
                    </td>
                    <td class="row-actions">
                      {!session.read_only && r.status !== 'paused' && !r.status_reason && !p && (
                        <button
                          type="button"
                          class={r.status === 'error' ? '' : 'secondary'}
                          onClick={() => void sync(r.id)}
                          aria-label={`${r.status === 'error' ? 'Retry' : 'Sync now'}: ${r.name}`}
                        >
                          {r.status === 'error' ? 'Retry' : 'Sync now'}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
