/**
 * Real photos from ../shared/data for browser tests, and a bigger corpus for timing runs.
 *
 *   const files = realPhotos({ limit: 12 })            // JPEGs with EXIF dates and cameras
 *   const many = await photoCorpus(200, workDir)        // every decodable real photo, then crops of the big ones
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { dataRoot } from './harness.js';

const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });

/** Immich's test JPEGs: real cameras, real EXIF, sizes a phone makes. */
export const realPhotos = ({ limit = Infinity }: { limit?: number } = {}): string[] =>
  walk(join(dataRoot, 'immich-test-assets'))
    .filter((path) => /\.jpe?g$/i.test(path))
    .slice(0, limit);

const IMAGE = /\.(jpe?g|png|webp|avif|heic|gif|tiff?)$/i;

/**
 * `count` distinct photos (by content): every real image in ../shared/data that libvips can decode, then
 * (only if that is not enough) crops of the large real ones, written with their metadata.
 */
export const photoCorpus = async (count: number, workDir: string): Promise<string[]> => {
  const decodable: Array<{ path: string; pixels: number }> = [];
  const seen = new Set<string>();
  for (const root of ['immich-test-assets', 'faces', 'exiftool-images']) {
    for (const path of walk(join(dataRoot, root)).filter((p) => IMAGE.test(p))) {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (seen.has(hash)) continue; // the same file under two names is one photo
      seen.add(hash);
      try {
        const meta = await sharp(path).metadata();
        await sharp(path).resize(32).toBuffer();
        decodable.push({ path, pixels: (meta.width ?? 0) * (meta.height ?? 0) });
      } catch {
        // libvips cannot decode it here (HEVC HEIC, 10-bit AVIF): not part of the corpus
      }
    }
  }
  const files = decodable.map((d) => d.path).slice(0, count);
  const large = decodable.filter((d) => d.pixels >= 1_000_000);
  mkdirSync(workDir, { recursive: true });
  for (let i = 0; files.length < count; i++) {
    const source = large[i % large.length]!;
    const meta = await sharp(source.path).metadata();
    const scale = 0.9 - 0.05 * Math.floor(i / large.length);
    const width = Math.round((meta.width ?? 1000) * scale);
    const height = Math.round((meta.height ?? 1000) * scale);
    const out = join(workDir, `crop-${i}.jpg`);
    await sharp(source.path).extract({ left: 0, top: 0, width, height }).withMetadata().jpeg({ quality: 85 }).toFile(out);
    files.push(out);
  }
  return files;
};
