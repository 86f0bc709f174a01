import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/sdk';
import { changedPaths, formatPlan, planApply, planSummary, type ExistingSource } from './plan.js';
import type { ConfigFile, DeclaredSource } from './schema.js';

const declared = (over: Partial<DeclaredSource> = {}): DeclaredSource => ({
  id: 'notes',
  type: 'files',
  name: 'notes',
  config: { rootDir: '/n' },
  enabled: true,
  ...over,
});
const stored = (over: Partial<ExistingSource> = {}): ExistingSource => ({
  id: 'uuid-1',
  name: 'notes',
  sourceType: 'files',
  config: { rootDir: '/n' },
  features: {},
  schedule: null,
  status: 'active',
  ...over,
});
const file = (...sources: DeclaredSource[]): ConfigFile => ({ version: 1, sources, users: [] });

describe('planApply', () => {
  it('creates what is missing and keeps what matches', () => {
    const plan = planApply(file(declared(), declared({ id: 'code', type: 'git', name: 'code' })), [stored()]);
    expect(plan.actions.map((a) => a.op)).toEqual(['unchanged', 'create']);
    expect(planSummary(plan)).toEqual({ create: 1, update: 0, remove: 0, unchanged: 1 });
  });

  it('lists the changed keys of an update, never their values', () => {
    const plan = planApply(
      file(
        declared({
          config: { rootDir: '/m', auth: { token: 's3cret' } },
          schedule: { intervalMinutes: 5 },
          enabled: false,
        }),
      ),
      [stored({ config: { rootDir: '/n', auth: { token: 'old' } } })],
    );
    const action = plan.actions[0]!;
    expect(action.op).toBe('update');
    expect(action.op === 'update' && action.changes).toEqual([
      'config.auth.token',
      'config.rootDir',
      'schedule',
      'enabled',
    ]);
    const text = formatPlan(plan).join('\n');
    expect(text).toContain('~ notes (files): config.auth.token, config.rootDir, schedule, enabled');
    expect(text).not.toContain('s3cret');
  });

  it('matches by id first, so a rename is an update of the same source', () => {
    const plan = planApply(file(declared({ id: 'uuid-1', name: 'renamed' })), [stored()]);
    expect(plan.actions).toMatchObject([{ op: 'update', changes: ['name'], existing: { id: 'uuid-1' } }]);
  });

  it('compares configs after normalization (connector defaults do not count as changes)', () => {
    const withDefaults = (_t: string, c: Record<string, unknown>) => ({ pageSize: 500, ...c });
    const plan = planApply(file(declared({ config: { rootDir: '/n', pageSize: 500 } })), [stored()], {
      normalizeConfig: withDefaults,
    });
    expect(plan.actions[0]?.op).toBe('unchanged');
  });

  it('removes sources absent from the file only with prune', () => {
    const extra = stored({ id: 'uuid-2', name: 'old', sourceType: 'git' });
    const kept = planApply(file(declared()), [stored(), extra]);
    expect(kept.actions.map((a) => a.op)).toEqual(['unchanged']);
    expect(kept.unmanaged.map((s) => s.name)).toEqual(['old']);
    expect(formatPlan(kept).at(-1)).toContain('use --prune');
    const pruned = planApply(file(declared()), [stored(), extra], { prune: true });
    expect(pruned.actions.map((a) => a.op)).toEqual(['unchanged', 'remove']);
    expect(formatPlan(pruned)).toContain('- old (git)');
  });

  it('refuses to change the connector of an existing source', () => {
    expect(() => planApply(file(declared({ type: 'git' })), [stored()])).toThrow(TributaryError);
    expect(() => planApply(file(declared({ type: 'git' })), [stored()])).toThrow(/sources\.0\.type/);
  });

  it('treats a paused source as disabled and an errored one as enabled', () => {
    expect(planApply(file(declared({ enabled: false })), [stored({ status: 'paused' })]).actions[0]?.op).toBe(
      'unchanged',
    );
    expect(planApply(file(declared()), [stored({ status: 'error' })]).actions[0]?.op).toBe('unchanged');
  });
});

describe('changedPaths', () => {
  it('finds nested leaf differences and array changes', () => {
    expect(changedPaths({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [1, 2] }, e: 1 }, 'config')).toEqual([
      'config.a.b',
      'config.d',
      'config.e',
    ]);
    expect(changedPaths({ c: [1, 2] }, { c: [2, 1] }, 'x')).toEqual(['x.c']);
    expect(changedPaths({ a: 1, b: 2 }, { b: 2, a: 1 }, 'x')).toEqual([]);
  });
});
