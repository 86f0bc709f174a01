import path from 'node:path';
import type { Command } from 'commander';
import type { Engine, NewSourceInput } from '@tributary/engine';
// The light module, not the package entry (which loads every driver): this file loads with `tributary --help`.
import { splitSourceSettings, validateSourceName } from '@tributary/engine/engine/source-settings';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { parsePrivacyRules } from '@tributary/engine/engine/privacy';
import { parseEmbeddingsSettings, saveEmbeddingsSettings } from '@tributary/engine/embedding/settings';
import { parseQdrantSettings, saveQdrantSettings } from '../../runtime/qdrant-settings.js';
import { TributaryError, formatIssues, parseConfig, resolveFeatures, type ErrorIssue } from '@tributary/sdk';
import { formatPlan, planApply, planSummary, type Plan, type PlanAction } from '../../config/plan.js';
import type { ConfigFile } from '../../config/schema.js';
import { applyUsers, formatUserChanges, planUsers } from '../../config/users.js';
import {
  applyRegistryChanges,
  formatRegistryChange,
  planRegistryChanges,
  validateRegistrySection,
} from '../../config/connectors.js';
import { CONFIG_FILE, unknownConnector, type CliContext } from '../context.js';
import type { ExitState } from '../program.js';
import { confirmDestructive } from '../source-view.js';

/** The `--json` shape of one plan entry (docs/cli.md). */
export function planEntryJson(a: PlanAction): Record<string, unknown> {
  if (a.op === 'remove') return { op: a.op, id: a.existing.id, name: a.existing.name, type: a.existing.sourceType };
  const base = { op: a.op, id: a.declared.id, name: a.declared.name, type: a.declared.type };
  return a.op === 'update'
    ? { ...base, sourceId: a.existing.id, changes: a.changes }
    : a.op === 'unchanged'
      ? { ...base, sourceId: a.existing.id }
      : base;
}

