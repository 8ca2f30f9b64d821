/**
 * The one seam between model code and an inference engine: a session runs named float32 or
 * int32 tensors and returns named float32 tensors. Face and CLIP code depend on this only; the
 * onnxruntime-web adapter (ort-runtime.ts) implements it in Node and in the browser worker.
 *
 *   const session = await runtime.createSession(bytes, 'visual/model.onnx');
 *   const { embedding } = await session.run({ image: { type: 'float32', data, dims: [1, 3, 224, 224] } });
 */

export type InputTensor = { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] } | { readonly type: 'int32'; readonly data: Int32Array; readonly dims: readonly number[] };
export type OutputTensor = { readonly data: Float32Array; readonly dims: readonly number[] };

export type TensorInfo = { readonly name: string; readonly type: string; readonly shape: readonly (number | string)[] | undefined };

export type ModelSession = {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  run(feeds: Readonly<Record<string, InputTensor>>): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
};

/** Which backend actually runs the sessions. */
export const ExecutionProvider = { wasm: 'wasm', webgpu: 'webgpu' } as const;
export type ExecutionProvider = (typeof ExecutionProvider)[keyof typeof ExecutionProvider];

export type ModelRuntime = {
  readonly provider: ExecutionProvider;
  readonly threads: number;
  /** `label` names the model in errors. Rejects with a ModelPackError (load-failed, timeout). */
  createSession(bytes: Uint8Array, label: string): Promise<ModelSession>;
};
