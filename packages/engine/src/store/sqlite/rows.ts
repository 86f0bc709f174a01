// The row mappers are shared by both adapters and live beside the port (../rows.ts); this path stays importable.
export * from '../rows.js';
