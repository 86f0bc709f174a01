import { defineConfig } from 'vitest/config';

/**
 * Tests whose assertions are latencies the product promises (health during syncs, Ctrl-C within 1 s, a webhook or a
 * new chat row searchable within seconds). They run after the main suite, one file at a time, so a neighbour test's
 * CPU load does not decide them: what they measure is the product, not the test runner's contention.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.timing.test.ts', 'test/**/*.timing.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.tmp/test-results-timing.json' }]],
  },
});
