import { useState } from 'preact/hooks';
import { api, ApiError, type Session } from '../api.js';

/** Sign in with an API token; the one-time link of `tributary up` signs in without this page. */
export function SignIn(props: { error: string | null; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(props.error);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api<Session>('POST', '/dashboard/session', { token: token.trim() });
      setToken('');
      props.onSignedIn(s);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not reach the server.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1}>Sign in to Tributary</h1>
      <p>
        Open the one-time link that <code>tributary up</code> printed, or paste an API token (<code>trib_…</code>; the
        first admin token is in <code>~/.tributary/api-token</code>). The token stays on the server: this browser only
        keeps a session cookie.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'token-error' : undefined}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p id="token-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
