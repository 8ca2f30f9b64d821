/**
 * The labelled OCR photos (text-labels.json) loaded as the app sees them: the server's 1440 px
 * preview, upright, RGB. Shared by the quality test and the text benchmark.
 *
 *   const { photos, withoutText } = await loadTextPhotos();
 *   const { accuracy } = characterAccuracy(photos[0].lines, reading.lines.map((l) => l.text));
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbImage } from '../../faces/preprocess.js';

export const SHARED_DATA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'shared', 'data');
/** The preview side the indexer analyses (ml-session: the server's 1440 px preview). */
export const PREVIEW_SIDE = 1440;

type Labels = { photos: { file: string; kind: string; lines: string[] }[]; withoutText: string[] };

export type LabelledPhoto = { readonly file: string; readonly kind: string; readonly lines: readonly string[]; readonly image: RgbImage };

export const loadPreview = async (path: string): Promise<RgbImage> => {
  const { data, info } = await sharp(path).rotate().resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data };
};

export const loadTextPhotos = async (): Promise<{ photos: LabelledPhoto[]; withoutText: { file: string; image: RgbImage }[] }> => {
  const labels = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'text-labels.json'), 'utf8')) as Labels;
  return {
    photos: await Promise.all(labels.photos.map(async (p) => ({ ...p, image: await loadPreview(join(SHARED_DATA, p.file)) }))),
    withoutText: await Promise.all(labels.withoutText.map(async (file) => ({ file, image: await loadPreview(join(SHARED_DATA, file)) }))),
  };
};
