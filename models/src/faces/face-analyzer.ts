/**
 * The face pack on any ModelRuntime: reads the pack's manifest and three graphs with their
 * hashes verified, opens the sessions, checks each one's real input and outputs against the
 * manifest, and runs the whole pipeline (detect → filter → align → embed) on an image.
 *
 *   const faces = await createFaceAnalyzer(fetchPackSource('/models/face-api/'), runtime);
 *   const found = await faces.analyze(rgba, { minFaceSize: 36 }); // [{ detection, descriptor, … }]
 */
import { ModelPackError, ModelPackErrorReason, parseJsonFile, readVerified, type PackSource } from '../packs/pack-files.js';
import type { ModelRuntime, ModelSession } from '../runtime/model-runtime.js';
import { analyzeFaces, FaceAlignment, type AnalyzedFace, type FaceOptions, type RunGraph } from './face-pipeline.js';
import { FACE_TASKS, parseFacePackManifest, type FacePackManifest, type FaceTask } from './pack-manifest.js';
import type { RgbImage } from './preprocess.js';

/** What Shoebox uses by default: face-api's detector threshold, a 36 px floor, upright alignment. */
export const DEFAULT_FACE_OPTIONS: FaceOptions = { minConfidence: 0.5, minFaceSize: 36, alignment: FaceAlignment.similarity };

export type FaceAnalyzer = {
  readonly id: string;
  analyze(image: RgbImage, options?: FaceOptions): Promise<AnalyzedFace[]>;
  release(): Promise<void>;
};

const checkSession = (manifest: FacePackManifest, task: FaceTask, session: ModelSession): void => {
  const spec = manifest.models[task];
  const missing = [...spec.inputs.filter((i) => !session.inputs.some((s) => s.name === i.name)), ...spec.outputs.filter((o) => !session.outputs.some((s) => s.name === o.name))];
  if (missing.length > 0) throw new ModelPackError(ModelPackErrorReason.wrongShape, `${manifest.id}/${spec.file}: has no ${missing.map((m) => m.name).join(', ')} (has ${[...session.inputs, ...session.outputs].map((s) => s.name).join(', ')})`);
};

export const createFaceAnalyzer = async (source: PackSource, runtime: ModelRuntime): Promise<FaceAnalyzer> => {
  let manifest: FacePackManifest;
  try {
    manifest = parseFacePackManifest(parseJsonFile(await source.read('manifest.json'), 'manifest.json'));
  } catch (error) {
    if (error instanceof ModelPackError) throw error;
    throw new ModelPackError(ModelPackErrorReason.badManifest, `${source.describe}: ${(error as Error).message}`);
  }
  const opened = await Promise.all(
    FACE_TASKS.map(async (task) => {
      const file = manifest.models[task].file;
      const session = await runtime.createSession(await readVerified(source, manifest.files, file), `${manifest.id}/${file}`);
      checkSession(manifest, task, session);
      return [task, session] as const;
    }),
  );
  const sessions = Object.fromEntries(opened) as Record<FaceTask, ModelSession>;
  const run: RunGraph = async (task, inputs, size) => {
    const batch = new Float32Array(inputs.length * 3 * size * size);
    inputs.forEach((input, i) => batch.set(input, i * 3 * size * size));
    const input = manifest.models[task].inputs[0]?.name ?? 'input';
    const out = await sessions[task].run({ [input]: { type: 'float32', data: batch, dims: [inputs.length, 3, size, size] } });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data]));
  };
  return {
    id: manifest.id,
    analyze: (image, options = DEFAULT_FACE_OPTIONS) => analyzeFaces(image, run, options),
    release: async () => {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
    },
  };
};
