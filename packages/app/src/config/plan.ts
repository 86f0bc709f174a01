import { TributaryError } from '@tributary/sdk';
import type { ConfigFile, DeclaredSource } from './schema.js';

/** What the planner needs to know of a stored source (a subset of the store's `SourceRecord`). */
export interface ExistingSource {
  id: string;
  name: string;
  sourceType: string;
  config: Record<string, unknown>;
  features: Record<string, boolean>;
  schedule: { intervalMinutes?: number; cron?: string } | null;
  status: 'active' | 'paused' | 'error';
}

export type PlanAction =
  | { op: 'create'; declared: DeclaredSource }
  | { op: 'update'; declared: DeclaredSource; existing: ExistingSource; changes: string[] }
  | { op: 'unchanged'; declared: DeclaredSource; existing: ExistingSource }
  | { op: 'remove'; existing: ExistingSource };

export interface Plan {
  actions: PlanAction[];
  /** Stored sources absent from the file and kept because `prune` was off. */
  unmanaged: ExistingSource[];
}

export interface PlanOptions {
  prune?: boolean;
  /** Applies connector defaults so a stored config and its declaration compare equal. @default identity */
  normalizeConfig?: (type: string, config: Record<string, unknown>) => Record<string, unknown>;
  /** Resolves feature flags against the connector defaults. @default identity */
  normalizeFeatures?: (type: string, features: Record<string, boolean>) => Record<string, boolean>;
}

/**
 * Reconciles the declared sources with the stored ones. A declaration matches the stored source with its `id`,
 * else the one with its `name`. Pure: nothing is read or written.
 * @throws TributaryError `invalid_config` when a declaration changes the connector of an existing source
 */
export function planApply(file: ConfigFile, existing: ExistingSource[], options: PlanOptions = {}): Plan {
  const normalizeConfig = options.normalizeConfig ?? ((_t, c) => c);
  const normalizeFeatures = options.normalizeFeatures ?? ((_t, f) => f);
  const claimed = new Set<string>();
  const actions: PlanAction[] = [];

  file.sources.forEach((declared, index) => {
    const match =
      existing.find((s) => s.id === declared.id && !claimed.has(s.id)) ??
      existing.find((s) => s.name === declared.name && !claimed.has(s.id));
    if (!match) {
      actions.push({ op: 'create', declared });
      return;
    }
    claimed.add(match.id);
    if (match.sourceType !== declared.type) {
      throw new TributaryError(
        'invalid_config',
        `sources.${index}.type: source "${match.name}" uses connector "${match.sourceType}", not "${declared.type}"; a source cannot change connector — give the new one another id and name (and --prune the old).`,
        { issues: [{ path: `sources.${index}.type`, message: `cannot change connector from ${match.sourceType}` }] },
      );
    }
    const changes: string[] = [];
    if (match.name !== declared.name) changes.push('name');
    changes.push(
      ...changedPaths(
        normalizeConfig(match.sourceType, match.config),
        normalizeConfig(declared.type, declared.config),
        'config',
      ),
    );
    if (declared.features !== undefined) {
      changes.push(
        ...changedPaths(
          normalizeFeatures(match.sourceType, match.features),
          normalizeFeatures(declared.type, declared.features),
          'features',
        ),
      );
    }
    if (!sameJson(normalizeSchedule(match.schedule), normalizeSchedule(declared.schedule ?? null)))
      changes.push('schedule');
    if ((match.status !== 'paused') !== declared.enabled) changes.push('enabled');
    actions.push(
      changes.length > 0
        ? { op: 'update', declared, existing: match, changes }
        : { op: 'unchanged', declared, existing: match },
    );
  });

  const rest = existing.filter((s) => !claimed.has(s.id));
  if (options.prune) for (const s of rest) actions.push({ op: 'remove', existing: s });
  return { actions, unmanaged: options.prune ? [] : rest };
}

/** Leaf paths whose values differ between two JSON-like values (`config.auth.token`). */
export function changedPaths(before: unknown, after: unknown, prefix: string): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], `${prefix}.${k}`));
  }
  return sameJson(before, after) ? [] : [prefix];
}

function normalizeSchedule(
  schedule: { intervalMinutes?: number; cron?: string } | null,
): { intervalMinutes?: number; cron?: string } | null {
  if (!schedule) return null;
  const out: { intervalMinutes?: number; cron?: string } = {};
  if (schedule.intervalMinutes !== undefined) out.intervalMinutes = schedule.intervalMinutes;
  if (schedule.cron !== undefined) out.cron = schedule.cron;
  return Object.keys(out).length > 0 ? out : null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** One line per action: `+ create`, `~ update (changed keys)`, `- remove`, `= unchanged`. No values: they may be secrets. */
export function formatPlan(plan: Plan): string[] {
  const lines = plan.actions.map((a) => {
    switch (a.op) {
      case 'create':
        return `+ ${a.declared.name} (${a.declared.type}, id ${a.declared.id})`;
      case 'update':
        return `~ ${a.existing.name}${a.existing.name !== a.declared.name ? ` → ${a.declared.name}` : ''} (${a.declared.type}): ${a.changes.join(', ')}`;
      case 'unchanged':
        return `= ${a.declared.name} (${a.declared.type})`;
      case 'remove':
        return `- ${a.existing.name} (${a.existing.sourceType})`;
    }
  });
  if (plan.unmanaged.length > 0) {
    lines.push(
      `  ${plan.unmanaged.length} source(s) not in the file kept: ${plan.unmanaged.map((s) => s.name).join(', ')} (use --prune to remove them)`,
    );
  }
  return lines;
}

/** Counts per operation, for summaries and `--json`. */
export function planSummary(plan: Plan): { create: number; update: number; remove: number; unchanged: number } {
  const count = (op: PlanAction['op']): number => plan.actions.filter((a) => a.op === op).length;
  return { create: count('create'), update: count('update'), remove: count('remove'), unchanged: count('unchanged') };
}
