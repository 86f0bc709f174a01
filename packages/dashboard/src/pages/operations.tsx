import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api.js';
import { ConnectorAdmin } from '../components/connector-admin.js';
import { ErrorNote } from '../components/ui.js';
import { count, dateTime, relative } from '../lib/format.js';
import type { OverviewRow } from './sources.js';
import { useLatest } from '../lib/latest.js';

interface DeadJob {
  id: string;
  type: string;
  source_name: string | null;
  attempts: number;
  failed_at: string;
  error: string;
}
interface Token {
  id: string;
  user_id: string;
  name: string;
  read_only: boolean;
  scope: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface User {
  id: string;
  name: string;
  is_admin: boolean;
  allowed_roots: string[];
}

/** Health, key numbers, dead letters (retry/discard), tokens (created once-shown, revoked), users, vault. */
export function OperationsPage({ session }: { session: Session }) {
  const admin = session.user.is_admin && !session.read_only;
  const [ready, setReady] = useState<{
    status: string;
    store: string;
    migrations: { current: number; latest: number };
  } | null>(null);
  const [health, setHealth] = useState<string>('…');
  const [sources, setSources] = useState<OverviewRow[]>([]);
  const [dead, setDead] = useState<DeadJob[] | null>(null);
  const [deadNote, setDeadNote] = useState<string | null>(null);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [vault, setVault] = useState<{
    available: boolean;
    key_source: string | null;
    encryption: string | null;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newToken, setNewToken] = useState<string | null>(null);

  const latest = useLatest();
  const load = async () => {
    const current = latest();
    try {
      const [h, r, s, v, t] = await Promise.all([
        api<{ status: string }>('GET', '/health').catch(() => ({ status: 'down' })),
        api('GET', '/ready').catch(() => null),
        api<{ sources: OverviewRow[] }>('GET', '/dashboard/sources'),
        api('GET', '/dashboard/vault'),
        api<{ tokens: Token[] }>('GET', '/dashboard/tokens'),
      ]);
      if (!current()) return;
      setHealth(h.status);
      setReady(r);
      setSources(s.sources);
      setVault(v);
      setTokens(t.tokens);
      await api<{ jobs: DeadJob[] }>('GET', '/jobs/dead')
        .then((d) => current() && setDead(d.jobs))
        .catch((e: ApiError) => {
          if (!current()) return;
          setDead([]);
          setDeadNote(e.status === 501 ? 'This server has no job queue.' : e.message);
        });
      if (admin) {
        const u = await api<{ users: User[] }>('GET', '/users');
        if (current()) setUsers(u.users);
      }
    } catch (e) {
      if (current()) setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const memories = sources.reduce((n, s) => n + s.memories, 0);
  const failing = sources.filter((s) => s.status === 'error').length;
  const lastDay = sources.filter((s) => s.last_sync_at && Date.now() - Date.parse(s.last_sync_at) < 86_400_000).length;

  return (
    <section>
      <h1 tabIndex={-1}>Operations</h1>
      <ErrorNote error={error} />
      <dl class="stats">
        <div>
          <dt>Health</dt>
          <dd>{health === 'ok' ? 'OK' : health}</dd>
        </div>
        <div>
          <dt>Store</dt>
          <dd>
            {ready ? `${ready.store}, schema ${ready.migrations.current}/${ready.migrations.latest}` : 'not ready'}
          </dd>
        </div>
        <div>
          <dt>Sources</dt>
          <dd>{count(sources.length)}</dd>
        </div>
        <div>
          <dt>Memories</dt>
          <dd>{count(memories)}</dd>
        </div>
        <div>
          <dt>Synced in 24 h</dt>
          <dd>{count(lastDay)}</dd>
        </div>
        <div>
          <dt>Sources in error</dt>
          <dd>{count(failing)}</dd>
        </div>
        <div>
          <dt>Dead jobs</dt>
          <dd>{dead ? count(dead.length) : '—'}</dd>
        </div>
      </dl>

      <h2>Dead letters</h2>
      {deadNote && <p class="muted">{deadNote}</p>}
      {dead && dead.length === 0 && !deadNote && <p class="muted">No dead jobs: no sync has failed for good.</p>}
      {dead && dead.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Job</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Failed</th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {dead.map((j) => (
                <tr key={j.id}>
                  <td data-label="Source">{j.source_name ?? '(removed)'}</td>
                  <td data-label="Job">{j.type}</td>
                  <td data-label="Attempts" class="num">
                    {j.attempts}
                  </td>
                  <td data-label="Failed">{relative(j.failed_at)}</td>
                  <td data-label="Last error">{j.error}</td>
                  <td class="row-actions">
                    {!session.read_only && (
                      <>
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => void act(() => api('POST', `/jobs/dead/${j.id}/retry`))}
                        >
                          Retry
                        </button>
                        <button
                          type="button"
                          class="danger"
                          onClick={() => void act(() => api('POST', `/jobs/dead/${j.id}/discard`))}
                        >
                          Discard
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>API tokens</h2>
      {newToken && (
        <div class="callout" role="status">
          <p>
            <strong>New token — copy it now, it is shown only once:</strong>
          </p>
          <p>
            <code class="token" data-testid="new-token">
              {newToken}
            </code>
          </p>
          <button type="button" class="secondary" onClick={() => setNewToken(null)}>
            Done
          </button>
        </div>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">User</th>
              <th scope="col">Access</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <td data-label="Name">{t.name}</td>
                <td data-label="User">{t.user_id}</td>
                <td data-label="Access">
                  {t.revoked_at
                    ? `revoked ${relative(t.revoked_at)}`
                    : t.scope === 'metrics'
                      ? 'metrics only'
                      : t.read_only
                        ? 'read-only'
                        : 'read and write'}
                </td>
                <td data-label="Created">{dateTime(t.created_at)}</td>
                <td data-label="Last used">{relative(t.last_used_at)}</td>
                <td class="row-actions">
                  {admin && !t.revoked_at && (
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke token ${t.name}`}
                      onClick={() => void act(() => api('DELETE', `/tokens/${t.id}`))}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.target as HTMLFormElement);
            void act(async () => {
              const r = await api<{ token: string }>(
                'POST',
                `/users/${encodeURIComponent(String(f.get('user')))}/tokens`,
                {
                  name: String(f.get('name') || 'dashboard'),
                  read_only: f.get('read_only') === 'on',
                },
              );
              setNewToken(r.token);
              (e.target as HTMLFormElement).reset();
            });
          }}
        >
          <h3>Create a token</h3>
          <div class="field">
            <label for="tok-user">User</label>
            <select id="tok-user" name="user">
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.id})
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="tok-name">Token name</label>
            <input id="tok-name" name="name" placeholder="laptop, ci …" />
          </div>
          <div class="field field-check">
            <input id="tok-ro" name="read_only" type="checkbox" />
            <label for="tok-ro">Read-only</label>
          </div>
          <button type="submit">Create token</button>
        </form>
      )}

      {admin && (
        <>
          <h2>Users</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Allowed roots</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td data-label="Id">{u.id}</td>
                    <td data-label="Name">{u.name}</td>
                    <td data-label="Role">{u.is_admin ? 'admin' : 'user'}</td>
                    <td data-label="Allowed roots">{u.allowed_roots.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.target as HTMLFormElement);
              void act(async () => {
                await api('POST', '/users', {
                  id: String(f.get('id')),
                  name: String(f.get('name') || f.get('id')),
                  is_admin: f.get('is_admin') === 'on',
                });
                (e.target as HTMLFormElement).reset();
              });
            }}
          >
            <h3>Add a user</h3>
            <div class="field">
              <label for="user-id">Id</label>
              <input id="user-id" name="id" required />
            </div>
            <div class="field">
              <label for="user-name">Name</label>
              <input id="user-name" name="name" />
            </div>
            <div class="field field-check">
              <input id="user-admin" name="is_admin" type="checkbox" />
              <label for="user-admin">Admin</label>
            </div>
            <button type="submit">Add user</button>
          </form>
        </>
      )}

      {admin && (
        <>
          <h2>Connectors</h2>
          <ConnectorAdmin />
        </>
      )}

      <h2>Vault</h2>
      {vault?.available ? (
        <p>
          Credentials and secret settings are encrypted at rest with {vault.encryption}; the key comes from{' '}
          {vault.key_source === 'env' ? 'TRIBUTARY_SECRET_KEY' : 'the key file in the data dir (mode 0600)'}. Rotate it
          with <code>tributary vault rotate</code>.
        </p>
      ) : (
        <p class="muted">This server did not report its vault.</p>
      )}
    </section>
  );
}
