/**
 * Reads a TensorFlow.js weights manifest (`*-weights_manifest.json` + its `.bin` shards), as
 * shipped by @vladmandic/face-api, into plain typed arrays, dequantising uint8/uint16/float16
 * exactly as tfjs-core's `io.decodeWeights` does (`q * scale + min`, computed in double and
 * stored as float32), so the ONNX graphs carry the very numbers face-api runs with.
 *
 *   const weights = await readTfjsWeights('node_modules/@vladmandic/face-api/model', 'face_recognition_model');
 *   const conv = weights.get('conv32_down/conv/filters'); // { shape: [7, 7, 3, 32], data: Float32Array }
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One named weight: row-major (C order) data in TF.js layout, e.g. HWIO for conv filters. */
export type TfjsWeight =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly data: Int32Array };

export type TfjsWeightMap = ReadonlyMap<string, TfjsWeight>;

type Quantization = { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
type ManifestEntry = { name: string; shape: number[]; dtype: 'float32' | 'int32'; quantization?: Quantization };
type ManifestGroup = { paths: string[]; weights: ManifestEntry[] };

/** Thrown when a manifest names something this reader does not understand. */
export class TfjsWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TfjsWeightsError';
  }
}

const bytesPerElement = (entry: ManifestEntry): number => {
  const q = entry.quantization;
  if (q === undefined) return 4;
  if (q.dtype === 'uint8') return 1;
  return 2;
};

/** IEEE 754 half → number (tfjs uses the same table-free arithmetic result). */
const halfToFloat = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
};

const decodeEntry = (entry: ManifestEntry, bytes: Uint8Array): TfjsWeight => {
  const size = entry.shape.reduce((a, b) => a * b, 1);
  const q = entry.quantization;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (i: number): number => {
    if (q === undefined) return entry.dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
    if (q.dtype === 'float16') return halfToFloat(view.getUint16(i * 2, true));
    const raw = q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(i * 2, true);
    return raw * (q.scale ?? 1) + (q.min ?? 0);
  };
  if (entry.dtype === 'int32') {
    const data = new Int32Array(size);
    for (let i = 0; i < size; i++) data[i] = Math.round(read(i));
    return { dtype: 'int32', shape: entry.shape, data };
  }
  if (entry.dtype !== 'float32') throw new TfjsWeightsError(`unsupported dtype ${String(entry.dtype)} for ${entry.name}`);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = read(i);
  return { dtype: 'float32', shape: entry.shape, data };
};

/** Decodes every weight of `<dir>/<name>-weights_manifest.json`. */
export const readTfjsWeights = async (dir: string, name: string): Promise<TfjsWeightMap> => {
  const manifest = JSON.parse(await readFile(join(dir, `${name}-weights_manifest.json`), 'utf8')) as ManifestGroup[];
  const weights = new Map<string, TfjsWeight>();
  for (const group of manifest) {
    const shards = await Promise.all(group.paths.map((path) => readFile(join(dir, path))));
    const buffer = new Uint8Array(Buffer.concat(shards));
    let offset = 0;
    for (const entry of group.weights) {
      const length = entry.shape.reduce((a, b) => a * b, 1) * bytesPerElement(entry);
      if (offset + length > buffer.byteLength) throw new TfjsWeightsError(`${name}: ${entry.name} runs past the end of its shards`);
      weights.set(entry.name, decodeEntry(entry, buffer.subarray(offset, offset + length)));
      offset += length;
    }
    if (offset !== buffer.byteLength) throw new TfjsWeightsError(`${name}: ${buffer.byteLength - offset} bytes left over in ${group.paths.join(', ')}`);
  }
  return weights;
};

/** The float32 weight `name`, checked against the expected rank. */
export const floatWeight = (weights: TfjsWeightMap, name: string, rank: number): { shape: readonly number[]; data: Float32Array } => {
  const weight = weights.get(name);
  if (weight === undefined) throw new TfjsWeightsError(`missing weight ${name}`);
  if (weight.dtype !== 'float32' || weight.shape.length !== rank) {
    throw new TfjsWeightsError(`weight ${name}: expected float32 of rank ${rank}, found ${weight.dtype} [${weight.shape.join(', ')}]`);
  }
  return weight;
};
