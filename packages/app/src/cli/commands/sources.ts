import type { Command } from 'commander';
import type { SourcePatchInput } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError, parseConfig, resolveFeatures, type AnyConnector, type Credential } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { table, formatTime } from '../io.js';
import { applySets, collect, parseConfigOption, parseFeatures, parseSchedule } from '../parse.js';
import type { ExitState } from '../program.js';
import { confirmDestructive, connectorOf, describeSchedule, sourceJson } from '../source-view.js';

interface ConfigFlags {
  config?: string;
  set?: string[];
  feature?: string[];
  interval?: string;
  cron?: string;
  json?: boolean;
}

/** `tributary sources add|list|show|edit|pause|resume|remove`. */
export function registerSources(program: Command, ctx: CliContext, state: ExitState): void {
  const sources = program.command('sources').description('add, list, show, change and remove sources');

  const withConfigFlags = (cmd: Command): Command =>
    cmd
      .option('--config <json|@file>', 'the whole config as a JSON object, or @file.json')
      .option(
        '--set <key=value>',
        'set one config key (a.b=value for nested keys; values are JSON when they parse); repeatable',
        collect,
        [],
      )
      .option('--feature <name=on|off>', 'turn a feature on or off; repeatable', collect, [])
      .option('--interval <minutes>', 'sync every N minutes')
      .option('--cron <expr>', 'sync on a cron schedule ("0 * * * *")')
      .option('--json', 'print the source as JSON');

  withConfigFlags(sources.command('add').argument('<connector>', 'the connector (see `tributary connectors`)'))
    .description('add a source: validated first, nothing saved when the config is wrong')
    .requiredOption('--name <name>', 'a name for the source, unique among yours')
    .option('--credential-env <VAR>', 'store the token or password in this environment variable in the encrypted vault')
    .option('--username <name>', 'the user name of a password credential')
    .option('--no-check', 'skip the connectivity check after adding')
    .action(
      async (
        connectorName: string,
        opts: ConfigFlags & { name: string; check: boolean; credentialEnv?: string; username?: string },
      ) => {
        const connector = ctx.connector(connectorName);
        const config = applySets(opts.config ? parseConfigOption(opts.config, ctx.io.cwd) : {}, opts.set ?? []);
        const features = parseFeatures(opts.feature ?? []);
        const schedule = parseSchedule(opts.interval, opts.cron);
        // Validate before anything is written: a bad config leaves no trace.
        parseConfig(connector, config);
        resolveFeatures(connector.manifest, features);
        const credential = credentialFromEnv(connector, opts.credentialEnv, opts.username, ctx.io.env);
        const engine = await ctx.engine();
        const source = await engine.sources.add({
          ...(credential ? { credential } : {}),
          ownerId: LOCAL_USER_ID,
          connector: connectorName,
          name: opts.name,
          config,
          features,
          schedule: schedule ?? null,
        });
        if (opts.check) await checkAfterAdd(ctx, connector, source.id, source.name);
        if (opts.json) return ctx.out.json(sourceJson(source, connector));
        ctx.out.line(
          `Added source ${ctx.out.bold(source.name)} (${connectorName}, ${describeSchedule(source.schedule)}).`,
        );
        ctx.out.line(`Sync it now: tributary sync ${source.name}`);
      },
    );

  sources
    .command('list')
    .description('list sources with status and last sync')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      // Stored records and the registry: the read engine (no queue, vault or sync threads to start).
      const engine = await ctx.readEngine();
      const list = await engine.sources.list(LOCAL_USER_ID);
      if (opts.json) return ctx.out.json({ sources: list.map((s) => sourceJson(s, connectorOf(ctx, s))) });
      if (list.length === 0)
        return ctx.out.line('No sources yet. Add one: tributary sources add <connector> --name <name> …');
      // A source of a disabled connector never runs, whatever its own status: say so.
      const disabled = new Set((await engine.connectors.registry.list()).filter((c) => !c.enabled).map((c) => c.name));
      const rows = list.map((s) => [
        s.name,
        s.sourceType,
        disabled.has(s.sourceType) ? ctx.out.yellow('connector disabled') : statusText(ctx, s.status),
        describeSchedule(s.schedule),
        formatTime(s.lastSyncAt),
      ]);
      for (const l of table(['NAME', 'CONNECTOR', 'STATUS', 'SCHEDULE', 'LAST SYNC'], rows)) ctx.out.line(l);
    });

  sources
    .command('show')
    .argument('<name>', 'source name or id')
    .description('show one source (secrets masked)')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const engine = await ctx.engine();
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      const view = sourceJson(source, connectorOf(ctx, source));
      if (opts.json) return ctx.out.json(view);
      const enabled = (await engine.connectors.registry.status(source.sourceType).catch(() => undefined))?.enabled;
      const status = enabled === false ? ctx.out.yellow('connector disabled') : statusText(ctx, view.status);
      ctx.out.line(`${ctx.out.bold(view.name)}  ${view.connector}  ${status}`);
      ctx.out.line(`id:        ${view.id}`);
      ctx.out.line(`schedule:  ${describeSchedule(view.schedule)}`);
      ctx.out.line(`last sync: ${formatTime(view.lastSyncAt)}`);
      if (view.error) ctx.out.line(`error:     ${ctx.out.red(view.error)}`);
      ctx.out.line(
        `features:  ${
          Object.entries(view.features)
            .map(([k, v]) => `${k}=${v ? 'on' : 'off'}`)
            .join(' ') || '(defaults)'
        }  (all layers: tributary sources features ${view.name})`,
      );
      ctx.out.line('config:');
      for (const line of JSON.stringify(view.config, null, 2).split('\n')) ctx.out.line(`  ${line}`);
    });

  withConfigFlags(sources.command('edit').argument('<name>', 'source name or id'))
    .description('change a source: --config replaces the config, --set changes keys of it')
    .option('--rename <name>', 'give the source a new name')
    .option('--manual', 'remove the schedule (sync only on demand)')
    .action(async (name: string, opts: ConfigFlags & { rename?: string; manual?: boolean }) => {
      const engine = await ctx.engine();
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      const connector = ctx.connector(source.sourceType);
      const patch: SourcePatchInput = {};
      if (opts.config !== undefined || (opts.set ?? []).length > 0) {
        const base = opts.config !== undefined ? parseConfigOption(opts.config, ctx.io.cwd) : source.config;
        // The engine validates (after restoring secret fields sent back masked or sealed) before it stores.
        patch.config = applySets(base, opts.set ?? []);
      }
      const features = parseFeatures(opts.feature ?? []);
      if (Object.keys(features).length > 0) {
        patch.features = { ...source.features, ...features };
        resolveFeatures(connector.manifest, patch.features);
      }
      const schedule = parseSchedule(opts.interval, opts.cron);
      if (schedule && opts.manual)
        throw new TributaryError('invalid_input', 'Pass --manual or a schedule (--interval/--cron), not both.');
      if (schedule) patch.schedule = schedule;
      if (opts.manual) patch.schedule = null;
      if (opts.rename !== undefined) patch.name = opts.rename;
      if (Object.keys(patch).length === 0)
        throw new TributaryError(
          'invalid_input',
          'Nothing to change: pass --config, --set, --feature, --interval, --cron, --manual or --rename.',
        );
      const updated = await engine.sources.update(source.id, patch);
      if (opts.json) return ctx.out.json(sourceJson(updated, connector));
      ctx.out.line(`Updated ${ctx.out.bold(updated.name)}: ${Object.keys(patch).join(', ')}.`);
    });

  for (const [verb, doing] of [
    ['pause', 'paused'],
    ['resume', 'resumed'],
  ] as const) {
    sources
      .command(verb)
      .argument('<name>', 'source name or id')
      .description(
        verb === 'pause'
          ? 'stop scheduled syncs of a source (a running sync stops at the next item)'
          : 'schedule a paused source again',
      )
      .option('--json', 'print the source as JSON')
      .action(async (name: string, opts: { json?: boolean }) => {
        const engine = await ctx.engine();
        const source = await engine.sources.get(name, LOCAL_USER_ID);
        const updated =
          verb === 'pause' ? await engine.sources.pause(source.id) : await engine.sources.resume(source.id);
        if (opts.json) return ctx.out.json(sourceJson(updated, connectorOf(ctx, updated)));
        ctx.out.line(`${updated.name} ${doing} (status: ${updated.status}).`);
      });
  }

  sources
    .command('remove')
    .argument('<name>', 'source name or id')
    .description('remove a source with its memories, runs and checkpoint')
    .option('--purge', 'forget its memories first and report how many (the right to forget)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: { purge?: boolean; yes?: boolean; json?: boolean }) => {
      const engine = await ctx.engine();
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      if (!(await confirmDestructive(ctx, opts.yes, `Remove source "${source.name}" and everything synced from it?`))) {
        ctx.out.note('Cancelled; nothing was removed.');
        state.code = 1;
        return;
      }
      const purged = opts.purge ? await engine.purge(source.id) : null;
      await engine.sources.remove(source.id);
      if (opts.json) return ctx.out.json({ removed: source.name, id: source.id, purged });
      ctx.out.line(`Removed ${source.name}${purged === null ? '' : ` (${purged} memories forgotten)`}.`);
    });
}

