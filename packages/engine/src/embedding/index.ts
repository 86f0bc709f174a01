export * from './embedder.js';
export * from './http-embedder.js';
export * from './embed-items.js';
export * from './config.js';
export * from './ollama-embedder.js';
export * from './onnx-embedder.js';
export * from './pooling.js';
export * from './settings.js';
