import { useState } from 'preact/hooks';
import { connectInPopup } from '../oauth-popup.js';

export interface AuthInfo {
  type: string;
  provider: string | null;
  other_providers: string[];
}

/**
 * "Connect with …": the connector's own OAuth provider, or another one this server configured (a self-hosted
 * IdP), in a popup. Reports the result as text for a status line.
 */
export function ConnectButton(props: {
  auth: AuthInfo;
  sourceId: string | null;
  onDone: (r: { ok: boolean; message: string }) => void;
}) {
  const choices = [props.auth.provider, ...props.auth.other_providers].filter((p): p is string => !!p);
  const [provider, setProvider] = useState(choices[0] ?? '');
  const [busy, setBusy] = useState(false);
  if (!choices.length) return null;
  return (
    <div class="actions">
      {choices.length > 1 && (
        <>
          <label for="oauth-provider">Provider</label>
          <select
            id="oauth-provider"
            value={provider}
            onChange={(e) => setProvider((e.target as HTMLSelectElement).value)}
          >
            {choices.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </>
      )}
      <button
        type="button"
        class="secondary"
        disabled={!props.sourceId || busy}
        onClick={() => {
          setBusy(true);
          void connectInPopup(provider, props.sourceId!)
            .then(props.onDone)
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Waiting for the provider…' : `Connect with ${provider}`}
      </button>
    </div>
  );
}
