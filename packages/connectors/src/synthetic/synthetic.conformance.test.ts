import { testConnector } from '@tributary/sdk/testing';
import { synthetic } from './index.js';

// The synthetic upstream lives in its config: mutate() appends items, edits one and deletes one.
let config: { count: number; pageSize: number; revision: Record<string, number>; deleted: number[] } = {
  count: 0,
  pageSize: 7,
  revision: {},
  deleted: [],
};

testConnector(synthetic, {
  get config() {
    return config;
  },
  badSetups: [{ name: 'negative count', config: { count: -1 } }],
  setup() {
    config = { count: 40, pageSize: 7, revision: {}, deleted: [] };
  },
  mutate() {
    config = { ...config, count: 45, revision: { '3': 2 }, deleted: [4] };
    return { added: ['msg-40', 'msg-41', 'msg-42', 'msg-43', 'msg-44'], changed: ['msg-3'], deleted: ['msg-4'] };
  },
  waivers: {},
});
