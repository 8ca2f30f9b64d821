/**
 * Writes the face-api model pack (ONNX detection, landmarks and recognition nets + manifest.json)
 * from the weights inside the installed @vladmandic/face-api package. No network access.
 *
 *   npx tsx models/scripts/build-face-pack.ts                  # → models/packs/face-api/
 *   npx tsx models/scripts/build-face-pack.ts --out /tmp/pack --weights node_modules/@vladmandic/face-api/model
 */
import { parseArgs } from 'node:util';
import { buildFacePack, DEFAULT_PACK_DIR } from '../src/faces/convert/face-pack.js';

const { values } = parseArgs({
  options: { out: { type: 'string', default: DEFAULT_PACK_DIR }, weights: { type: 'string' } },
});

const started = performance.now();
const manifest = await buildFacePack({ outDir: values.out, ...(values.weights === undefined ? {} : { weightsDir: values.weights }) });
for (const file of manifest.files) console.log(`${file.path}  ${(file.bytes / 1e6).toFixed(1)} MB  sha256 ${file.sha256}`);
console.log(`face pack ${manifest.id} (${manifest.source.package}@${manifest.source.version}) → ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
