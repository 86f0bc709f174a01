import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { LiveProgress } from '../live.js';
import { count } from '../lib/format.js';

/** A connector's icon: its initials on a colour derived from its name (no network, no image files). */
export function ConnectorIcon({ name, title }: { name: string; title: string }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  const initials = title
    .split(/[\s-]+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <span class="icon" aria-hidden="true" style={{ backgroundColor: `hsl(${h} 45% 30%)` }}>
      {initials}
    </span>
  );
}

export type DisplayStatus = 'active' | 'paused' | 'error' | 'running';

export function StatusBadge({ status }: { status: DisplayStatus }) {
  const text = { active: 'Active', paused: 'Paused', error: 'Error', running: 'Running' }[status];
  return <span class={`badge badge-${status}`}>{text}</span>;
}

/** Live progress of a sync: a bar when the connector said how many items to expect, else a count. */
export function Progress({ p, label }: { p: LiveProgress; label: string }) {
  const done = p.items_seen;
  const max = p.total ?? undefined;
  return (
    <div class="progress">
      {max ? <progress max={max} value={Math.min(done, max)} aria-label={label} /> : <progress aria-label={label} />}
      <span class="progress-text" aria-live="polite">
        {count(done)}
        {max ? ` / ${count(max)}` : ''} items · {count(p.created)} new · {count(p.updated)} changed
      </span>
    </div>
  );
}

/** What to do about an error, by the stable code the engine put in front of its message. */
export function errorAdvice(message: string | null | undefined): string {
  const m = message ?? '';
  if (/auth_expired|auth_invalid|reauthorization_required|revoked/.test(m)) return 'Connect the source again.';
  if (/rate_limited/.test(m)) return 'The provider asked to slow down; the next run waits and retries.';
  if (/path_outside_root|not_found|ENOENT|no such/.test(m)) return 'Check the path in the settings.';
  if (/permission_denied|forbidden/.test(m)) return 'Grant the missing permission, then retry.';
  if (/upstream_unavailable|timeout|upstream_error/.test(m)) return 'The service did not answer; retry later.';
  if (/budget_exceeded/.test(m)) return 'A limit was reached; raise it or narrow the source.';
  if (/invalid_config/.test(m)) return 'Fix the setting named in the message.';
  return 'Retry; if it fails again, open the source to see its run history.';
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes) asking to confirm something that cannot be undone. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onClose={props.onClose}>
      <h2 id="confirm-title">{props.title}</h2>
      {props.children}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}

export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}
