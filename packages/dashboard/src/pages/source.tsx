import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api.js';
import { live } from '../live.js';
import { Link, navigate } from '../router.js';
import { SourceForm, type ConnectorDetail, type SourceBody } from '../components/source-form.js';
import { ConfirmDialog, ConnectorIcon, ErrorNote, Progress, StatusBadge, errorAdvice } from '../components/ui.js';
import { RunChart } from '../components/chart.js';
import { FeatureFlags } from '../components/feature-flags.js';
import { count, dateTime, duration, relative } from '../lib/format.js';
import { ConnectButton, type AuthInfo } from '../components/connect.js';
import { useLive } from './use-live.js';
import { useLatest } from '../lib/latest.js';

interface Source {
  id: string;
  name: string;
  source_type: string;
  status: 'active' | 'paused' | 'error';
  config: Record<string, unknown>;
  features: Record<string, boolean>;
  schedule: SourceBody['schedule'];
  error_message: string | null;
  last_sync_at: string | null;
  updated_at: string;
}
interface Run {
  id: string;
  mode: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  items_seen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
  api_calls: number;
  rate_limit_wait_ms: number;
  error: string | null;
}
interface Stats {
  memories: number;
  deleted: number;
  versions: number;
}
interface Status {
  next_sync_at: string | null;
  schedule_status: string;
}

