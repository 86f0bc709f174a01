import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from '../api.js';
import { navigate, Link } from '../router.js';
import { SourceForm, type ConnectorDetail, type SourceBody } from '../components/source-form.js';
import type { Picker } from '../components/schema-form.js';
import { ErrorNote } from '../components/ui.js';
import { fieldsOf, pickerField } from '../lib/schema.js';
import { ConnectButton, type AuthInfo } from '../components/connect.js';

interface Check {
  ok: boolean;
  message: string;
}
interface Draft {
  id: string;
  name: string;
}

/**
 * Adding a source: the generated form; "Check" saves it as a paused draft and runs the connector's health check
 * (and discovery for the pickers); "Save" does the same and switches it on when the check passes.
 */
export function AddSourcePage({ connector: name, session }: { connector: string; session: Session }) {
  const [connector, setConnector] = useState<ConnectorDetail | null>(null);
  const [auth, setAuth] = useState<AuthInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [check, setCheck] = useState<Check | null>(null);
  const [pickers, setPickers] = useState<Picker[]>([]);
  const [connectMessage, setConnectMessage] = useState<string | null>(null);

  useEffect(() => {
    let stale = false; // another connector chosen meanwhile: this answer is not its
    Promise.all([
      api<ConnectorDetail>('GET', `/connectors/${encodeURIComponent(name)}`),
      api<AuthInfo>('GET', `/dashboard/connectors/${encodeURIComponent(name)}/auth`),
    ])
      .then(([c, a]) => {
        if (stale) return;
        setConnector(c);
        setAuth(a);
      })
      .catch((e: Error) => stale || setError(e.message));
    return () => {
      stale = true;
    };
  }, [name]);

  const discover = async (id: string) => {
    if (!connector) return;
    const r = await api<{ supported: boolean; resources: Picker['resources'] }>(
      'GET',
      `/sources/${encodeURIComponent(id)}/discover`,
    ).catch(() => ({ supported: false, resources: [] }));
    const fields = fieldsOf(connector.config_schema);
    const byField = new Map<string, Picker>();
    for (const res of r.resources) {
      const f = pickerField(fields, res.kind);
      if (!f) continue;
      if (!byField.has(f.path)) byField.set(f.path, { field: f.path, resources: [] });
      byField.get(f.path)!.resources.push(res);
    }
    setPickers([...byField.values()]);
  };

  const submit = async (body: SourceBody, intent: string) => {
    setCheck(null);
    let id = draft?.id;
    if (!id) {
      const r = await api<{ source: Draft }>('POST', '/dashboard/drafts', { source_type: name, ...body });
      id = r.source.id;
      setDraft(r.source);
    } else await api('PATCH', `/sources/${encodeURIComponent(id)}`, body);
    const result = await api<Check>('GET', `/sources/${encodeURIComponent(id)}/health`);
    setCheck(result);
    if (result.ok) void discover(id);
    if (intent === 'save' && result.ok) await activate(id);
  };

  const activate = async (id: string) => {
    await api('POST', `/sources/${encodeURIComponent(id)}/resume`);
    navigate(`/sources/${encodeURIComponent(id)}`);
  };

  const discard = async () => {
    if (!draft) return;
    await api('DELETE', `/sources/${encodeURIComponent(draft.id)}`);
    setDraft(null);
    setCheck(null);
    setPickers([]);
  };

  const connected = async (r: { ok: boolean; message: string }) => {
    setConnectMessage(r.message);
    if (r.ok && draft) {
      const c = await api<Check>('GET', `/sources/${encodeURIComponent(draft.id)}/health`);
      setCheck(c);
      if (c.ok) void discover(draft.id);
    }
  };

  if (error)
    return (
      <section>
        <h1 tabIndex={-1}>Add a source</h1>
        <ErrorNote error={error} />
        <Link href="/add">Back to the catalogue</Link>
      </section>
    );
  if (!connector) return <p aria-busy="true">Loading…</p>;
  return (
    <section>
      <p class="crumbs">
        <Link href="/add">Catalogue</Link> / {connector.title}
      </p>
      <h1 tabIndex={-1}>Add {connector.title}</h1>
      {session.read_only && <p class="error">This session is read-only: it cannot add sources.</p>}
      {auth?.type === 'oauth2' && (
        <div class="callout">
          <p>
            {connector.title} connects with OAuth. Fill in the form and press <strong>Check</strong> to save a paused
            draft, then <strong>Connect with {auth.provider}</strong>.
          </p>
          <ConnectButton auth={auth} sourceId={draft?.id ?? null} onDone={(r) => void connected(r)} />
          {connectMessage && (
            <p role="status" class="hint">
              {connectMessage}
            </p>
          )}
        </div>
      )}
      <SourceForm
        connector={connector}
        submitLabel="Check and save"
        pickers={pickers}
        disabled={session.read_only}
        onSubmit={submit}
      >
        <button type="submit" class="secondary" data-intent="check" disabled={session.read_only}>
          Check
        </button>
      </SourceForm>
      <div aria-live="polite">
        {check && (
          <div class={`check ${check.ok ? 'check-ok' : 'check-bad'}`} role="status">
            <strong>{check.ok ? 'Check passed' : 'Check failed'}:</strong> {check.message}
            {draft && !check.ok && (
              <div class="actions">
                <button type="button" class="secondary" onClick={() => void activate(draft.id)}>
                  Save anyway
                </button>
                <button type="button" class="danger" onClick={() => void discard()}>
                  Discard draft
                </button>
              </div>
            )}
            {draft && check.ok && (
              <div class="actions">
                <button type="button" onClick={() => void activate(draft.id)}>
                  Save and switch on
                </button>
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
