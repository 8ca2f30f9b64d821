/**
 * Decides whether a file is a photo or video we import, from its first bytes (magic
 * numbers) with the browser's `file.type` as a fallback, since pickers often report ''
 * for HEIC, RAW-ish or renamed files.
 *
 *   const kind = detectMedia(await file.slice(0, 64).arrayBuffer(), file.type, file.name)
 *   if (!kind) skip(file, 'not a photo or video')
 */
import { AssetKind } from '../../../../protocol/src/index.js';

export interface MediaKind {
  readonly kind: AssetKind;
  readonly mime: string;
}

/** How many leading bytes detectMedia looks at. */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, start: number, length: number): string => String.fromCharCode(...b.subarray(start, start + length));
const startsWith = (b: Uint8Array, sig: readonly number[], offset = 0): boolean => sig.every((v, i) => b[offset + i] === v);

const FTYP_BRANDS: Readonly<Record<string, MediaKind>> = {
  heic: { kind: AssetKind.image, mime: 'image/heic' },
  heix: { kind: AssetKind.image, mime: 'image/heic' },
  hevc: { kind: AssetKind.image, mime: 'image/heic' },
  heim: { kind: AssetKind.image, mime: 'image/heic' },
  heis: { kind: AssetKind.image, mime: 'image/heic' },
  mif1: { kind: AssetKind.image, mime: 'image/heif' },
  msf1: { kind: AssetKind.image, mime: 'image/heif' },
  avif: { kind: AssetKind.image, mime: 'image/avif' },
  avis: { kind: AssetKind.image, mime: 'image/avif' },
  'qt  ': { kind: AssetKind.video, mime: 'video/quicktime' },
  M4V: { kind: AssetKind.video, mime: 'video/x-m4v' },
  '3gp4': { kind: AssetKind.video, mime: 'video/3gpp' },
  '3gp5': { kind: AssetKind.video, mime: 'video/3gpp' },
};

/** Media type from magic bytes, or null when the bytes are not a format we know. */
export const sniffMedia = (head: Uint8Array): MediaKind | null => {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: AssetKind.image, mime: 'image/jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: AssetKind.image, mime: 'image/png' };
  if (ascii(head, 0, 4) === 'GIF8') return { kind: AssetKind.image, mime: 'image/gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return { kind: AssetKind.image, mime: 'image/webp' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ') return { kind: AssetKind.video, mime: 'video/x-msvideo' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: AssetKind.image, mime: 'image/tiff' };
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return { kind: AssetKind.image, mime: 'image/jxl' };
  if (ascii(head, 0, 2) === 'BM') return { kind: AssetKind.image, mime: 'image/bmp' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: AssetKind.video, mime: head.length > 40 && ascii(head, 0, 40).includes('webm') ? 'video/webm' : 'video/x-matroska' };
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4);
    return FTYP_BRANDS[brand] ?? FTYP_BRANDS[brand.trim()] ?? { kind: AssetKind.video, mime: 'video/mp4' };
  }
  return null;
};

/** Sniffed type first; else trust an image/* or video/* type from the browser. */
export const detectMedia = (head: Uint8Array, browserType: string): MediaKind | null => {
  const sniffed = sniffMedia(head);
  if (sniffed) return { kind: sniffed.kind, mime: browserType.startsWith(`${sniffed.kind}/`) ? browserType : sniffed.mime };
  if (browserType.startsWith('image/') && browserType !== 'image/svg+xml') return { kind: AssetKind.image, mime: browserType };
  if (browserType.startsWith('video/')) return { kind: AssetKind.video, mime: browserType };
  return null;
};
