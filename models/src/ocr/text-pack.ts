/**
 * The text (OCR) pack's `manifest.json`: PaddleOCR's detection and recognition graphs, the
 * recognition dictionary, their checksums and how to feed them. Browser-safe (types and a guard),
 * so the worker can read a pack it fetched. Layout, like Immich's OCR models:
 * `<id>/detection/model.onnx`, `<id>/recognition/model.onnx`, `<id>/recognition/dictionary.txt`.
 *
 *   const manifest = parseTextPackManifest(await (await fetch('/models/PP-OCRv4_mobile/manifest.json')).json());
 *   const url = `/models/${manifest.id}/${manifest.recognition.file}`;
 */
import { parsePackFiles, ModelPackError, ModelPackErrorReason, type PackFile } from '../packs/pack-files.js';

export const TEXT_PACK_FORMAT = 1;

export type TextModelSpec = {
  /** Path inside the pack, `/`-separated. */
  readonly file: string;
  readonly input: string;
  readonly output: string;
  readonly description: string;
};

export type TextPackManifest = {
  readonly format: typeof TEXT_PACK_FORMAT;
  readonly id: string;
  readonly kind: 'text';
  readonly licence: string;
  readonly source: { readonly package: string; readonly version: string; readonly url: string };
  /** Human-readable: which writing systems the recognition model reads. */
  readonly scripts: string;
  readonly detection: TextModelSpec & {
    /** Channel means and standard deviations after scaling to 0..1, in the graph's channel order (BGR). */
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly recognition: TextModelSpec & {
    /** Input height; width follows the crop's aspect ratio. */
    readonly height: number;
    /** One character per line; class 0 is the CTC blank, class n is line n, the last class a space. */
    readonly dictionary: string;
  };
  readonly files: readonly PackFile[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const checkModel = (value: unknown, what: string, files: readonly PackFile[]): void => {
  if (!isRecord(value) || typeof value.file !== 'string' || typeof value.input !== 'string' || typeof value.output !== 'string') {
    throw new ModelPackError(ModelPackErrorReason.badManifest, `text pack manifest: ${what} lacks file, input or output`);
  }
  const file = value.file;
  if (!files.some((f) => f.path === file)) throw new ModelPackError(ModelPackErrorReason.badManifest, `text pack manifest: ${what} names ${file}, which is not in files`);
};

const isTriple = (value: unknown): boolean => Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && Number.isFinite(v) && v !== 0);

/** Checks the shape of a parsed manifest.json (untrusted input) and returns it typed. */
export const parseTextPackManifest = (value: unknown): TextPackManifest => {
  if (!isRecord(value) || value.format !== TEXT_PACK_FORMAT || value.kind !== 'text') throw new ModelPackError(ModelPackErrorReason.badManifest, `not a text pack manifest of format ${TEXT_PACK_FORMAT}`);
  if (typeof value.id !== 'string' || typeof value.licence !== 'string') throw new ModelPackError(ModelPackErrorReason.badManifest, 'text pack manifest lacks id or licence');
  const files = parsePackFiles(value.files);
  checkModel(value.detection, 'detection', files);
  checkModel(value.recognition, 'recognition', files);
  const detection = value.detection as Record<string, unknown>;
  const recognition = value.recognition as Record<string, unknown>;
  if (!isTriple(detection.mean) || !isTriple(detection.std)) throw new ModelPackError(ModelPackErrorReason.badManifest, 'text pack manifest: detection mean/std are not three numbers');
  if (typeof recognition.height !== 'number' || recognition.height < 8 || recognition.height > 256) throw new ModelPackError(ModelPackErrorReason.badManifest, 'text pack manifest: recognition height is not 8..256');
  const dictionary = recognition.dictionary;
  if (typeof dictionary !== 'string' || !files.some((f) => f.path === dictionary)) throw new ModelPackError(ModelPackErrorReason.badManifest, 'text pack manifest: recognition dictionary is not in files');
  return value as TextPackManifest;
};

/** The dictionary file's characters (one per line; a missing final newline is fine). */
export const readDictionary = (bytes: Uint8Array): string[] => {
  const lines = new TextDecoder().decode(bytes).replace(/\r/g, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};
