import type { Command } from 'commander';
import { configJsonSchema, type AnyConnector } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { table } from '../io.js';
import type { ExitState } from '../program.js';
import { registerPluginCommands } from './connectors-plugins.js';

/** The `--json` shape of one connector in `tributary connectors`. */
export function connectorSummary(c: AnyConnector): Record<string, unknown> {
  const m = c.manifest;
  return {
    name: m.name,
    title: m.title,
    description: m.description,
    version: m.version,
    kind: m.kind ?? 'local',
    auth: m.auth,
    streams: m.streams,
    // A feature's config is a zod schema: shown as its JSON Schema (docs/features.md).
    features: Object.fromEntries(
      Object.entries(m.features ?? {}).map(([k, f]) => [
        k,
        {
          default: f.default,
          description: f.description,
          ...(f.dependsOn?.length ? { dependsOn: f.dependsOn } : {}),
          ...(f.config ? { configSchema: configJsonSchema(f.config) } : {}),
        },
      ]),
    ),
    capabilities: m.capabilities,
    ...(m.author ? { author: m.author } : {}),
    ...(m.envVars?.length ? { envVars: m.envVars } : {}),
    ...(m.monitoring?.metrics?.length ? { metrics: m.monitoring.metrics } : {}),
  };
}

/** `tributary connectors [name]`: what can be synced, and one connector's config schema. */
export function registerConnectors(program: Command, ctx: CliContext, state: ExitState): void {
  const connectors = program
    .command('connectors')
    .argument('[name]', 'show one connector: its config schema, features and auth')
    .description('list the installed connectors, or show one')
    .option('--json', 'print as JSON')
    .action((name: string | undefined, opts: { json?: boolean }) => {
      if (name === undefined) {
        const all = [...ctx.connectors].sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
        if (opts.json) return ctx.out.json({ connectors: all.map(connectorSummary) });
        const rows = all.map((c) => [
          c.manifest.name,
          c.manifest.kind ?? 'local',
          c.manifest.auth.type,
          c.manifest.streams.join(','),
          c.manifest.title,
        ]);
        for (const l of table(['NAME', 'KIND', 'AUTH', 'STREAMS', 'TITLE'], rows)) ctx.out.line(l);
        ctx.out.line('');
        ctx.out.line(ctx.out.dim('Details and config: tributary connectors <name>'));
        return;
      }
      const c = ctx.connector(name);
      const schema = configJsonSchema(c.manifest.config);
      if (opts.json) return ctx.out.json({ ...connectorSummary(c), configSchema: schema });
      printConnector(ctx, c, schema);
    });
  registerPluginCommands(connectors, ctx, state);
}

function printConnector(ctx: CliContext, c: AnyConnector, schema: Record<string, unknown>): void {
  const m = c.manifest;
  const out = ctx.out;
  out.line(`${out.bold(m.title)} (${m.name} ${m.version}) — ${m.kind ?? 'local'}`);
  out.line(m.description);
  out.line('');
  out.line(
    `Auth:     ${m.auth.type === 'oauth2' ? `oauth2 (${m.auth.provider}; scopes: ${(m.auth.scopes ?? []).join(' ') || 'none'})` : m.auth.type}`,
  );
  out.line(`Streams:  ${m.streams.join(', ')}`);
  const caps = Object.entries(m.capabilities ?? {})
    .filter(([, on]) => on)
    .map(([k]) => k);
  out.line(`Supports: ${caps.join(', ') || 'full reads only'}`);
  out.line('');
  out.line(out.bold('Config'));
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([key, p]) => [
    key + (required.has(key) ? ' *' : ''),
    describeType(p),
    p.default === undefined ? '' : JSON.stringify(p.default),
    `${p.secret === true ? '[secret] ' : ''}${String(p.description ?? '')}`,
  ]);
  if (rows.length === 0) out.line('  (no settings)');
  else for (const l of table(['KEY', 'TYPE', 'DEFAULT', 'DESCRIPTION'], rows)) out.line(`  ${l}`);
  const features = Object.entries(m.features ?? {});
  out.line('');
  out.line(out.bold('Features'));
  if (features.length === 0) out.line('  (none)');
  else
    for (const l of table(
      ['NAME', 'DEFAULT', 'CONFIG', 'DESCRIPTION'],
      features.map(([k, f]) => [
        k,
        f.default ? 'on' : 'off',
        f.config ? Object.keys((configJsonSchema(f.config).properties ?? {}) as object).join(', ') : '-',
        f.description + (f.dependsOn?.length ? ` (needs ${f.dependsOn.join(', ')})` : ''),
      ]),
    ))
      out.line(`  ${l}`);
  out.line('');
  out.line(
    out.dim(
      `* required. Add one: tributary sources add ${m.name} --name <name> --set key=value  (JSON Schema: --json)`,
    ),
  );
}

function describeType(p: Record<string, unknown>): string {
  if (Array.isArray(p.enum)) return p.enum.map((v) => JSON.stringify(v)).join('|');
  if (p.type === 'array') {
    const items = (p.items ?? {}) as Record<string, unknown>;
    return `${typeof items.type === 'string' ? items.type : 'any'}[]`;
  }
  if (typeof p.type === 'string') return p.type;
  if (Array.isArray(p.anyOf)) return (p.anyOf as Array<Record<string, unknown>>).map(describeType).join('|');
  return 'any';
}
