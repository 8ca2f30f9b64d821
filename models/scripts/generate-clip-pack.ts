/**
 * Writes a small generated CLIP pack (random weights; CLIP's real input and output names and
 * shapes, 224² image, 77 tokens, 512-d) in Immich's layout with its manifest, for trying smart
 * search without downloading a model (the e2e tests host one this way).
 *
 *   node --import tsx models/scripts/generate-clip-pack.ts /tmp/packs/clip-test [--id clip-test]
 *   SHOEBOX_MODELS_DIR=/tmp/packs npm start   # devices now find a CLIP pack at /models/clip-test/
 */
import { parseArgs } from 'node:util';
import { TINY_CLIP, writeGeneratedClipPack } from '../src/clip/generate/clip-pack-writer.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { id: { type: 'string', default: 'clip-test' }, seed: { type: 'string', default: '1' } } });
const [outDir] = positionals;
if (outDir === undefined) {
  console.error('usage: node --import tsx models/scripts/generate-clip-pack.ts <outDir> [--id ID] [--seed N]');
  process.exit(2);
}
const manifest = await writeGeneratedClipPack({ outDir, id: values.id, spec: TINY_CLIP, seed: Number(values.seed) });
console.log(`wrote CLIP pack ${manifest.id} (${manifest.files.length} files) to ${outDir}`);
