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
  // Smaller detectors (FaceOptions.detectorSize) are opened on first use: most devices never ask.
  const detectors = new Map<number, Promise<ModelSession>>([[manifest.models.detection.inputSize, Promise.resolve(sessions.detection)]]);
  const detector = (size: number): Promise<ModelSession> => {
    const open = detectors.get(size);
    if (open !== undefined) return open;
    const spec = manifest.detectors?.find((d) => d.inputSize === size);
    const sizes = [manifest.models.detection.inputSize, ...(manifest.detectors ?? []).map((d) => d.inputSize)];
    if (spec === undefined) return Promise.reject(new ModelPackError(ModelPackErrorReason.badConfig, `${manifest.id}: no detector for input size ${size} (the pack has ${sizes.join(', ')})`));
    const opening = readVerified(source, manifest.files, spec.file).then(async (bytes) => {
      const session = await runtime.createSession(bytes, `${manifest.id}/${spec.file}`);
      checkSession(manifest, 'detection', session);
      return session;
    });
    detectors.set(size, opening);
    opening.catch(() => detectors.delete(size));
    return opening;
  };
  const run: RunGraph = async (task, inputs, size) => {
    const batch = new Float32Array(inputs.length * 3 * size * size);
    inputs.forEach((input, i) => batch.set(input, i * 3 * size * size));
    const input = manifest.models[task].inputs[0]?.name ?? 'input';
    const session = task === 'detection' ? await detector(size) : sessions[task];
    const out = await session.run({ [input]: { type: 'float32', data: batch, dims: [inputs.length, 3, size, size] } });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data]));
  };
  return {
    id: manifest.id,
    analyze: (image, options = DEFAULT_FACE_OPTIONS) => analyzeFaces(image, run, options),
    release: async () => {
      const extra = await Promise.allSettled([...detectors.values()]);
      const opened = new Set([...Object.values(sessions), ...extra.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))]);
      await Promise.all([...opened].map((s) => s.release()));
    },
  };
};
