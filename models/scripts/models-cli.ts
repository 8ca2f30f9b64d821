/**
 * `npm run models -- <command>`: manage the model packs the server hosts for its devices.
 * Packs live in models/packs/<id>/ (git-ignored); every build serves them at /models/<id>/.
 *
 *   npm run models -- install ~/Downloads/ViT-B-32__openai     # Immich's CLIP layout → manifest + install
 *   npm run models -- list
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelPackError } from '../src/packs/pack-files.js';
import { installPack } from '../src/packs/install-pack.js';

const ROOT = join(import.meta.dirname, '..', 'packs');
const USAGE = `usage: npm run models -- install <dir> [--id ID] [--licence TEXT] [--source URL] [--root DIR]
       npm run models -- list [--root DIR]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { id: { type: 'string' }, licence: { type: 'string' }, source: { type: 'string' }, root: { type: 'string', default: ROOT } },
});
const [command, dir] = positionals;

try {
  if (command === 'install' && dir !== undefined) {
    const pack = await installPack(dir, values.root, { ...(values.id === undefined ? {} : { id: values.id }), ...(values.licence === undefined ? {} : { licence: values.licence }), ...(values.source === undefined ? {} : { source: values.source }) });
    console.log(`installed ${pack.kind} pack ${pack.id} → ${join(values.root, pack.id)} (served at /models/${pack.id}/ after the next build)`);
  } else if (command === 'list') {
    const index = JSON.parse(await readFile(join(values.root, 'index.json'), 'utf8').catch(() => '{"packs":[]}')) as { packs: { id: string; kind: string }[] };
    for (const pack of index.packs) console.log(`${pack.id}\t${pack.kind}`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof ModelPackError ? `${error.reason}: ${error.message}` : String(error));
  process.exitCode = 1;
}
