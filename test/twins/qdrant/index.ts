/** The Qdrant REST API twin: state with Qdrant's filter semantics, server, and the spec check. */
export * from './state.js';
export * from './server.js';
export * from './spec.js';
