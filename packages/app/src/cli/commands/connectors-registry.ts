import type { Command } from 'commander';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import type { FeatureView, FeatureWrite } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { EXIT } from '../errors.js';
import { table } from '../io.js';
import { applySets, collect, parseConfigOption } from '../parse.js';
import type { ExitState } from '../program.js';

interface FeatureFlags {
  on?: boolean;
  off?: boolean;
  inherit?: boolean;
  set?: string[];
  config?: string;
  clearConfig?: boolean;
  json?: boolean;
}

/** The feature options shared by `connectors feature` and `sources feature`. */
function withFeatureFlags(cmd: Command): Command {
  return cmd
    .option('--on', 'turn the feature on')
    .option('--off', 'turn the feature off')
    .option('--inherit', "drop this layer's on/off (the connector-wide setting or the default applies)")
    .option('--set <key=value>', "set one key of the feature's config (JSON values parse); repeatable", collect, [])
    .option('--config <json|@file>', "the feature's whole config as a JSON object (replaces this layer's)")
    .option('--clear-config', "drop this layer's config")
    .option('--json', 'print the features as JSON');
}

/**
 * The write the flags ask for. `--set` keys merge into this layer's current config; `--config` replaces it.
 * @throws TributaryError `invalid_input` on contradicting flags or none at all
 */
export function featureWriteFromFlags(
  opts: FeatureFlags,
  cwd: string,
  current: FeatureView | undefined,
  layer: 'connector' | 'source',
): FeatureWrite {
  const toggles = [opts.on, opts.off, opts.inherit].filter(Boolean).length;
  if (toggles > 1) throw new TributaryError('invalid_input', 'Use one of --on, --off and --inherit.');
  if (opts.clearConfig && (opts.config !== undefined || (opts.set ?? []).length > 0))
    throw new TributaryError('invalid_input', '--clear-config cannot be combined with --config or --set.');
  const write: FeatureWrite = {};
  if (opts.on) write.enabled = true;
  if (opts.off) write.enabled = false;
  if (opts.inherit) write.enabled = null;
  if (opts.clearConfig) write.config = null;
  else if (opts.config !== undefined || (opts.set ?? []).length > 0) {
    const base =
      opts.config !== undefined ? parseConfigOption(opts.config, cwd) : { ...(current?.[layer]?.config ?? {}) };
    write.config = applySets(base, opts.set ?? []);
  }
  if (Object.keys(write).length === 0)
    throw new TributaryError(
      'invalid_input',
      'Nothing to change: pass --on, --off, --inherit, --set key=value, --config or --clear-config.',
    );
  return write;
}

/** `--json` is also an option of `connectors` itself, which commander gives it: read both levels. */
function flags<T>(cmd: Command): T {
  return cmd.optsWithGlobals<T & Record<string, unknown>>();
}

function printFeatures(ctx: CliContext, features: Record<string, FeatureView>, withSource: boolean): void {
  const layer = (l: FeatureView['connector'] | undefined): string =>
    !l
      ? '-'
      : [l.enabled === undefined ? '' : l.enabled ? 'on' : 'off', l.config ? JSON.stringify(l.config) : '']
          .filter(Boolean)
          .join(' ') || '-';
  const rows = Object.entries(features).map(([name, f]) => [
    name,
    f.enabled ? ctx.out.green('on') : ctx.out.yellow('off'),
    JSON.stringify(f.config),
    f.default ? 'on' : 'off',
    layer(f.connector),
    ...(withSource ? [layer(f.source)] : []),
    f.dependsOn.join(',') || '-',
  ]);
  if (rows.length === 0) return ctx.out.line('(no features)');
  const headers = [
    'FEATURE',
    'STATE',
    'CONFIG',
    'DEFAULT',
    'CONNECTOR-WIDE',
    ...(withSource ? ['SOURCE'] : []),
    'NEEDS',
  ];
  for (const l of table(headers, rows)) ctx.out.line(l);
}

/**
 * `tributary connectors enable|disable|status|features|feature` (the registry, docs/features.md) and
 * `tributary sources features|feature|check`. Changes apply at each source's next run, no restart.
 */
