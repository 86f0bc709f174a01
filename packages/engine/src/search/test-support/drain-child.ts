import { createOllamaEmbedder } from '../../embedding/ollama-embedder.js';
import { createSqliteStore } from '../../store/sqlite/index.js';
import { drainEmbeddingBacklog } from '../embed-backlog.js';

/**
 * Child process of embed-backlog.crash.test.ts: drains the embedding backlog of a SQLite file with the Ollama twin,
 * printing `batch <done>` after each batch, until the parent kills it (SIGKILL) or the backlog is empty.
 */
const [dbPath, twinUrl] = process.argv.slice(2);
const store = createSqliteStore({ path: dbPath! });
await store.migrate();
const embedder = createOllamaEmbedder({ url: twinUrl!, model: 'all-minilm', dimensions: 16, batchSize: 50 });
await drainEmbeddingBacklog(
  { store, embedder },
  { batchSize: 100, onProgress: (p) => process.stdout.write(`batch ${p.done}\n`) },
);
process.stdout.write('done\n');
await store.close();
