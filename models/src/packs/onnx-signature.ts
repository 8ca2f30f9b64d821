/**
 * The inputs and outputs an ONNX file declares (name, element type, dims with `N`-style symbols),
 * read with onnx-proto, for writing a pack manifest at install time. Node or browser.
 *
 *   const { inputs, outputs } = readOnnxSignature(await readFile('visual/model.onnx'));
 *   // inputs: [{ name: 'image', dtype: 'float32', shape: ['batch_size', 3, 224, 224] }]
 */
import onnxProto from 'onnx-proto';
import type { TensorSpec } from '../faces/pack-manifest.js';
import { ModelPackError, ModelPackErrorReason } from './pack-files.js';

const { onnx } = onnxProto;

export type OnnxTensorSpec = Omit<TensorSpec, 'dtype'> & { readonly dtype: TensorSpec['dtype'] | 'int64' | 'other' };

type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;

const DTYPES: Readonly<Record<number, OnnxTensorSpec['dtype']>> = { 1: 'float32', 6: 'int32', 7: 'int64' };

const specOf = (info: ValueInfo): OnnxTensorSpec => {
  const tensor = info.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  return {
    name: info.name ?? '',
    dtype: DTYPES[tensor?.elemType ?? 0] ?? 'other',
    shape: dims.map((d) => (d.dimParam !== undefined && d.dimParam !== null && d.dimParam !== '' ? d.dimParam : Number(d.dimValue ?? 0))),
  };
};

export const readOnnxSignature = (bytes: Uint8Array, label = 'model'): { inputs: OnnxTensorSpec[]; outputs: OnnxTensorSpec[] } => {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelPackError(ModelPackErrorReason.loadFailed, `${label} is not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (graph === null || graph === undefined || (graph.output ?? []).length === 0) throw new ModelPackError(ModelPackErrorReason.loadFailed, `${label} is not an ONNX model: no graph outputs`);
  const initialisers = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((i) => !initialisers.has(i.name ?? '')).map((i) => specOf(i as ValueInfo)),
    outputs: (graph.output ?? []).map((o) => specOf(o as ValueInfo)),
  };
};
