// The errors module alone: the SDK's index loads zod and every helper, which `--help` never needs.
import { toTributaryError, type ErrorCode, type ErrorIssue } from '@tributary/sdk/errors';

/** Process exit codes of the CLI (documented in docs/cli.md). */
export const EXIT = {
  ok: 0,
  failure: 1,
  /** Bad usage or invalid config: the message names the flag or field and the reason. */
  usage: 2,
  /** Ctrl-C during a sync: committed work is kept. */
  interrupted: 130,
} as const;

type Exit = (typeof EXIT)[keyof typeof EXIT];

/**
 * The ONE table from error codes to exit codes and a hint that says what to do next. Every code is listed (the
 * `satisfies` makes a new code a compile error here until it is mapped).
 */
export const ERROR_TABLE = {
  invalid_config: {
    exit: EXIT.usage,
    hint: 'Fix the field named above; `tributary connectors <type>` shows the config schema.',
  },
  invalid_input: { exit: EXIT.usage, hint: 'Check the flags with `tributary <command> --help`.' },
  invalid_query: { exit: EXIT.usage, hint: 'Quote phrases ("like this"), or drop --fts to use the simple syntax.' },
  not_found: { exit: EXIT.usage, hint: 'See what exists with `tributary sources list` or `tributary connectors`.' },
  path_outside_root: { exit: EXIT.usage, hint: 'Use a path inside the configured root.' },
  auth_invalid: { exit: EXIT.failure, hint: 'Update the source credentials, then sync again.' },
  auth_expired: { exit: EXIT.failure, hint: 'Sync again; if it keeps failing, connect the source again.' },
  reauthorization_required: { exit: EXIT.failure, hint: 'The grant was revoked: connect the source again.' },
  permission_denied: {
    exit: EXIT.failure,
    hint: 'Grant the missing permission or scope (or fix file permissions), then sync again.',
  },
  rate_limited: { exit: EXIT.failure, hint: 'The provider asked us to slow down: wait a little and sync again.' },
  upstream_unavailable: {
    exit: EXIT.failure,
    hint: 'The provider is unreachable: check the network and sync again later.',
  },
  upstream_error: {
    exit: EXIT.failure,
    hint: 'The provider answered with an error: check `tributary runs <source>` and the provider status.',
  },
  timeout: { exit: EXIT.failure, hint: 'Sync again; committed work is kept.' },
  cursor_invalid: { exit: EXIT.failure, hint: 'Re-read everything with `tributary sync <source> --full-refresh`.' },
  record_invalid: {
    exit: EXIT.failure,
    hint: 'One record could not be read; the run lists it (`tributary runs <source>`).',
  },
  conflict: {
    exit: EXIT.failure,
    hint: 'It clashes with something that exists (a name, a user, a source that uses it): the message above says what to change.',
  },
  connector_disabled: {
    exit: EXIT.failure,
    hint: 'An admin disabled the connector (`tributary connectors enable <name>`), or it needs environment variables (`tributary connectors status`).',
  },
  already_running: {
    exit: EXIT.failure,
    hint: 'Another sync of this source is running; wait for it (see `tributary runs <source>`).',
  },
  aborted: {
    exit: EXIT.failure,
    hint: 'Committed work is kept; `tributary sync <source>` resumes from the last checkpoint.',
  },
  incompatible_connector: { exit: EXIT.failure, hint: 'Install a connector version built for this Tributary SDK.' },
  unauthenticated: { exit: EXIT.failure, hint: 'Pass a valid API token.' },
  forbidden: {
    exit: EXIT.failure,
    hint: 'Use a token that may do this; a local path must be inside the allowed roots an admin granted you.',
  },
  budget_exceeded: {
    exit: EXIT.failure,
    hint: 'A budget stopped the run (see docs/configuration.md, TRIBUTARY_BUDGET_*); raise it or free disk space, then sync again.',
  },
  payload_too_large: { exit: EXIT.failure, hint: 'Send less at once.' },
  unsupported_media_type: { exit: EXIT.failure, hint: 'Send the body as JSON (Content-Type: application/json).' },
  store_unavailable: {
    exit: EXIT.failure,
    hint: 'Check that the data dir (--data-dir / TRIBUTARY_HOME) is writable and not locked by another process.',
  },
  secret_key_invalid: {
    exit: EXIT.failure,
    hint: 'Set TRIBUTARY_SECRET_KEY to the key the credentials were stored with (or restore the key file in the data dir).',
  },
  unsupported: { exit: EXIT.failure, hint: 'This connector or mode does not support it.' },
  internal: { exit: EXIT.failure, hint: 'This is a bug: please report it with the command you ran.' },
} as const satisfies Record<ErrorCode, { exit: Exit; hint: string }>;

/** A failure as the CLI shows it. */
export interface CliFailure {
  exitCode: Exit;
  code: ErrorCode;
  message: string;
  hint: string;
  issues?: ErrorIssue[];
}

/** Maps anything thrown to a CLI failure through {@link ERROR_TABLE}. */
export function describeFailure(err: unknown): CliFailure {
  const e = toTributaryError(err);
  const row = ERROR_TABLE[e.code];
  return {
    exitCode: row.exit,
    code: e.code,
    message: e.message,
    hint: row.hint,
    ...(e.issues ? { issues: e.issues } : {}),
  };
}

/** The human form: the message, each issue on its own line, and what to do next. */
export function formatFailure(f: CliFailure): string {
  const lines = [`error: ${f.message}`];
  // Issues repeat what the message says when there is one; show them only when there are several.
  if (f.issues && f.issues.length > 1) for (const i of f.issues) lines.push(`  - ${i.path}: ${i.message}`);
  lines.push(`hint: ${f.hint}`);
  return lines.join('\n');
}

/** The `--json` form: the same envelope as the REST API. */
export function failureJson(f: CliFailure): { error: { code: ErrorCode; message: string; issues?: ErrorIssue[] } } {
  return { error: { code: f.code, message: f.message, ...(f.issues ? { issues: f.issues } : {}) } };
}

/**
 * Prints what a command threw, as every command line reports it (the program and the quick search): the JSON
 * envelope on stdout under `--json`, else the message and hint on stderr. Returns the exit code.
 */
export function reportFailure(
  err: unknown,
  argv: string[],
  out: { json(value: unknown): void },
  stderr: { write(s: string): unknown },
): number {
  const failure = describeFailure(err);
  if (argv.includes('--json')) out.json(failureJson(failure));
  else stderr.write(`${formatFailure(failure)}\n`);
  return failure.exitCode;
}
