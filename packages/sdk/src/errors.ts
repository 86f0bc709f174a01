/**
 * Errors with a stable snake_case code and retry semantics. Connectors throw these; the engine maps anything
 * else once (see {@link toTributaryError}); each boundary (REST, MCP, CLI) maps codes in one table.
 */

/** Every code Tributary emits. Stable forever: users script against them. */
export const ERROR_CODES = {
  invalid_config: { retryable: false, description: 'A configuration value is missing or invalid.' },
  invalid_input: { retryable: false, description: 'A request body, argument or query is invalid.' },
  invalid_query: { retryable: false, description: 'A search query could not be parsed.' },
  auth_invalid: { retryable: false, description: 'Credentials are missing, wrong or revoked.' },
  auth_expired: { retryable: true, description: 'An access token expired; a refresh may fix it.' },
  reauthorization_required: { retryable: false, description: 'The grant was revoked; connect the source again.' },
  permission_denied: { retryable: false, description: 'The credentials lack a scope or permission.' },
  rate_limited: { retryable: true, description: 'The provider asked us to slow down.' },
  upstream_unavailable: { retryable: true, description: 'The provider is down or unreachable.' },
  upstream_error: { retryable: false, description: 'The provider answered with an unexpected error.' },
  timeout: { retryable: true, description: 'An operation took too long.' },
  cursor_invalid: { retryable: false, description: 'A checkpoint does not fit the connector; a full re-sync follows.' },
  record_invalid: { retryable: false, description: 'One upstream record could not be read or mapped.' },
  path_outside_root: { retryable: false, description: 'A path escapes the configured root.' },
  not_found: { retryable: false, description: 'The thing asked for does not exist (or is not yours).' },
  conflict: { retryable: false, description: 'The request conflicts with the current state.' },
  already_running: { retryable: true, description: 'Another sync of this source holds the lease.' },
  aborted: { retryable: false, description: 'The operation was paused or cancelled.' },
  incompatible_connector: { retryable: false, description: 'A connector needs another SDK version.' },
  connector_disabled: {
    retryable: false,
    description: "The source's connector is disabled (or lacks required environment variables); it does not run.",
  },
  unauthenticated: { retryable: false, description: 'An API token is missing, unknown or revoked.' },
  forbidden: { retryable: false, description: 'The API token (or the user behind it) may not do this.' },
  budget_exceeded: {
    retryable: false,
    description:
      'A source or user reached a budget (items, bytes, disk reserve); the run stopped, committed work kept.',
  },
  payload_too_large: { retryable: false, description: 'A request body is over the size limit.' },
  unsupported_media_type: {
    retryable: false,
    description: 'A request body has a content type the route does not accept.',
  },
  store_unavailable: { retryable: true, description: 'The database could not be reached.' },
  secret_key_invalid: { retryable: false, description: 'The vault key is missing or does not decrypt.' },
  unsupported: { retryable: false, description: 'The operation is not supported here.' },
  internal: { retryable: false, description: 'An unexpected failure; see the logs.' },
} as const satisfies Record<string, { retryable: boolean; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One field-level problem, as in a zod issue: where and why. */
export interface ErrorIssue {
  path: string;
  message: string;
}

export interface TributaryErrorOptions {
  cause?: unknown;
  /** Overrides the code's default retry semantics (e.g. a 503 that the provider says is permanent). */
  retryable?: boolean;
  /** For `rate_limited`: how long the provider asked us to wait. */
  retryAfterMs?: number;
  issues?: ErrorIssue[];
  /** Extra machine-readable context. Never put secrets here. */
  details?: Record<string, unknown>;
}

export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly issues: ErrorIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TributaryError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.issues = options.issues;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; issues?: ErrorIssue[] } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.issues ? { issues: this.issues } : {}),
    };
  }
}

export function isTributaryError(err: unknown): err is TributaryError {
  return (
    err instanceof TributaryError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as any).name === 'TributaryError' &&
      typeof (err as any).code === 'string' &&
      (err as any).code in ERROR_CODES)
  );
}

/** Maps any thrown value to a TributaryError once, at the engine boundary. */
export function toTributaryError(err: unknown): TributaryError {
  if (isTributaryError(err)) return err;
  if (err instanceof Error) {
    if (err.name === 'AbortError') return new TributaryError('aborted', 'The operation was aborted.', { cause: err });
    if (err.name === 'ZodError' && Array.isArray((err as any).issues)) {
      return new TributaryError('invalid_input', 'Validation failed.', {
        cause: err,
        issues: zodIssues((err as any).issues),
      });
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (
      code === 'ECONNREFUSED' ||
      code === 'ECONNRESET' ||
      code === 'ETIMEDOUT' ||
      code === 'EAI_AGAIN' ||
      code === 'UND_ERR_SOCKET'
    ) {
      return new TributaryError('upstream_unavailable', `Network error: ${err.message}`, { cause: err });
    }
    if (code === 'ENOENT') return new TributaryError('not_found', err.message, { cause: err });
    if (code === 'EACCES' || code === 'EPERM')
      return new TributaryError('permission_denied', err.message, { cause: err });
    return new TributaryError('internal', err.message, { cause: err });
  }
  return new TributaryError('internal', String(err));
}

/** Turns zod issues into our `{ path, message }` list ("config.channels.mode: Invalid option"). */
export function zodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = '',
): ErrorIssue[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return { path: path || '(root)', message: issue.message };
  });
}

/** Formats issues for a one-line human message: `channels.mode: Invalid option; since: Required`. */
export function formatIssues(issues: ErrorIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
