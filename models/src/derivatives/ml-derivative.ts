/**
 * "Index once": what one device computed for an asset, stored as a blob-store derivative keyed by
 * (asset hash, model id) so other devices download it instead of recomputing. One binary codec
 * (lib0 encoding) for both kinds; the key is inside too, so a store can check a PUT matches its URL.
 *
 *   mlDerivative := 'SBML' • uint8(1) • uint8(kind) • varString(assetHash) • varString(modelId) • body
 *   clip body    := varUint(dims) • float32[dims]                       (L2-normalised, big-endian)
 *   faces body   := varUint(width) • varUint(height) • varUint(n) • face[n]
 *   face         := float32(score) • float32[4](x, y, w, h relative) • varUint(points) • float32[2·points] • varUint(dims) • float32[dims]
 *   text body    := varUint(width) • varUint(height) • varUint(n) • line[n]
 *   line         := varString(text) • float32(score) • float32[8](x, y of 4 corners, relative)
 *
 *   const bytes = writeMlDerivative({ kind: 'clip', assetHash, modelId: 'ViT-B-32__openai', embedding });
 *   const back = readMlDerivative(bytes); // throws MlDerivativeError on anything malformed
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const ML_DERIVATIVE_VERSION = 1;
const MAGIC = [0x53, 0x42, 0x4d, 0x4c] as const; // 'SBML'
const KIND = { clip: 1, faces: 2, text: 3 } as const;
const MAX_DIMS = 4096;
const MAX_FACES = 1000;
const MAX_POINTS = 1000;
const MAX_LINES = 2000;
const MAX_LINE_CHARS = 1000;

export type StoredFace = {
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** (x, y) pairs relative to the image. */
  readonly landmarks: Float32Array;
  readonly descriptor: Float32Array;
};

export type StoredTextLine = {
  readonly text: string;
  readonly score: number;
  /** Corners top-left, top-right, bottom-right, bottom-left as (x, y) pairs relative to the image. */
  readonly box: Float32Array;
};

export type MlDerivative =
  | { readonly kind: 'clip'; readonly assetHash: string; readonly modelId: string; readonly embedding: Float32Array }
  | { readonly kind: 'faces'; readonly assetHash: string; readonly modelId: string; readonly width: number; readonly height: number; readonly faces: readonly StoredFace[] }
  | { readonly kind: 'text'; readonly assetHash: string; readonly modelId: string; readonly width: number; readonly height: number; readonly lines: readonly StoredTextLine[] };

export class MlDerivativeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MlDerivativeError';
  }
}

/** The blob-store derivative name for a model: `ml/<modelId>`. */
export const mlDerivativeName = (modelId: string): string => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(modelId)) throw new MlDerivativeError(`bad model id ${JSON.stringify(modelId)}`);
  return `ml/${modelId}`;
};

const writeFloats = (encoder: encoding.Encoder, values: ArrayLike<number>): void => {
  encoding.writeVarUint(encoder, values.length);
  for (let i = 0; i < values.length; i++) encoding.writeFloat32(encoder, values[i] as number);
};

export const writeMlDerivative = (value: MlDerivative): Uint8Array => {
  mlDerivativeName(value.modelId);
  const encoder = encoding.createEncoder();
  for (const b of MAGIC) encoding.writeUint8(encoder, b);
  encoding.writeUint8(encoder, ML_DERIVATIVE_VERSION);
  encoding.writeUint8(encoder, KIND[value.kind]);
  encoding.writeVarString(encoder, value.assetHash);
  encoding.writeVarString(encoder, value.modelId);
  if (value.kind === 'clip') writeFloats(encoder, value.embedding);
  else if (value.kind === 'text') {
    encoding.writeVarUint(encoder, value.width);
    encoding.writeVarUint(encoder, value.height);
    if (value.lines.length > MAX_LINES) throw new MlDerivativeError(`lines ${value.lines.length} exceeds ${MAX_LINES}`);
    encoding.writeVarUint(encoder, value.lines.length);
    for (const line of value.lines) {
      if (line.text.length > MAX_LINE_CHARS || line.box.length !== 8) throw new MlDerivativeError('a text line is too long or its box is not 4 corners');
      encoding.writeVarString(encoder, line.text);
      encoding.writeFloat32(encoder, line.score);
      for (const v of line.box) encoding.writeFloat32(encoder, v);
    }
  } else {
    encoding.writeVarUint(encoder, value.width);
    encoding.writeVarUint(encoder, value.height);
    encoding.writeVarUint(encoder, value.faces.length);
    for (const face of value.faces) {
      encoding.writeFloat32(encoder, face.score);
      for (const v of [face.box.x, face.box.y, face.box.width, face.box.height]) encoding.writeFloat32(encoder, v);
      encoding.writeVarUint(encoder, face.landmarks.length / 2);
      for (const v of face.landmarks) encoding.writeFloat32(encoder, v);
      writeFloats(encoder, face.descriptor);
    }
  }
  return encoding.toUint8Array(encoder);
};

