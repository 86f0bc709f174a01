import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import type { ConnectionSummary, OAuthFlow } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError, isTributaryError, resolveFeatures } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { parsePositiveInt } from '../parse.js';
import type { ExitState } from '../program.js';

/** How long `connect` waits for the browser to come back. */
export const CONNECT_TIMEOUT_MS = 5 * 60_000;

interface ConnectFlags {
  provider?: string;
  browser: boolean;
  timeout?: string;
  json?: boolean;
}

/** The flow over the CLI's store, with its own vault (same key: the env or the data dir's keyring). */
async function openFlow(ctx: CliContext) {
  // Imported here, not at the top: `tributary --help` must not load the engine (see docs/cli.md).
  const { createOAuthFlow, createVault, loadKeyring } = await import('@tributary/engine');
  const { oauthClientsFromEnv } = await import('../../runtime/oauth-env.js');
  const engine = await ctx.engine();
  const clients = oauthClientsFromEnv(ctx.io.env);
  const vault = createVault({
    store: engine.ports.vault,
    keyring: await loadKeyring({ env: ctx.io.env, dataDir: ctx.dataDir }),
    oauth: clients,
  });
  return { engine, clients, flow: createOAuthFlow({ store: engine.ports.vault, vault, clients }) };
}

/** `tributary connect <source>` and `tributary disconnect <source>`. */
export function registerConnect(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('connect')
    .argument('<source>', 'the source (name or id) to connect')
    .description(
      "connect a source with OAuth in your browser (a one-time listener on 127.0.0.1 receives the provider's answer)",
    )
    .option('--provider <name>', "the OAuth provider (default: the connector's)")
    .option('--no-browser', 'print the URL instead of opening a browser')
    .option('--timeout <seconds>', 'how long to wait for the browser (default 300)')
    .option('--json', 'print the connection summary as JSON')
    .action(async (sourceRef: string, opts: ConnectFlags) => {
      const timeoutMs = opts.timeout ? parsePositiveInt(opts.timeout, '--timeout') * 1000 : CONNECT_TIMEOUT_MS;
      const { engine, clients, flow } = await openFlow(ctx);
      const source = await engine.sources.get(sourceRef, LOCAL_USER_ID);
      const connector = ctx.connectors.find((c) => c.manifest.name === source.sourceType);
      const { connectTarget } = await import('../../runtime/oauth-env.js');
      const features = connector ? resolveFeatures(connector.manifest, source.features) : undefined;
      const target = connectTarget(connector?.manifest.auth, source.sourceType, opts.provider, features);
      // Fail on a missing client id before a listener or a browser is started.
      clients.assertConfigured(target.provider);
      const summary = await connectWithLoopback(ctx, flow, {
        sourceId: source.id,
        sourceName: source.name,
        provider: target.provider,
        ...(target.scopes ? { scopes: target.scopes } : {}),
        openBrowser: opts.browser,
        timeoutMs,
      });
      const after = await engine.sources.get(source.id, LOCAL_USER_ID);
      if (opts.json) {
        return ctx.out.json({
          source_id: source.id,
          source_name: source.name,
          provider: summary.provider,
          scope: summary.scope,
          expires_at: summary.expiresAt,
          has_refresh_token: summary.hasRefreshToken,
          status: after.status,
        });
      }
      ctx.out.line(`${ctx.out.green('Connected')} ${ctx.out.bold(source.name)} to ${summary.provider}.`);
      ctx.out.line(`  scope          ${summary.scope ?? '(provider default)'}`);
      ctx.out.line(`  access expires ${summary.expiresAt ?? 'never'}`);
      ctx.out.line(`  refresh token  ${summary.hasRefreshToken ? 'yes (refreshed automatically)' : 'no'}`);
      if (source.status === 'error' && after.status === 'active')
        ctx.out.line(`  status         active again; the next sync resumes from its checkpoint`);
    });

  program
    .command('disconnect')
    .argument('<source>', 'the source (name or id) to disconnect')
    .description('revoke the OAuth grant at the provider (when it can) and delete the stored credential')
    .option('--json', 'print the result as JSON')
    .action(async (sourceRef: string, opts: { json?: boolean }) => {
      const { engine, flow } = await openFlow(ctx);
      const source = await engine.sources.get(sourceRef, LOCAL_USER_ID);
      const r = await flow.disconnect(source.id);
      if (opts.json)
        return ctx.out.json({
          source_id: source.id,
          revoked: r.revoked,
          deleted: r.deleted,
          ...(r.revocationError ? { revocation_error: r.revocationError } : {}),
        });
      if (!r.deleted) return ctx.out.line(`${source.name} had no stored credential; nothing to disconnect.`);
      const how = r.revoked
        ? 'the grant was revoked at the provider'
        : r.revocationError
          ? `revoking at the provider failed (${r.revocationError}); revoke the app in the provider's settings`
          : "the provider has no revocation endpoint; revoke the app in the provider's settings";
      ctx.out.line(`Disconnected ${ctx.out.bold(source.name)}: credential deleted, ${how}.`);
    });
}