export function registerRegistryCommands(program: Command, ctx: CliContext, state: ExitState): void {
  const connectors = program.commands.find((c) => c.name() === 'connectors');
  const sources = program.commands.find((c) => c.name() === 'sources');
  if (!connectors || !sources) throw new Error('register the connectors and sources commands first');

  for (const verb of ['enable', 'disable'] as const)
    connectors
      .command(verb)
      .argument('<name>', 'connector name')
      .description(
        verb === 'enable'
          ? 'enable a connector: its sources run again'
          : "disable a connector for every user: its sources show 'connector disabled' and never run",
      )
      .option('--json', 'print the registry entry as JSON')
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        const opts = flags<{ json?: boolean }>(cmd);
        const engine = await ctx.engine();
        const s = await engine.connectors.registry.setEnabled(name, verb === 'enable');
        if (opts.json) return ctx.out.json(s);
        ctx.out.line(`${s.name} ${s.version}: ${s.enabled ? 'enabled' : 'disabled'}`);
      });

  connectors
    .command('status')
    .description('the registry: version, origin, enabled, installed, required environment variables missing')
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = flags<{ json?: boolean }>(cmd);
      const reg = (await ctx.engine()).connectors.registry;
      await reg.sync(); // records connectors no long-running process has registered yet (plugins just installed)
      const list = await reg.list();
      if (opts.json) return ctx.out.json({ connectors: list });
      const rows = list.map((c) => [
        c.name,
        c.version,
        c.origin,
        c.enabled ? ctx.out.green('enabled') : ctx.out.yellow('disabled'),
        c.installedAt ?? '-',
        c.missingEnvVars.join(',') || '-',
      ]);
      for (const l of table(['NAME', 'VERSION', 'ORIGIN', 'STATE', 'INSTALLED', 'MISSING ENV'], rows)) ctx.out.line(l);
    });

  connectors
    .command('features')
    .argument('<name>', 'connector name')
    .description('connector-wide feature settings: state, config, default and dependencies')
    .option('--json', 'print as JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const opts = flags<{ json?: boolean }>(cmd);
      const features = await (await ctx.engine()).connectors.registry.features(name);
      if (opts.json) return ctx.out.json({ features });
      printFeatures(ctx, features, false);
    });

  withFeatureFlags(
    connectors
      .command('feature')
      .argument('<name>', 'connector name')
      .argument('<feature>', 'feature name')
      .description('set a feature for every source of a connector (a source may still override it)'),
  ).action(async (name: string, feature: string, _opts: unknown, cmd: Command) => {
    const opts = flags<FeatureFlags>(cmd);
    const reg = (await ctx.engine()).connectors.registry;
    const write = featureWriteFromFlags(opts, ctx.io.cwd, (await reg.features(name))[feature], 'connector');
    const features = await reg.setFeature(name, feature, write);
    if (opts.json) return ctx.out.json({ features });
    printFeatures(ctx, features, false);
  });

  sources
    .command('features')
    .argument('<source>', 'source name or id')
    .description("a source's features: effective state and config, and the layers they come from")
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const engine = await ctx.engine();
      const features = await engine.connectors.registry.sourceFeatures(await engine.sources.get(name, LOCAL_USER_ID));
      if (opts.json) return ctx.out.json({ features });
      printFeatures(ctx, features, true);
    });

  withFeatureFlags(
    sources
      .command('feature')
      .argument('<source>', 'source name or id')
      .argument('<feature>', 'feature name')
      .description('override a feature (on/off and config) for one source'),
  ).action(async (name: string, feature: string, opts: FeatureFlags) => {
    const engine = await ctx.engine();
    const reg = engine.connectors.registry;
    const source = await engine.sources.get(name, LOCAL_USER_ID);
    const write = featureWriteFromFlags(opts, ctx.io.cwd, (await reg.sourceFeatures(source))[feature], 'source');
    const features = await reg.setSourceFeature(source, feature, write);
    if (opts.json) return ctx.out.json({ features });
    printFeatures(ctx, features, true);
  });

  sources
    .command('check')
    .argument('<source>', 'source name or id')
    .description("run the connector's health check (connectivity, credentials); exit 1 when it fails")
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const engine = await ctx.engine();
      const source = await engine.sources.get(name, LOCAL_USER_ID);
      const status = await engine.connectors.registry.status(source.sourceType);
      const result = !status.enabled
        ? { ok: false, message: 'connector disabled' }
        : status.missingEnvVars.length > 0
          ? { ok: false, message: `missing environment variables: ${status.missingEnvVars.join(', ')}` }
          : await engine.sources.check(source.id);
      if (!result.ok) state.code = EXIT.failure;
      if (opts.json) return ctx.out.json({ source: source.name, connector: source.sourceType, ...result });
      ctx.out.line(
        `${source.name} (${source.sourceType}): ${result.ok ? ctx.out.green('ok') : ctx.out.red('failed')} — ${result.message}`,
      );
    });
}