const bounded = (decoder: decoding.Decoder, max: number, what: string): number => {
  const n = decoding.readVarUint(decoder);
  if (n > max) throw new MlDerivativeError(`${what} ${n} exceeds ${max}`);
  return n;
};
const readFloats = (decoder: decoding.Decoder, count: number): Float32Array => {
  if (decoder.arr.length - decoder.pos < count * 4) throw new MlDerivativeError('truncated');
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = decoding.readFloat32(decoder);
  return out;
};

export const readMlDerivative = (bytes: Uint8Array): MlDerivative => {
  try {
    const decoder = decoding.createDecoder(bytes);
    for (const b of MAGIC) if (decoding.readUint8(decoder) !== b) throw new MlDerivativeError('not an ML derivative (bad magic)');
    const version = decoding.readUint8(decoder);
    if (version !== ML_DERIVATIVE_VERSION) throw new MlDerivativeError(`unsupported ML derivative version ${version}`);
    const kind = decoding.readUint8(decoder);
    const assetHash = decoding.readVarString(decoder);
    const modelId = decoding.readVarString(decoder);
    mlDerivativeName(modelId);
    let value: MlDerivative;
    if (kind === KIND.clip) value = { kind: 'clip', assetHash, modelId, embedding: readFloats(decoder, bounded(decoder, MAX_DIMS, 'dims')) };
    else if (kind === KIND.faces) {
      const width = decoding.readVarUint(decoder);
      const height = decoding.readVarUint(decoder);
      const faces: StoredFace[] = [];
      for (let n = bounded(decoder, MAX_FACES, 'faces'), i = 0; i < n; i++) {
        const [score, x, y, w, h] = readFloats(decoder, 5) as unknown as [number, number, number, number, number];
        const landmarks = readFloats(decoder, 2 * bounded(decoder, MAX_POINTS, 'landmarks'));
        faces.push({ score, box: { x, y, width: w, height: h }, landmarks, descriptor: readFloats(decoder, bounded(decoder, MAX_DIMS, 'dims')) });
      }
      value = { kind: 'faces', assetHash, modelId, width, height, faces };
    } else if (kind === KIND.text) {
      const width = decoding.readVarUint(decoder);
      const height = decoding.readVarUint(decoder);
      const lines: StoredTextLine[] = [];
      for (let n = bounded(decoder, MAX_LINES, 'lines'), i = 0; i < n; i++) {
        const text = decoding.readVarString(decoder);
        if (text.length > MAX_LINE_CHARS) throw new MlDerivativeError(`text line of ${text.length} characters exceeds ${MAX_LINE_CHARS}`);
        const [score] = readFloats(decoder, 1) as unknown as [number];
        lines.push({ text, score, box: readFloats(decoder, 8) });
      }
      value = { kind: 'text', assetHash, modelId, width, height, lines };
    } else throw new MlDerivativeError(`unknown ML derivative kind ${kind}`);
    if (decoding.hasContent(decoder)) throw new MlDerivativeError('trailing bytes');
    return value;
  } catch (error) {
    if (error instanceof MlDerivativeError) throw error;
    throw new MlDerivativeError(`malformed ML derivative: ${(error as Error).message}`);
  }
};
