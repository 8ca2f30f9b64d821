/**
 * CLIP image and text embeddings from a loaded pack on any ModelRuntime: open_clip
 * preprocessing or the BPE tokenizer, the ONNX model, then L2 normalisation. The sessions'
 * real inputs and outputs are checked against what a CLIP pack must have before first use, so
 * a wrong-shaped model is a clear ModelPackError at load, not a failure deep in inference.
 *
 *   const clip = await createClipEncoder(await loadClipPack(source), runtime);
 *   const [image] = await clip.encodeImages([rgb]); const text = await clip.encodeText('a dog');
 */
import type { RgbImage } from '../faces/preprocess.js';
import { ModelPackError, ModelPackErrorReason } from '../packs/pack-files.js';
import type { ModelRuntime, ModelSession, TensorInfo } from '../runtime/model-runtime.js';
import type { ClipPack } from './clip-pack.js';
import { clipImageInput } from './preprocess.js';

export type ClipEncoder = {
  readonly id: string;
  readonly dimensions: number;
  /** One L2-normalised embedding per image. */
  encodeImages(images: readonly RgbImage[]): Promise<Float32Array[]>;
  /** The L2-normalised embedding of a text query. */
  encodeText(text: string): Promise<Float32Array>;
  release(): Promise<void>;
};

export const l2Normalise = (v: Float32Array): Float32Array => {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  return v.map((x) => x * inv);
};

const wrongShape = (message: string): never => {
  throw new ModelPackError(ModelPackErrorReason.wrongShape, message);
};

/** Checks one session has exactly one input and output, of the given rank and fixed dims. */
const expectSignature = (label: string, session: ModelSession, input: { name: string; types: readonly string[]; dims: readonly (number | undefined)[] }, dims: number): void => {
  const check = (what: string, infos: readonly TensorInfo[], name: string, types: readonly string[], shape: readonly (number | undefined)[]): void => {
    const info = infos.find((i) => i.name === name);
    if (info === undefined) wrongShape(`${label}: no ${what} named ${name} (has ${infos.map((i) => i.name).join(', ') || 'none'})`);
    const found = info as TensorInfo;
    if (!types.includes(found.type)) wrongShape(`${label}: ${what} ${name} is ${found.type}, expected ${types.join(' or ')}`);
    if (found.shape === undefined) return;
    if (found.shape.length !== shape.length) wrongShape(`${label}: ${what} ${name} has shape [${found.shape.join(', ')}], expected rank ${shape.length}`);
    shape.forEach((d, i) => {
      const actual = found.shape?.[i];
      if (d !== undefined && typeof actual === 'number' && actual !== d) wrongShape(`${label}: ${what} ${name} has shape [${found.shape?.join(', ')}], expected [${shape.map((x) => x ?? 'N').join(', ')}]`);
    });
  };
  check('input', session.inputs, input.name, input.types, input.dims);
  check('output', session.outputs, 'embedding', ['float32'], [undefined, dims]);
};

export const createClipEncoder = async (pack: ClipPack, runtime: ModelRuntime): Promise<ClipEncoder> => {
  const { preprocess, tokenizer, embedDim, manifest } = pack;
  const [visual, textual] = await Promise.all([runtime.createSession(pack.visual, `${manifest.id}/visual/model.onnx`), runtime.createSession(pack.textual, `${manifest.id}/textual/model.onnx`)]);
  try {
    expectSignature(`${manifest.id}/visual`, visual, { name: 'image', types: ['float32'], dims: [undefined, 3, preprocess.size, preprocess.size] }, embedDim);
    expectSignature(`${manifest.id}/textual`, textual, { name: 'text', types: ['int32', 'int64'], dims: [undefined, tokenizer.contextLength] }, embedDim);
  } catch (error) {
    await Promise.all([visual.release(), textual.release()]);
    throw error;
  }
  const textIsInt64 = textual.inputs.find((i) => i.name === 'text')?.type === 'int64';
  if (textIsInt64) wrongShape(`${manifest.id}/textual: int64 token input is not supported by this encoder; export with int32 as Immich does`);
  const embeddings = (data: Float32Array, dims: readonly number[], count: number, label: string): Float32Array[] => {
    if (dims.length !== 2 || dims[0] !== count || dims[1] !== embedDim) wrongShape(`${label} gave [${dims.join(', ')}], expected [${count}, ${embedDim}]`);
    return Array.from({ length: count }, (_, i) => l2Normalise(data.slice(i * embedDim, (i + 1) * embedDim)));
  };
  const side = preprocess.size;
  return {
    id: manifest.id,
    dimensions: embedDim,
    async encodeImages(images) {
      if (images.length === 0) return [];
      const batch = new Float32Array(images.length * 3 * side * side);
      images.forEach((image, i) => batch.set(clipImageInput(image, preprocess), i * 3 * side * side));
      const { embedding } = await visual.run({ image: { type: 'float32', data: batch, dims: [images.length, 3, side, side] } });
      if (embedding === undefined) return wrongShape(`${manifest.id}/visual gave no embedding`);
      return embeddings(embedding.data, embedding.dims, images.length, `${manifest.id}/visual`);
    },
    async encodeText(text) {
      const ids = tokenizer.encode(text);
      const { embedding } = await textual.run({ text: { type: 'int32', data: ids, dims: [1, ids.length] } });
      if (embedding === undefined) return wrongShape(`${manifest.id}/textual gave no embedding`);
      return embeddings(embedding.data, embedding.dims, 1, `${manifest.id}/textual`)[0] as Float32Array;
    },
    release: async () => {
      await Promise.all([visual.release(), textual.release()]);
    },
  };
};
