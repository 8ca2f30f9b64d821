/**
 * The face model pack's `manifest.json`: which ONNX file does which job, its checksum, and how
 * to feed it. Browser-safe (types and a guard only), so the client can read a pack it fetched.
 *
 *   const manifest = parseFacePackManifest(await (await fetch('/models/face-api/manifest.json')).json());
 *   const url = `/models/face-api/${manifest.models.recognition.file}`;
 */

export const FACE_PACK_FORMAT = 1;
export const FACE_TASKS = ['detection', 'landmarks', 'recognition'] as const;
export type FaceTask = (typeof FACE_TASKS)[number];

export type TensorSpec = {
  readonly name: string;
  /** Dimensions; the string `N` is the batch size. */
  readonly shape: readonly (number | string)[];
  readonly dtype: 'float32' | 'int32';
};

export type FaceModelSpec = {
  /** Path inside the pack, `/`-separated. */
  readonly file: string;
  /** Side of the square NCHW input (RGB, 0..255 after padding and resizing). */
  readonly inputSize: number;
  /** Where `toNetworkInput` puts the zero padding: split around the image, or at its end. */
  readonly padding: 'centred' | 'end';
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly description: string;
};

export type FacePackFile = { readonly path: string; readonly sha256: string; readonly bytes: number };

export type FacePackManifest = {
  readonly format: typeof FACE_PACK_FORMAT;
  readonly id: string;
  readonly licence: string;
  readonly source: { readonly package: string; readonly version: string; readonly url: string };
  /** sha256 of the converter sources that wrote the graphs; a changed converter rebuilds the pack. */
  readonly converter: string;
  readonly opset: number;
  readonly models: Readonly<Record<FaceTask, FaceModelSpec>>;
  /**
   * Optional extra detection graphs at smaller input sizes: an explicit speed setting
   * (`FaceOptions.detectorSize`) that trades recall of small faces for time. `models.detection`
   * stays the faithful default.
   */
  readonly detectors?: readonly FaceModelSpec[];
  readonly files: readonly FacePackFile[];
};

export class FacePackManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FacePackManifestError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the shape of a parsed manifest.json (untrusted input) and returns it typed. */
export const parseFacePackManifest = (value: unknown): FacePackManifest => {
  if (!isRecord(value) || value.format !== FACE_PACK_FORMAT) throw new FacePackManifestError(`not a face pack manifest of format ${FACE_PACK_FORMAT}`);
  if (typeof value.id !== 'string' || !Array.isArray(value.files) || !isRecord(value.models)) throw new FacePackManifestError('manifest lacks id, files or models');
  const models = value.models;
  for (const task of FACE_TASKS) {
    const spec = models[task];
    if (!isRecord(spec) || typeof spec.file !== 'string' || typeof spec.inputSize !== 'number' || !Array.isArray(spec.inputs) || !Array.isArray(spec.outputs)) {
      throw new FacePackManifestError(`manifest model ${task} is malformed`);
    }
    if (!value.files.some((file) => isRecord(file) && file.path === spec.file && typeof file.sha256 === 'string')) {
      throw new FacePackManifestError(`manifest model ${task} names ${spec.file}, which is not in files`);
    }
  }
  if (value.detectors !== undefined) {
    if (!Array.isArray(value.detectors)) throw new FacePackManifestError('manifest detectors is not a list');
    value.detectors.forEach((spec: unknown, i) => {
      if (!isRecord(spec) || typeof spec.file !== 'string' || typeof spec.inputSize !== 'number' || !Array.isArray(spec.inputs) || !Array.isArray(spec.outputs)) {
        throw new FacePackManifestError(`manifest detector ${i} is malformed`);
      }
      if (!(value.files as unknown[]).some((file) => isRecord(file) && file.path === spec.file)) throw new FacePackManifestError(`manifest detector ${i} names ${spec.file}, which is not in files`);
    });
  }
  return value as FacePackManifest;
};
