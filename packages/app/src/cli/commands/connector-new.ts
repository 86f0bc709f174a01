import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/** `tributary connector new <name> [--dir <folder>]`: scaffolds a connector plugin package (docs/writing-connectors.md). */
export function registerConnectorNew(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('connector')
    .description('write connector plugins')
    .command('new')
    .argument('<name>', 'the connector name, kebab-case and stable forever (e.g. acme-notes)')
    .description(
      'scaffold a connector plugin: manifest, config, client, map, read(), a local API twin, conformance test',
    )
    .option('--dir <folder>', 'where to write it (default: ./tributary-connector-<name>; must be empty or absent)')
    .option(
      '--sdk <spec>',
      "where the plugin's tests get @tributary/sdk (devDependency; default: this Tributary's SDK folder, file:…)",
    )
    .option('--json', 'print what was written as JSON')
    .action(async (name: string, opts: { dir?: string; sdk?: string; json?: boolean }) => {
      const { scaffoldConnector } = await import('../../plugins/scaffold/scaffold.js');
      const done = scaffoldConnector(name, {
        cwd: ctx.io.cwd,
        ...(opts.dir ? { dir: opts.dir } : {}),
        ...(opts.sdk ? { sdkDevSpec: opts.sdk } : {}),
      });
      if (opts.json) return ctx.out.json({ dir: done.dir, package: done.names.packageName, files: done.files });
      ctx.out.line(`Wrote ${done.names.packageName} (connector "${name}") to ${done.dir}:`);
      for (const f of done.files) ctx.out.line(`  ${f}`);
      ctx.out.line('');
      ctx.out.line('Next:');
      ctx.out.line(`  cd ${done.dir} && npm install && npm test`);
      ctx.out.line(`  tributary connectors install ${done.dir}`);
      ctx.out.line(ctx.out.dim('Walkthrough: docs/writing-connectors.md'));
    });
}
