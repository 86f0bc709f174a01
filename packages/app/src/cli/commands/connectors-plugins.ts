import type { Command } from 'commander';
import { TributaryError, type AnyConnector } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { table } from '../io.js';
import type { ExitState } from '../program.js';

/** Plugin modules load on first use: `--help` stays instant and the built-in commands never pay for them. */
const plugins = async () => ({
  ...(await import('../../plugins/install.js')),
  ...(await import('../../plugins/load.js')),
  modules: await import('../../runtime/connector-modules.js'),
});

/** `--json` is also an option of `connectors` itself, which commander gives it: read both levels. */
function flags(cmd: Command): { json?: boolean; force?: boolean } {
  return cmd.optsWithGlobals();
}

function builtinNames(connectors: AnyConnector[], pluginsModule: string, moduleOf: (c: AnyConnector) => unknown) {
  return connectors.filter((c) => moduleOf(c) !== pluginsModule).map((c) => c.manifest.name);
}

/**
 * `tributary connectors list|install|remove|upgrade`: plugins in `<dataDir>/plugins` (docs/plugins.md). Installing
 * or removing changes what the next process loads: a running `up`/`serve`/`worker` picks it up on restart.
 */
export function registerPluginCommands(connectors: Command, ctx: CliContext, _state: ExitState): void {
  connectors
    .command('list')
    .description(
      'list built-in connectors and installed plugins: version, origin, enabled, and why a plugin is not loaded',
    )
    .option('--json', 'print as JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = flags(cmd);
      const p = await plugins();
      const builtin = builtinNames(ctx.connectors, p.modules.PLUGINS_MODULE, p.modules.connectorModuleOf);
      const scan = p.scanPlugins(ctx.dataDir, { builtinNames: builtin, env: ctx.io.env });
      const rows = [
        ...ctx.connectors
          .filter((c) => builtin.includes(c.manifest.name))
          .map((c) => ({ name: c.manifest.name, version: c.manifest.version, origin: 'builtin', status: 'loaded' })),
        ...scan.loaded.map((l) => ({
          name: l.connector.manifest.name,
          version: l.pkg.version,
          origin: `${l.descriptor.origin.kind}:${l.descriptor.origin.spec}`,
          package: l.pkg.name,
          status: 'loaded',
          installedAt: l.descriptor.installedAt,
        })),
        ...scan.refused.map((r) => ({
          name: r.name,
          version: r.version ?? '?',
          origin: 'plugin',
          ...(r.package ? { package: r.package } : {}),
          status: `refused (${r.reason})`,
          message: r.message,
        })),
      ].sort((a, b) => a.name.localeCompare(b.name));
      // Enabled or not is the registry's (connectors enable|disable); a refused plugin is not in it.
      const registry = await (await ctx.engine()).connectors.registry.list();
      const enabled = new Map(registry.map((e) => [e.name, e.enabled]));
      const withEnabled = rows.map((r) => ({ ...r, enabled: enabled.get(r.name) ?? false }));
      if (opts.json) return ctx.out.json({ connectors: withEnabled });
      const lines = table(
        ['NAME', 'VERSION', 'ORIGIN', 'ENABLED', 'STATUS'],
        withEnabled.map((r) => [r.name, r.version, r.origin, r.enabled ? 'yes' : 'no', r.status]),
      );
      for (const l of lines) ctx.out.line(l);
      for (const r of scan.refused) ctx.out.note(ctx.out.yellow(p.refusalLine(r)));
    });

  connectors
    .command('install')
    .argument('<package>', 'an npm package (name or name@range), a folder, or a .tgz made by npm pack')
    .description('install a connector plugin into the data dir (its own node_modules; its code runs sandboxed)')
    .option('--json', 'print as JSON')
    .action(async (spec: string, _opts: unknown, cmd: Command) => {
      const opts = flags(cmd);
      const p = await plugins();
      const installed = await p.installPlugin({
        dataDir: ctx.dataDir,
        spec,
        cwd: ctx.io.cwd,
        builtinNames: builtinNames(ctx.connectors, p.modules.PLUGINS_MODULE, p.modules.connectorModuleOf),
        env: ctx.io.env,
      });
      report(ctx, 'Installed', installed, opts.json);
    });

  connectors
    .command('upgrade')
    .argument('<name>', 'the connector name of an installed plugin')
    .argument('[package]', 'install this instead (npm spec, folder or .tgz); default: npm @latest, or the same path')
    .description('reinstall a plugin (a newer version, or the same folder/.tgz again) and describe it again')
    .option('--json', 'print as JSON')
    .action(async (name: string, spec: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = flags(cmd);
      const p = await plugins();
      const current = p.readDescriptor((await import('../../plugins/layout.js')).pluginDir(ctx.dataDir, name));
      if (!current)
        throw new TributaryError(
          'not_found',
          `No plugin "${name}" is installed (tributary connectors list shows them).`,
        );
      const installed = await p.installPlugin({
        dataDir: ctx.dataDir,
        spec: p.upgradeSpec(current, spec),
        cwd: ctx.io.cwd,
        builtinNames: builtinNames(ctx.connectors, p.modules.PLUGINS_MODULE, p.modules.connectorModuleOf),
        env: ctx.io.env,
        replace: name,
      });
      report(ctx, 'Upgraded', installed, opts.json);
    });

  connectors
    .command('remove')
    .argument('<name>', 'the connector name of an installed plugin')
    .description('remove an installed plugin (refused while sources use it, unless --force)')
    .option('--force', 'remove it even though sources use it (their syncs fail until it is installed again)')
    .option('--json', 'print as JSON')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const opts = flags(cmd);
      const p = await plugins();
      if (!opts.force) {
        const using = (await (await ctx.engine()).sources.list()).filter((s) => s.sourceType === name);
        if (using.length > 0)
          throw new TributaryError(
            'conflict',
            `Sources use connector "${name}": ${using.map((s) => s.name).join(', ')}. Remove them first, or pass --force.`,
          );
      }
      const removed = p.removePlugin(ctx.dataDir, name);
      // Its registry row goes too (enabled flag, connector-wide feature settings): installed again later, it starts
      // from its manifest's defaults instead of a stale "disabled".
      await (await ctx.engine()).connectors.registry.forget(name);
      if (opts.json) return ctx.out.json({ removed: name, package: removed?.package, version: removed?.version });
      ctx.out.line(`Removed plugin ${name}${removed ? ` (${removed.package}@${removed.version})` : ''}.`);
    });
}

function report(
  ctx: CliContext,
  verb: string,
  installed: Awaited<ReturnType<Awaited<ReturnType<typeof plugins>>['installPlugin']>>,
  json: boolean | undefined,
): void {
  const d = installed.descriptor;
  if (json)
    return ctx.out.json({
      name: installed.name,
      package: d.package,
      version: d.version,
      origin: d.origin,
      dir: installed.dir,
      ...(installed.replaced ? { replaced: installed.replaced } : {}),
    });
  ctx.out.line(
    `${verb} ${d.package}@${d.version}${installed.replaced ? ` (was ${installed.replaced})` : ''} as connector "${installed.name}" (from ${d.origin.kind} ${d.origin.spec}).`,
  );
  ctx.out.line(
    ctx.out.dim(
      `Add a source: tributary sources add ${installed.name} --name <name> …  (running servers load it on restart)`,
    ),
  );
}
