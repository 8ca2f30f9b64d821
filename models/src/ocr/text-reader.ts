/**
 * Text in photos on any ModelRuntime: loads the text pack (manifest, both graphs and the
 * dictionary, hash-checked), then per image detects text boxes, skips recognition when there are
 * none, and reads each box. Lines below `minScore` (PaddleOCR drop_score 0.5) are dropped.
 *
 *   const reader = await createTextReader(fetchPackSource('/models/PP-OCRv4_mobile/'), runtime);
 *   const { lines } = await reader.read(rgba);   // [{ text: 'MAIN STAY', score: 0.97, box: [[x, y] ×4] }]
 */
import type { RgbImage } from '../faces/preprocess.js';
import { ModelPackError, ModelPackErrorReason, parseJsonFile, readVerified, type PackSource } from '../packs/pack-files.js';
import type { ModelRuntime, ModelSession } from '../runtime/model-runtime.js';
import { DEFAULT_DB_OPTIONS, detectionInput, textBoxes, type DbOptions, type Quad } from './detection.js';
import { ctcDecode, recognitionBatches } from './recognition.js';
import { parseTextPackManifest, readDictionary, type TextPackManifest } from './text-pack.js';

export type TextOptions = {
  /** Longer side of the detector's input (PaddleOCR's det_limit_side_len is 960). */
  readonly detectionSide: number;
  /**
   * Longer side of a first, cheap detection pass (0: none). When no pixel of its map reaches the
   * text threshold the photo is done: most photos have no text, and this pass costs about
   * (prescan / detectionSide)² of the full one. 384 still sees the handwriting of
   * handwritten-notes.jpg (peak 0.56); 320 does not (peak 0.00). See ADR 0065.
   */
  readonly prescanSide: number;
  /**
   * Each recogniser batch is padded to at least this width at height 48. PaddleOCR pads to 320; 0
   * pads only to the widest line of the batch: 25–30 % less recognition work on the labelled photos
   * for the same character accuracy (0.754 against 0.757 overall; ADR 0065).
   */
  readonly recognitionMinWidth: number;
  /** Lines read with a lower mean character probability are dropped. */
  readonly minScore: number;
  readonly db: DbOptions;
};

export const DEFAULT_TEXT_OPTIONS: TextOptions = { detectionSide: 960, prescanSide: 384, recognitionMinWidth: 0, minScore: 0.5, db: DEFAULT_DB_OPTIONS };

export type TextLine = {
  readonly text: string;
  readonly score: number;
  /** Corners top-left, top-right, bottom-right, bottom-left, relative to the image (0..1). */
  readonly box: readonly (readonly [number, number])[];
};

export type TextReading = {
  readonly lines: readonly TextLine[];
  /** Boxes the detector found (before recognition dropped unreadable ones). */
  readonly boxes: number;
  readonly ms: { readonly detection: number; readonly recognition: number };
};

export type TextReader = {
  readonly id: string;
  readonly manifest: TextPackManifest;
  read(image: RgbImage, options?: TextOptions): Promise<TextReading>;
  release(): Promise<void>;
};

const open = async (source: PackSource, manifest: TextPackManifest, runtime: ModelRuntime, spec: { file: string; input: string; output: string }): Promise<ModelSession> => {
  const session = await runtime.createSession(await readVerified(source, manifest.files, spec.file), `${manifest.id}/${spec.file}`);
  if (!session.inputs.some((i) => i.name === spec.input) || !session.outputs.some((o) => o.name === spec.output)) {
    throw new ModelPackError(ModelPackErrorReason.wrongShape, `${manifest.id}/${spec.file}: expected ${spec.input} → ${spec.output}, has ${session.inputs.map((i) => i.name).join(', ')} → ${session.outputs.map((o) => o.name).join(', ')}`);
  }
  return session;
};

export const createTextReader = async (source: PackSource, runtime: ModelRuntime): Promise<TextReader> => {
  let manifest: TextPackManifest;
  try {
    manifest = parseTextPackManifest(parseJsonFile(await source.read('manifest.json'), 'manifest.json'));
  } catch (error) {
    if (error instanceof ModelPackError) throw error;
    throw new ModelPackError(ModelPackErrorReason.badManifest, `${source.describe}: ${(error as Error).message}`);
  }
  const [detector, recogniser, dictionary] = await Promise.all([
    open(source, manifest, runtime, manifest.detection),
    open(source, manifest, runtime, manifest.recognition),
    readVerified(source, manifest.files, manifest.recognition.dictionary),
  ]);
  // PaddleOCR's use_space_char: the class after the dictionary's last is a space.
  const characters = [...readDictionary(dictionary), ' '];
  const height = manifest.recognition.height;

  const probabilities = async (image: RgbImage, side: number): Promise<{ map: Float32Array; width: number; height: number }> => {
    const input = detectionInput(image, side, manifest.detection);
    const out = await detector.run({ [manifest.detection.input]: { type: 'float32', data: input.data, dims: [1, 3, input.height, input.width] } });
    const map = out[manifest.detection.output];
    if (map === undefined || map.data.length !== input.width * input.height) throw new ModelPackError(ModelPackErrorReason.wrongShape, `${manifest.id}: detector output is not [1, 1, ${input.height}, ${input.width}]`);
    return { map: map.data, width: input.width, height: input.height };
  };

  const read = async (image: RgbImage, options: TextOptions = DEFAULT_TEXT_OPTIONS): Promise<TextReading> => {
    const started = performance.now();
    const prescan = options.prescanSide > 0 && options.prescanSide < Math.min(options.detectionSide, Math.max(image.width, image.height));
    if (prescan && !(await probabilities(image, options.prescanSide)).map.some((p) => p > options.db.threshold)) return { lines: [], boxes: 0, ms: { detection: performance.now() - started, recognition: 0 } };
    const full = await probabilities(image, options.detectionSide);
    const quads = textBoxes(full.map, full, image.width, image.height, options.db);
    const detected = performance.now();
    const read: { text: string; score: number; quad: Quad }[] = [];
    for (const batch of recognitionBatches(image, quads, height, options.recognitionMinWidth)) {
      const result = (await recogniser.run({ [manifest.recognition.input]: { type: 'float32', data: batch.data, dims: [batch.count, 3, height, batch.width] } }))[manifest.recognition.output];
      const [n, steps, classes] = result?.dims ?? [];
      if (result === undefined || n !== batch.count || steps === undefined || classes !== characters.length + 1) {
        throw new ModelPackError(ModelPackErrorReason.wrongShape, `${manifest.id}: recogniser output ${JSON.stringify(result?.dims)} does not fit ${characters.length + 1} classes`);
      }
      batch.order.forEach((quadIndex, i) => {
        const line = ctcDecode(result.data.subarray(i * steps * classes, (i + 1) * steps * classes), steps, classes, characters);
        read[quadIndex] = { ...line, quad: quads[quadIndex] as Quad };
      });
    }
    const lines = read
      .filter((line) => line.score >= options.minScore && line.text.trim() !== '')
      .map((line) => ({ text: line.text.trim(), score: line.score, box: line.quad.map(([x, y]) => [x / image.width, y / image.height] as const) }));
    return { lines, boxes: quads.length, ms: { detection: detected - started, recognition: performance.now() - detected } };
  };

  return {
    id: manifest.id,
    manifest,
    read,
    release: async () => {
      await Promise.all([detector.release(), recogniser.release()]);
    },
  };
};