/** `tributary apply`: reconcile the sources with a declarative file. */
export function registerApply(program: Command, ctx: CliContext, state: ExitState): void {
  program
    .command('apply')
    .description('create, update (and with --prune remove) sources to match a config file; prints the plan first')
    .option('-f, --file <file>', `the config file, YAML or JSON (default: <data dir>/${CONFIG_FILE})`)
    .option('--dry-run', 'print the plan only; change nothing')
    .option('--prune', 'remove sources that are not in the file (with everything synced from them)')
    .option('-y, --yes', 'do not ask before removing sources (required with --prune when not on a terminal)')
    .option('--json', 'print the plan and result as JSON')
    .action(async (opts: { file?: string; dryRun?: boolean; prune?: boolean; yes?: boolean; json?: boolean }) => {
      const file = opts.file === undefined ? path.join(ctx.dataDir, CONFIG_FILE) : path.resolve(ctx.io.cwd, opts.file);
      const { loadConfigFile } = await import('../../config/load.js'); // YAML parser: only for this command
      const config = validateAgainstConnectors(ctx, loadConfigFile(file, ctx.io.env));
      // Every regex compiled before anything changes, in dry runs too.
      const privacy = config.privacy === undefined ? undefined : parsePrivacyRules(config.privacy);
      // Embeddings settings are checked now (an API key belongs in the environment) and saved for the next start.
      const embeddings =
        config.embeddings === undefined || config.embeddings === null
          ? config.embeddings
          : parseEmbeddingsSettings(config.embeddings);
      // Qdrant settings too (checked now; the API key belongs in the environment), for the next start.
      const qdrant =
        config.qdrant === undefined || config.qdrant === null ? config.qdrant : parseQdrantSettings(config.qdrant);
      const engine = await ctx.engine();
      const userChanges = await planUsers(engine.ports.auth, config.users);
      // Compared with the declared (plaintext) configs: secret fields sealed at rest are opened first.
      const existing = await Promise.all(
        (await engine.sources.list(LOCAL_USER_ID)).map(async (s) => ({
          ...s,
          config: await engine.sources.plainConfig(s.id),
        })),
      );
      const plan = planApply(config, existing, {
        prune: opts.prune === true,
        normalizeConfig: (type, c) => {
          const parsed = ctx.connectors.find((x) => x.manifest.name === type)?.manifest.config.safeParse(c);
          return parsed?.success ? (parsed.data as Record<string, unknown>) : c;
        },
        normalizeFeatures: (type, f) => {
          const connector = ctx.connectors.find((x) => x.manifest.name === type);
          try {
            return connector ? resolveFeatures(connector.manifest, f) : f;
          } catch {
            return f;
          }
        },
      });
      // The engine's own checks of every new source (ids, paths inside allowed roots …), in dry runs too.
      await validateCreates(engine, plan);
      const registryChanges = await planRegistryChanges(engine, config, plan);
      const summary = planSummary(plan);
      const changes = summary.create + summary.update + summary.remove;
      if (!opts.json) {
        ctx.out.line(`Plan for ${file}:`);
        for (const l of formatPlan(plan)) ctx.out.line(`  ${colour(ctx, l)}`);
        if (plan.actions.length === 0) ctx.out.line('  (no sources declared)');
        for (const l of formatUserChanges(userChanges)) ctx.out.line(`  ${colour(ctx, l)}`);
        for (const c of registryChanges) ctx.out.line(`  ${colour(ctx, formatRegistryChange(c))}`);
        if (privacy)
          ctx.out.line(`  privacy: ${privacy.redact.length} redaction and ${privacy.exclude.length} exclusion rule(s)`);
        if (embeddings !== undefined)
          ctx.out.line(
            embeddings
              ? `  embeddings: ${embeddings.provider} ${'model' in embeddings ? embeddings.model : embeddings.modelDir} (used from the next start)`
              : '  embeddings: saved settings cleared',
          );
        if (qdrant !== undefined)
          ctx.out.line(
            qdrant ? `  qdrant: ${qdrant.url} (used from the next start)` : '  qdrant: saved settings cleared',
          );
      }
      let applied = false;
      if (!opts.dryRun && userChanges.length > 0) {
        await applyUsers(engine.ports.auth, config.users, userChanges);
        applied = true;
      }
      if (!opts.dryRun && privacy) {
        await engine.privacy.set(LOCAL_USER_ID, privacy);
        applied = true;
      }
      if (!opts.dryRun && embeddings !== undefined) {
        await saveEmbeddingsSettings(engine.ports.kv, embeddings);
        applied = true;
      }
      if (!opts.dryRun && qdrant !== undefined) {
        await saveQdrantSettings(engine.ports.kv, qdrant);
        applied = true;
      }
      if (!opts.dryRun && changes > 0) {
        if (
          summary.remove > 0 &&
          !(await confirmDestructive(
            ctx,
            opts.yes,
            `Remove ${summary.remove} source(s) and everything synced from them?`,
          ))
        ) {
          ctx.out.note('Cancelled; nothing was changed.');
          state.code = 1;
          return;
        }
        await execute(engine, plan);
        applied = true;
      }
      if (!opts.dryRun && registryChanges.length > 0) {
        await applyRegistryChanges(engine, registryChanges);
        applied = true;
      }
      if (opts.json) {
        return ctx.out.json({
          file,
          dryRun: opts.dryRun === true,
          applied,
          summary,
          plan: plan.actions.map(planEntryJson),
          unmanaged: plan.unmanaged.map((s) => s.name),
          users: userChanges,
          registry: registryChanges,
          privacy: privacy ?? null,
        });
      }
      const counts = `${summary.create} to create, ${summary.update} to update, ${summary.remove} to remove, ${summary.unchanged} unchanged`;
      if (opts.dryRun) ctx.out.line(`Dry run: ${counts}. Nothing was changed.`);
      else if (changes === 0 && userChanges.length + registryChanges.length > 0)
        ctx.out.line(
          `Applied: ${userChanges.length} user and ${registryChanges.length} connector change(s); the sources match the file.`,
        );
      else if (changes === 0) ctx.out.line('Nothing to do: the sources match the file.');
      else ctx.out.line(`Applied: ${counts.replaceAll(' to ', ' ')}.`);
    });
}

/**
 * Every declared source must name a known connector and carry a valid name, config and features — before anything
 * changes. Returns the file with each config under the connector's key names (snake_case accepted) and
 * `config.sync.interval_minutes` moved into the schedule, so the plan compares like with like.
 */
