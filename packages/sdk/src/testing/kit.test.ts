import { createMemoryConnector, createMemoryFixture, createMemoryUpstream } from './test-support/memory-connector.js';
import { testConnector } from './index.js';

// A well-behaved connector passes every requirement through the public entry point.
const upstream = createMemoryUpstream();
testConnector(createMemoryConnector(upstream), createMemoryFixture(upstream));

// Without declared deletions the same connector passes with deletions:propagate waived (shown as a passing test).
const noDeletes = createMemoryUpstream();
testConnector(
  createMemoryConnector(noDeletes, 'no-deletes'),
  createMemoryFixture(noDeletes, { waivers: { 'deletions:propagate': 'the upstream keeps no tombstones' } }),
  {
    title: 'conformance: memory-notes without deletions',
  },
);