/**
 * Reads a credential from an environment variable (never from the command line: it would land in shell history).
 * @throws TributaryError `invalid_input` when the variable is unset or the connector takes no such credential
 */
export function credentialFromEnv(
  connector: AnyConnector,
  variable: string | undefined,
  username: string | undefined,
  env: Record<string, string | undefined>,
): Credential | undefined {
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (!value)
    throw new TributaryError(
      'invalid_input',
      `--credential-env ${variable}: the variable is not set (export ${variable}=… first).`,
    );
  const auth = connector.manifest.auth;
  if (auth.type === 'password') return { kind: 'password', password: value, ...(username ? { username } : {}) };
  if (auth.type === 'token' || (auth.type === 'oauth2' && auth.allowToken)) return { kind: 'token', token: value };
  const why = auth.type === 'none' ? 'needs no credentials' : 'connects with OAuth, not a stored token';
  throw new TributaryError('invalid_input', `--credential-env: connector "${connector.manifest.name}" ${why}.`);
}

/** Runs the connector's check; a failing local source (e.g. a root that does not exist) is rolled back. */
async function checkAfterAdd(ctx: CliContext, connector: AnyConnector, sourceId: string, name: string): Promise<void> {
  const engine = await ctx.engine();
  const result = await engine.sources
    .check(sourceId)
    .catch((err: unknown) => ({ ok: false, message: (err as Error).message }));
  if (result.ok) return;
  const reason = result.message.replace(/[.\s]+$/, '');
  if ((connector.manifest.kind ?? 'local') === 'local') {
    await engine.sources.remove(sourceId);
    throw new TributaryError(
      'invalid_config',
      `Source "${name}" failed its check: ${reason}. Nothing was saved; fix the config and add it again.`,
      {
        issues: [{ path: 'config', message: reason }],
      },
    );
  }
  ctx.out.note(
    ctx.out.yellow(
      `warning: check failed: ${reason} — the source was added; fix its credentials or config, then sync.`,
    ),
  );
}

function statusText(ctx: CliContext, status: string): string {
  if (status === 'active') return ctx.out.green(status);
  if (status === 'error') return ctx.out.red(status);
  return ctx.out.yellow(status);
}