/** One source: live progress, actions, settings, schedule, feature flags, run history and its chart. */
export function SourcePage({ id, session }: { id: string; session: Session }) {
  const [source, setSource] = useState<Source | null>(null);
  const [connector, setConnector] = useState<ConnectorDetail | null>(null);
  const [auth, setAuth] = useState<AuthInfo | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const [stats, setStats] = useState<Stats | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useLive();
  const path = `/sources/${encodeURIComponent(id)}`;

  const latest = useLatest();
  const load = async () => {
    const current = latest();
    try {
      const s = await api<Source>('GET', path);
      const [h, st, stat] = await Promise.all([
        api<{ runs: Run[] }>('GET', `${path}/history?limit=30`),
        api<Stats>('GET', `${path}/stats`),
        api<Status>('GET', `${path}/status`),
      ]);
      if (!current()) return;
      setSource(s);
      setRuns(h.runs);
      setStats(st);
      setStatus(stat);
      if (!connector || connector.name !== s.source_type) {
        const [c, a] = await Promise.all([
          api<ConnectorDetail>('GET', `/connectors/${encodeURIComponent(s.source_type)}`),
          api<AuthInfo>('GET', `/dashboard/connectors/${encodeURIComponent(s.source_type)}/auth`),
        ]);
        if (!current()) return;
        setConnector(c);
        setAuth(a);
      }
      setError(null);
    } catch (e) {
      if (current()) setError((e as Error).message);
    }
  };

  useEffect(() => {
    void load();
    const off = live.onFinished((sid) => {
      if (sid === id) void load();
    });
    return off;
  }, [id]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setNotice(null);
    try {
      await fn();
      setNotice(what);
      await load();
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
  const sync = (mode?: 'full_refresh') =>
    act(mode ? 'Full refresh started.' : 'Sync started.', async () => {
      const r = await api<{ run_id: string }>(
        'POST',
        `/dashboard/sources/${encodeURIComponent(id)}/sync${mode ? `?mode=${mode}` : ''}`,
      );
      live.started(id, r.run_id);
    });

  if (!source)
    return error ? (
      <section>
        <h1 tabIndex={-1}>Source not found</h1>
        <ErrorNote error={error} />
        <Link href="/">Back to sources</Link>
      </section>
    ) : (
      <p aria-busy="true">Loading…</p>
    );

  const p = live.get(source.id);
  const ro = session.read_only;
  const points = [...runs]
    .reverse()
    .filter((r) => r.status !== 'running')
    .reduce<Array<{ started_at: string; items: number; memories: number }>>((acc, r) => {
      const prev = acc.at(-1)?.memories ?? 0;
      acc.push({ started_at: r.started_at, items: r.items_seen, memories: Math.max(0, prev + r.created - r.deleted) });
      return acc;
    }, []);

  return (
    <section>
      <p class="crumbs">
        <Link href="/">Sources</Link> / {source.name}
      </p>
      <div class="page-head">
        <div class="source-name">
          <ConnectorIcon name={source.source_type} title={connector?.title ?? source.source_type} />
          <h1 tabIndex={-1}>{source.name}</h1>
          <StatusBadge status={p ? 'running' : source.status} />
        </div>
        {!ro && (
          <div class="actions" role="group" aria-label="Source actions">
            <button type="button" disabled={!!p || source.status === 'paused'} onClick={() => void sync()}>
              Sync now
            </button>
            <button
              type="button"
              class="secondary"
              disabled={!!p || source.status === 'paused'}
              onClick={() => void sync('full_refresh')}
            >
              Full refresh
            </button>
            {source.status === 'paused' ? (
              <button
                type="button"
                class="secondary"
                onClick={() => void act('Resumed.', () => api('POST', `${path}/resume`))}
              >
                Resume
              </button>
            ) : (
              <button
                type="button"
                class="secondary"
                onClick={() => void act('Paused.', () => api('POST', `${path}/pause`))}
              >
                Pause
              </button>
            )}
            {auth?.type === 'oauth2' && (
              <ConnectButton
                auth={auth}
                sourceId={source.id}
                onDone={(r) =>
                  void act(r.message, async () => {
                    if (!r.ok) throw new Error(r.message);
                  })
                }
              />
            )}
            <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          </div>
        )}
      </div>
      <p class="muted">{connector?.title ?? source.source_type}</p>
      <ErrorNote error={error} />
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      {source.status === 'error' && source.error_message && (
        <div class="callout callout-error">
          <p>
            <strong>Last error:</strong> {source.error_message}
          </p>
          <p>{errorAdvice(source.error_message)}</p>
        </div>
      )}
      {p && (
        <div class="live" aria-label="Sync in progress">
          <h2>Syncing now</h2>
          <Progress p={p} label={`Sync progress of ${source.name}`} />
        </div>
      )}
      <dl class="stats">
        <div>
          <dt>Memories</dt>
          <dd data-testid="memories">{count(stats?.memories)}</dd>
        </div>
        <div>
          <dt>Versions</dt>
          <dd>{count(stats?.versions)}</dd>
        </div>
        <div>
          <dt>Deleted upstream</dt>
          <dd>{count(stats?.deleted)}</dd>
        </div>
        <div>
          <dt>Last sync</dt>
          <dd>{relative(source.last_sync_at)}</dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>
            {source.status === 'paused' ? 'Paused' : status?.next_sync_at ? relative(status.next_sync_at) : 'Manual'}
          </dd>
        </div>
      </dl>

      <h2>Runs</h2>
      <RunChart points={points} />
      <div class="table-wrap">
        <table class="runs">
          <caption class="sr-only">Run history, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Mode</th>
              <th scope="col">Result</th>
              <th scope="col" class="num">
                Items
              </th>
              <th scope="col" class="num">
                New
              </th>
              <th scope="col" class="num">
                Changed
              </th>
              <th scope="col" class="num">
                Deleted
              </th>
              <th scope="col" class="num">
                API calls
              </th>
              <th scope="col" class="num">
                Rate-limit waits
              </th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td data-label="Started">{dateTime(r.started_at)}</td>
                <td data-label="Mode">
                  {r.mode} <span class="muted small">({r.trigger})</span>
                </td>
                <td data-label="Result">{r.status}</td>
                <td data-label="Items" class="num">
                  {count(r.items_seen)}
                </td>
                <td data-label="New" class="num">
                  {count(r.created)}
                </td>
                <td data-label="Changed" class="num">
                  {count(r.updated)}
                </td>
                <td data-label="Deleted" class="num">
                  {count(r.deleted)}
                </td>
                <td data-label="API calls" class="num">
                  {count(r.api_calls)}
                </td>
                <td data-label="Rate-limit waits" class="num">
                  {duration(r.rate_limit_wait_ms)}
                </td>
                <td data-label="Duration" class="num">
                  {r.finished_at ? duration(Date.parse(r.finished_at) - Date.parse(r.started_at)) : '…'}
                </td>
                <td data-label="Error">{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {connector && (
        <>
          <h2>Feature flags</h2>
          <FeatureFlags sourceId={source.id} readOnly={ro} />
          <h2>Settings</h2>
          <SourceForm
            key={source.updated_at}
            withFeatures={false}
            connector={connector}
            initial={{ name: source.name, config: source.config, features: source.features, schedule: source.schedule }}
            submitLabel="Save changes"
            disabled={ro}
            onSubmit={async (body) => {
              await api('PATCH', path, body);
              setNotice('Saved. The next run uses these settings.');
              await load();
            }}
          />
        </>
      )}

      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${source.name}?`}
        confirm="Delete source and its data"
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          void api('DELETE', path)
            .then(() => navigate('/'))
            .catch((e: Error) => setError(e.message));
        }}
      >
        <p>
          This deletes the source <strong>{source.name}</strong> and everything Tributary keeps of it:{' '}
          {count(stats?.memories)} memories with {count(stats?.versions)} versions, their search index, the run history,
          the checkpoint and any stored credentials. The data upstream is not touched. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
