/**
 * A model pack in a local folder, as a PackSource (Node only: tests, benchmarks, install).
 *
 *   const pack = await loadClipPack(nodePackSource('models/packs/clip-test'));
 *   const bytes = await nodePackSource(dir).read('visual/model.onnx');
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackSource } from './pack-files.js';

export const nodePackSource = (dir: string): PackSource => ({
  describe: dir,
  read: async (path) => new Uint8Array(await readFile(join(dir, ...path.split('/')))),
});