interface LoopbackConnect {
  sourceId: string;
  sourceName: string;
  provider: string;
  scopes?: string[];
  openBrowser: boolean;
  timeoutMs: number;
}

/**
 * Runs the authorization with a loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1 on a free port receives
 * the provider's redirect, once. Resolves with the stored connection's summary.
 */
async function connectWithLoopback(ctx: CliContext, flow: OAuthFlow, o: LoopbackConnect): Promise<ConnectionSummary> {
  let complete: (query: URLSearchParams) => Promise<ConnectionSummary>;
  const done = new Promise<ConnectionSummary>((resolve, reject) => {
    complete = async (query) => {
      try {
        const summary = await flow.completeAuthorization({
          provider: o.provider,
          query,
          userId: LOCAL_USER_ID,
          redirectUri,
        });
        resolve(summary);
        return summary;
      } catch (err) {
        reject(err);
        throw err;
      }
    };
  });
  done.catch(() => undefined);
  let handled = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback' || handled) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    handled = true;
    complete(url.searchParams).then(
      () => page(res, 200, `Connected ${o.sourceName}`, 'You can close this tab and return to the terminal.'),
      (err: unknown) =>
        page(res, 400, 'Connection failed', isTributaryError(err) ? err.message : 'See the terminal for details.'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  let timer: NodeJS.Timeout | undefined;
  let offInterrupt: (() => void) | undefined;
  try {
    const started = await flow.startAuthorization({
      provider: o.provider,
      sourceId: o.sourceId,
      userId: LOCAL_USER_ID,
      redirectUri,
      ...(o.scopes ? { scopes: o.scopes } : {}),
    });
    const stop = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TributaryError(
              'timeout',
              `No answer from the browser within ${Math.round(o.timeoutMs / 1000)} s; run connect again.`,
            ),
          ),
        o.timeoutMs,
      );
      offInterrupt = ctx.io.onInterrupt(() =>
        reject(new TributaryError('aborted', 'Connection aborted; nothing was stored.')),
      );
    });
    // Printed once Ctrl-C is handled: whoever reads "Waiting" may interrupt.
    const opened = o.openBrowser && openInBrowser(started.url);
    ctx.out.note(
      opened
        ? `Opening your browser to connect ${o.sourceName} with ${o.provider}. If it does not open, visit:`
        : `Open this URL in a browser to connect ${o.sourceName} with ${o.provider}:`,
    );
    ctx.out.note(`  ${started.url}`);
    ctx.out.note(`Waiting for the provider on ${redirectUri} (Ctrl-C aborts)…`);
    return await Promise.race([done, stop]);
  } finally {
    clearTimeout(timer);
    offInterrupt?.();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

function page(res: import('node:http').ServerResponse, status: number, title: string, text: string): void {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>` +
        `<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 32rem"><h1>${esc(title)}</h1>` +
        `<p>${esc(text)}</p></body></html>\n`,
    );
}

/**
 * Opens the URL with the platform's opener (detached, so the CLI's exit does not close the browser).
 * @returns false when no opener could be started (the caller prints the URL either way)
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): boolean {
  const [cmd, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    // A missing opener (ENOENT) is reported asynchronously; the URL is printed anyway.
    child.on('error', () => undefined);
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}
