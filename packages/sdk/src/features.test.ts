import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from './connector.js';
import {
  assertFeatureDependencies,
  featureConfigJsonSchemas,
  featureOf,
  resolveFeatureSettings,
  toFeatureOverride,
} from './features.js';

const PullRequests = z.object({
  includeReviews: z.boolean().default(true),
  maxAgeDays: z.number().int().positive().optional(),
});

const connector = defineConnector({
  manifest: {
    name: 'demo',
    version: '1.0.0',
    sdk: '^1.0.0',
    title: 'Demo',
    description: 'Demo',
    auth: { type: 'none' },
    config: z.object({}),
    checkpoint: z.object({}),
    streams: ['x'],
    author: 'Tributary',
    envVars: [{ name: 'DEMO_KEY', description: 'API key' }],
    monitoring: { metrics: [{ name: 'api_rate_limit_remaining', type: 'gauge', description: 'Calls left' }] },
    features: {
      issues: { default: true, description: 'Issues' },
      pullRequests: { default: true, description: 'PRs', dependsOn: ['issues'], config: PullRequests },
      files: { default: false, description: 'Files' },
    },
  },
  check: async () => ({ ok: true, message: 'ok' }),
  async *read() {},
});
const m = connector.manifest;

describe('feature flags with config', () => {
  it('keeps config schemas and the new manifest fields through defineConnector', () => {
    expect(m.features?.pullRequests?.config).toBe(PullRequests);
    expect(m.author).toBe('Tributary');
    expect(m.envVars).toEqual([{ name: 'DEMO_KEY', description: 'API key', required: true }]);
    expect(m.monitoring?.metrics?.[0]?.type).toBe('gauge');
    expect(featureConfigJsonSchemas(m).pullRequests).toMatchObject({ properties: { includeReviews: {} } });
    expect(featureConfigJsonSchemas(m).files).toBeNull();
  });

  it('layers manifest default, connector-wide then source settings; configs merge and validate', () => {
    const s = resolveFeatureSettings(m, [
      { pullRequests: { config: { maxAgeDays: 180 } }, files: { enabled: true } },
      { pullRequests: { config: { includeReviews: false } } },
    ]);
    expect(s).toEqual({
      issues: { enabled: true, config: {} },
      pullRequests: { enabled: true, config: { includeReviews: false, maxAgeDays: 180 } },
      files: { enabled: true, config: {} },
    });
    expect(resolveFeatureSettings(m, []).pullRequests).toEqual({ enabled: true, config: { includeReviews: true } });
  });

  it('turns a feature off while a dependency is off, and refuses a write that enables it', () => {
    const s = resolveFeatureSettings(m, [{ issues: { enabled: false } }]);
    expect(s.pullRequests?.enabled).toBe(false);
    expect(() => assertFeatureDependencies(m, s, { pullRequests: { enabled: true } })).toThrow(
      /depends on "issues", which is off/,
    );
    expect(() => assertFeatureDependencies(m, s, { files: { enabled: true } })).not.toThrow();
  });

  it('refuses unknown features, unknown config keys, bad values and config on a feature without schema', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return { code: (err as { code: string }).code, issues: (err as { issues: unknown }).issues };
      }
      return undefined;
    };
    expect(codeOf(() => resolveFeatureSettings(m, [{ wiki: { enabled: true } }]))).toMatchObject({
      code: 'invalid_config',
      issues: [{ path: 'features.wiki' }],
    });
    expect(
      codeOf(() => resolveFeatureSettings(m, [{ pullRequests: { config: { includeReview: true } } }])),
    ).toMatchObject({
      issues: [{ path: 'features.pullRequests.config.includeReview', message: /did you mean "includeReviews"/ }],
    });
    expect(codeOf(() => resolveFeatureSettings(m, [{ pullRequests: { config: { maxAgeDays: -1 } } }]))).toMatchObject({
      issues: [{ path: 'features.pullRequests.config.maxAgeDays' }],
    });
    expect(codeOf(() => resolveFeatureSettings(m, [{ files: { config: { a: 1 } } }]))).toMatchObject({
      issues: [{ path: 'features.files.config' }],
    });
  });

  it('refuses a manifest whose dependency is unknown or whose feature config lacks defaults', () => {
    const base = { ...connector, manifest: { ...m } };
    expect(() =>
      defineConnector({
        ...base,
        manifest: { ...m, features: { a: { default: true, description: 'a', dependsOn: ['b'] } } },
      }),
    ).toThrow(/depends on unknown feature "b"/);
    expect(() =>
      defineConnector({
        ...base,
        manifest: { ...m, features: { a: { default: true, description: 'a', config: z.object({ n: z.number() }) } } },
      }),
    ).toThrow(/needs a default for every field/);
  });

  it('featureOf reads the settings, or falls back to the flag and the schema defaults', () => {
    expect(featureOf({ features: { pullRequests: true } }, 'pullRequests', PullRequests)).toEqual({
      enabled: true,
      config: { includeReviews: true },
    });
    const settings = resolveFeatureSettings(m, [{ pullRequests: { enabled: false, config: { maxAgeDays: 3 } } }]);
    expect(featureOf({ features: {}, featureSettings: settings }, 'pullRequests', PullRequests)).toEqual({
      enabled: false,
      config: { includeReviews: true, maxAgeDays: 3 },
    });
    expect(toFeatureOverride(false)).toEqual({ enabled: false });
  });
});