function validateAgainstConnectors(ctx: CliContext, file: ConfigFile): ConfigFile {
  const issues: ErrorIssue[] = [];
  const at = (i: number, err: unknown, fallback: string): ErrorIssue[] =>
    err instanceof TributaryError && err.issues?.length
      ? err.issues.map((x) => ({ ...x, path: `sources.${i}.${x.path}` }))
      : [{ path: `sources.${i}.${fallback}`, message: (err as Error).message }];
  const sources = file.sources.map((s, i) => {
    const connector = ctx.connectors.find((c) => c.manifest.name === s.type);
    try {
      validateSourceName(s.name);
    } catch (err) {
      issues.push(...at(i, err, 'name'));
    }
    if (!connector) {
      issues.push({ path: `sources.${i}.type`, message: unknownConnector(s.type, ctx.connectors).message });
      return s;
    }
    let declared = s;
    try {
      const split = splitSourceSettings(connector, s.config, s.schedule);
      declared = { ...s, config: split.config, schedule: split.schedule };
      parseConfig(connector, declared.config);
    } catch (err) {
      issues.push(...at(i, err, 'config'));
    }
    try {
      resolveFeatures(connector.manifest, s.features ?? {});
    } catch (err) {
      issues.push({ path: `sources.${i}.features`, message: (err as Error).message });
    }
    return declared;
  });
  issues.push(...validateRegistrySection(ctx.connectors, file));
  if (issues.length > 0) throw invalidFile(issues);
  return { ...file, sources };
}

function invalidFile(issues: ErrorIssue[]): TributaryError {
  return new TributaryError('invalid_config', `Config file is invalid: ${formatIssues(issues)}. Nothing was changed.`, {
    issues,
  });
}

async function validateCreates(engine: Engine, plan: Plan): Promise<void> {
  const issues: ErrorIssue[] = [];
  for (const a of plan.actions) {
    if (a.op !== 'create') continue;
    try {
      await engine.sources.validate(toNewSource(a.declared));
    } catch (err) {
      if (!(err instanceof TributaryError)) throw err;
      const where = `sources[id=${a.declared.id}]`;
      issues.push(
        ...(err.issues?.length
          ? err.issues.map((x) => ({ ...x, path: `${where}.${x.path}` }))
          : [{ path: where, message: err.message }]),
      );
    }
  }
  if (issues.length > 0) throw invalidFile(issues);
}

function toNewSource(d: ConfigFile['sources'][number]): NewSourceInput & { id?: string } {
  // The declared id becomes the source id; matching falls back to the name.
  const input: NewSourceInput & { id?: string } = {
    id: d.id,
    ownerId: LOCAL_USER_ID,
    connector: d.type,
    name: d.name,
    config: d.config,
    schedule: d.schedule ?? null,
  };
  if (d.features) input.features = d.features;
  return input;
}

async function execute(engine: Engine, plan: Plan): Promise<void> {
  for (const action of plan.actions) {
    if (action.op === 'create') {
      const d = action.declared;
      const created = await engine.sources.add(toNewSource(d));
      if (!d.enabled) await engine.sources.pause(created.id);
    } else if (action.op === 'update') {
      const d = action.declared;
      const changed = new Set(action.changes.map((c) => c.split('.')[0]));
      const patch: Parameters<Engine['sources']['update']>[1] = {};
      if (changed.has('name')) patch.name = d.name;
      if (changed.has('config')) patch.config = d.config;
      if (changed.has('features') && d.features) patch.features = d.features;
      if (changed.has('schedule')) patch.schedule = d.schedule ?? null;
      if (Object.keys(patch).length > 0) await engine.sources.update(action.existing.id, patch);
      if (changed.has('enabled'))
        await (d.enabled ? engine.sources.resume(action.existing.id) : engine.sources.pause(action.existing.id));
    } else if (action.op === 'remove') {
      await engine.sources.remove(action.existing.id);
    }
  }
}

function colour(ctx: CliContext, line: string): string {
  if (line.startsWith('+')) return ctx.out.green(line);
  if (line.startsWith('-')) return ctx.out.red(line);
  if (line.startsWith('~')) return ctx.out.yellow(line);
  return ctx.out.dim(line);
}
