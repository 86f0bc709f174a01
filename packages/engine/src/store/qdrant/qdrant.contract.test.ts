import { afterAll, beforeAll, expect } from 'vitest';
import { qdrantSpecProblems, startQdrantTwin, type QdrantTwin } from '../../../../../test/twins/qdrant/index.js';
import { vectorContract } from '../vector.contract.js';
import { createQdrantVectorIndex } from './index.js';

/** Qdrant through the official client against the Qdrant twin; every answer validated against Qdrant's OpenAPI. */
let twin: QdrantTwin;
let n = 0;
beforeAll(async () => {
  twin = await startQdrantTwin({ apiKey: 'qdrant-key' });
});
afterAll(async () => {
  expect(qdrantSpecProblems(twin.exchanges)).toEqual([]);
  await twin.close();
});

vectorContract('qdrant', async () => {
  // A fresh deployment prefix per test: an empty index, as the contract wants.
  const index = createQdrantVectorIndex({ url: twin.url, apiKey: 'qdrant-key', prefix: `contract${++n}` });
  return { index, close: async () => undefined };
});
