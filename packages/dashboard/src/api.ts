/** An API error as the one envelope says it: `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** The signed-in user, as `GET /dashboard/session` says. */
export interface Session {
  user: { id: string; name: string; is_admin: boolean };
  read_only: boolean;
  csrf_token: string;
  login_links: boolean;
}

// The CSRF token lives in this module's memory only (never in storage): a reload asks the server again.
let csrf = '';
let onSignedOut: () => void = () => undefined;

export function setCsrf(token: string): void {
  csrf = token;
}

/** Called when the server says the session ended (401), so the app shows the sign-in page. */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

/** Calls `/api/v1<path>` with the session cookie (and CSRF token on writes); JSON in, JSON out. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = (
      json as { error?: { code?: string; message?: string; issues?: Array<{ path: string; message: string }> } }
    ).error;
    if (res.status === 401 && !path.startsWith('/dashboard/session')) onSignedOut();
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.issues ?? []);
  }
  return json as T;
}

/** A query string from the set values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
