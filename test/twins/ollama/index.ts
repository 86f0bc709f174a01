/** The Ollama API twin (embeddings): server, deterministic meaning-axis vectors and the spec check. */
export * from './lexicon.js';
export * from './server.js';
export * from './spec.js';
