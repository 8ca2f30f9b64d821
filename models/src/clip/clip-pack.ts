/**
 * A CLIP model pack in Immich's Hugging Face layout (`config.json`, `visual/model.onnx` +
 * `preprocess_cfg.json`, `textual/model.onnx` + `tokenizer.json` + `tokenizer_config.json`)
 * plus our `manifest.json` (id, licence, every file's sha256 and size, each model's inputs and
 * outputs). `loadClipPack` reads and verifies every file and parses the configs; shape checks
 * against the real sessions happen in clip-encoder.ts.
 *
 *   const pack = await loadClipPack(fetchPackSource('/models/ViT-B-32__openai/'));
 *   pack.preprocess.size; pack.tokenizer.encode('a dog');
 */
import type { TensorSpec } from '../faces/pack-manifest.js';
import { ModelPackError, ModelPackErrorReason, parseJsonFile, parsePackFiles, readVerified, type PackFile, type PackSource } from '../packs/pack-files.js';
import { parsePreprocessConfig, type ClipPreprocessConfig } from './preprocess.js';
import { createClipTokenizer, type ClipTokenizer } from './tokenizer.js';

export const CLIP_PACK_FORMAT = 1;
export const CLIP_FILES = {
  config: 'config.json',
  visual: 'visual/model.onnx',
  preprocess: 'visual/preprocess_cfg.json',
  textual: 'textual/model.onnx',
  tokenizer: 'textual/tokenizer.json',
  tokenizerConfig: 'textual/tokenizer_config.json',
} as const;

export type ClipModelSpec = { readonly file: string; readonly inputs: readonly TensorSpec[]; readonly outputs: readonly TensorSpec[] };

export type ClipPackManifest = {
  readonly format: typeof CLIP_PACK_FORMAT;
  readonly kind: 'clip';
  readonly id: string;
  readonly licence: string;
  readonly source: string;
  readonly models: { readonly visual: ClipModelSpec; readonly textual: ClipModelSpec };
  readonly files: readonly PackFile[];
};

export type ClipPack = {
  readonly manifest: ClipPackManifest;
  readonly visual: Uint8Array;
  readonly textual: Uint8Array;
  readonly preprocess: ClipPreprocessConfig;
  readonly tokenizer: ClipTokenizer;
  readonly embedDim: number;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const bad = (message: string): never => {
  throw new ModelPackError(ModelPackErrorReason.badManifest, message);
};

const parseTensorSpecs = (value: unknown, where: string): TensorSpec[] => {
  if (!Array.isArray(value) || value.length === 0) return bad(`${where} lists no tensors`);
  return value.map((t) => {
    if (!isRecord(t) || typeof t.name !== 'string' || !Array.isArray(t.shape) || (t.dtype !== 'float32' && t.dtype !== 'int32')) return bad(`${where} has a malformed tensor`);
    return { name: t.name, shape: t.shape as (number | string)[], dtype: t.dtype };
  });
};

export const parseClipPackManifest = (value: unknown): ClipPackManifest => {
  if (!isRecord(value) || value.format !== CLIP_PACK_FORMAT || value.kind !== 'clip') return bad(`not a CLIP pack manifest of format ${CLIP_PACK_FORMAT}`);
  if (typeof value.id !== 'string' || !isRecord(value.models)) return bad('CLIP manifest lacks id or models');
  const files = parsePackFiles(value.files);
  const model = (key: 'visual' | 'textual'): ClipModelSpec => {
    const spec = (value.models as Record<string, unknown>)[key];
    if (!isRecord(spec) || spec.file !== CLIP_FILES[key]) return bad(`CLIP manifest model ${key} must be ${CLIP_FILES[key]}`);
    return { file: CLIP_FILES[key], inputs: parseTensorSpecs(spec.inputs, `${key} inputs`), outputs: parseTensorSpecs(spec.outputs, `${key} outputs`) };
  };
  for (const path of Object.values(CLIP_FILES)) if (!files.some((f) => f.path === path)) bad(`CLIP manifest lacks ${path}`);
  return { format: CLIP_PACK_FORMAT, kind: 'clip', id: value.id, licence: String(value.licence ?? 'unknown'), source: String(value.source ?? ''), models: { visual: model('visual'), textual: model('textual') }, files };
};

const configError = (message: string): never => {
  throw new ModelPackError(ModelPackErrorReason.badConfig, message);
};

/** Reads, verifies and parses a whole CLIP pack. */
export const loadClipPack = async (source: PackSource): Promise<ClipPack> => {
  let manifest: ClipPackManifest;
  try {
    manifest = parseClipPackManifest(parseJsonFile(await source.read('manifest.json'), 'manifest.json'));
  } catch (error) {
    if (error instanceof ModelPackError) throw error;
    throw new ModelPackError(ModelPackErrorReason.missingFile, `${source.describe}: cannot read manifest.json: ${(error as Error).message}`);
  }
  const read = (path: string): Promise<Uint8Array> => readVerified(source, manifest.files, path);
  const [config, preprocessCfg, tokenizerJson, tokenizerConfig, visual, textual] = await Promise.all([
    read(CLIP_FILES.config).then((b) => parseJsonFile(b, CLIP_FILES.config)),
    read(CLIP_FILES.preprocess).then((b) => parseJsonFile(b, CLIP_FILES.preprocess)),
    read(CLIP_FILES.tokenizer).then((b) => parseJsonFile(b, CLIP_FILES.tokenizer)),
    read(CLIP_FILES.tokenizerConfig).then((b) => parseJsonFile(b, CLIP_FILES.tokenizerConfig)),
    read(CLIP_FILES.visual),
    read(CLIP_FILES.textual),
  ]);
  if (!isRecord(config) || typeof config.embed_dim !== 'number') return configError('config.json lacks embed_dim');
  const textCfg = isRecord(config.text_cfg) ? config.text_cfg : {};
  const contextLength = typeof textCfg.context_length === 'number' ? textCfg.context_length : 77;
  const padToken = isRecord(tokenizerConfig) && typeof tokenizerConfig.pad_token === 'string' ? tokenizerConfig.pad_token : '<|endoftext|>';
  let preprocess: ClipPreprocessConfig;
  let tokenizer: ClipTokenizer;
  try {
    preprocess = parsePreprocessConfig(preprocessCfg);
    tokenizer = createClipTokenizer(tokenizerJson, { contextLength, padToken });
  } catch (error) {
    return configError((error as Error).message);
  }
  return { manifest, visual, textual, preprocess, tokenizer, embedDim: config.embed_dim };
};
