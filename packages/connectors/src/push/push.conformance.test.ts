import { testConnector } from '@tributary/sdk/testing';
import { push } from './index.js';

// A push source has nothing upstream to read: its items arrive through the ingest API (tested there). The read
// requirements still run (an empty, deterministic, abortable read); those about upstream changes are waived.
testConnector(push, {
  config: { sourceType: 'slack' },
  badSetups: [{ name: 'unknown config field', config: { bogus: true } }],
  setup() {},
  mutate() {
    return { added: [], changed: [], deleted: [] };
  },
  waivers: {
    'read:checkpoint-serializable':
      'a push source yields no pages; its checkpoint comes from the exporter (any JSON object, validated by the ingest API)',
    'read:deterministic': 'nothing is read: the upstream is the exporter, which pushes',
    'read:incremental': 'nothing is read; incremental push is covered by the ingest API tests',
    'sync:resume:after-any-page':
      'nothing is read; resume after a crash between pushed batches is covered by the API crash test',
    'deletions:propagate': 'deletions arrive in ingest requests (`deleted`), covered by the API ingestion tests',
    'checkpoint:bounded': 'nothing is read; the exporter sends its checkpoint, bounded by the ingest body limit',
  },
});
