/**
 * onnxruntime-web behind the ModelRuntime seam, for Node (wasm) and browsers (WebGPU when an
 * adapter exists, WASM with SIMD otherwise; threads only where SharedArrayBuffer is usable, i.e.
 * Node or a cross-origin isolated page). A model that fails to load rejects with a clear
 * ModelPackError, and loading is bounded by a timeout rather than allowed to hang.
 *
 *   const runtime = await createOrtRuntime({ provider: 'auto', threads: 2 });
 *   const session = await runtime.createSession(bytes, 'recognition/model.onnx');
 */
import * as ort from 'onnxruntime-web';
import { ModelPackError, ModelPackErrorReason, withTimeout } from '../packs/pack-files.js';
import { ExecutionProvider, type InputTensor, type ModelRuntime, type ModelSession, type OutputTensor, type TensorInfo } from './model-runtime.js';

export type OrtRuntimeOptions = {
  /** `auto` (default) picks WebGPU when `navigator.gpu` gives an adapter, else WASM. */
  readonly provider?: ExecutionProvider | 'auto';
  /** WASM threads; capped to 1 where SharedArrayBuffer is unavailable. Default 1. */
  readonly threads?: number;
  /** Where ort's .wasm/.mjs files are served (browser builds that do not bundle them). */
  readonly wasmPaths?: string;
  /** Session creation time limit, default 120 s. */
  readonly loadTimeoutMs?: number;
};

type GpuNavigator = { gpu?: { requestAdapter(): Promise<unknown> } };

/** Whether this JS context can get a WebGPU adapter. */
export const hasWebGpuAdapter = async (): Promise<boolean> => {
  const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
  if (gpu === undefined) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
};

const canThread = (): boolean => typeof SharedArrayBuffer !== 'undefined' && (typeof process !== 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);

const infoOf = (meta: readonly ort.InferenceSession.ValueMetadata[] | undefined, names: readonly string[]): TensorInfo[] =>
  names.map((name) => {
    const m = meta?.find((entry) => entry.name === name);
    return m !== undefined && m.isTensor ? { name, type: m.type, shape: m.shape } : { name, type: 'unknown', shape: undefined };
  });

const wrap = (session: ort.InferenceSession, label: string): ModelSession => ({
  inputs: infoOf(session.inputMetadata, session.inputNames),
  outputs: infoOf(session.outputMetadata, session.outputNames),
  async run(feeds) {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds) as [string, InputTensor][]) tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run(tensors);
    } catch (error) {
      throw new ModelPackError(ModelPackErrorReason.wrongShape, `${label}: inference failed: ${(error as Error).message}`);
    }
    const result: Record<string, OutputTensor> = {};
    for (const [name, tensor] of Object.entries(out)) {
      if (tensor.type !== 'float32') throw new ModelPackError(ModelPackErrorReason.wrongShape, `${label}: output ${name} is ${tensor.type}, expected float32`);
      const data = tensor.location === 'cpu' ? (tensor.data as Float32Array) : ((await tensor.getData(true)) as Float32Array);
      result[name] = { data, dims: [...tensor.dims] };
    }
    return result;
  },
  release: () => session.release(),
});

export const createOrtRuntime = async (options: OrtRuntimeOptions = {}): Promise<ModelRuntime> => {
  const requested = options.provider ?? 'auto';
  const provider = requested === 'auto' ? ((await hasWebGpuAdapter()) ? ExecutionProvider.webgpu : ExecutionProvider.wasm) : requested;
  if (provider === ExecutionProvider.webgpu && !(await hasWebGpuAdapter())) throw new ModelPackError(ModelPackErrorReason.loadFailed, 'WebGPU was asked for but no adapter is available');
  const threads = canThread() ? Math.max(1, Math.floor(options.threads ?? 1)) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  const timeout = options.loadTimeoutMs ?? 120_000;
  return {
    provider,
    threads,
    async createSession(bytes, label) {
      const create = ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' }).catch((error: unknown) => {
        throw new ModelPackError(ModelPackErrorReason.loadFailed, `${label}: onnxruntime cannot load it: ${error instanceof Error ? error.message : String(error)}`);
      });
      return wrap(await withTimeout(create, timeout, `loading ${label}`), label);
    },
  };
};
