import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Writes a tiny embedding model as ONNX (test code only; no real weights can be downloaded here). It has the inputs
 * a sentence-transformers BERT export has (`input_ids`, `attention_mask`, `token_type_ids`, int64 `[batch, seq]`)
 * and looks token ids up in `table` (Gather):
 * - `tokens`: outputs `last_hidden_state` `[batch, seq, dims]` — the embedder pools and normalizes;
 * - `pooled`: Gather → ReduceMean over the sequence → LpNormalization, output `sentence_embedding` `[batch, dims]`.
 */
export function writeTinyEmbeddingModel(options: {
  file: string;
  /** Row-major `[vocab, dims]` embedding table. */
  table: Float32Array;
  dims: number;
  variant?: 'tokens' | 'pooled';
}): string {
  const vocab = options.table.length / options.dims;
  const tensorInput = (name: string) => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.INT64,
        shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] },
      },
    },
  });
  const pooled = options.variant === 'pooled';
  const nodes = [
    { opType: 'Gather', input: ['table', 'input_ids'], output: [pooled ? 'tokens' : 'last_hidden_state'] },
  ];
  if (pooled)
    nodes.push(
      {
        opType: 'ReduceMean',
        input: ['tokens'],
        output: ['mean'],
        attribute: [
          { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
          { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
        ],
      } as never,
      {
        opType: 'LpNormalization',
        input: ['mean'],
        output: ['sentence_embedding'],
        attribute: [
          { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 },
          { name: 'p', type: onnx.AttributeProto.AttributeType.INT, i: 2 },
        ],
      } as never,
    );
  const output = pooled
    ? { name: 'sentence_embedding', shape: [{ dimParam: 'batch' }, { dimValue: options.dims }] }
    : {
        name: 'last_hidden_state',
        shape: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: options.dims }],
      };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tributary-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-embedder',
      node: nodes,
      initializer: [
        {
          name: 'table',
          dims: [vocab, options.dims],
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: new Uint8Array(options.table.buffer, options.table.byteOffset, options.table.byteLength),
        },
      ],
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map(tensorInput),
      output: [
        {
          name: output.name,
          type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: output.shape } } },
        },
      ],
    },
  });
  mkdirSync(path.dirname(options.file), { recursive: true });
  writeFileSync(options.file, onnx.ModelProto.encode(model).finish());
  return options.file;
}
