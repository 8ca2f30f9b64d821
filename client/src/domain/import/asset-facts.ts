/**
 * Maps what we read from a file (EXIF via exifr, decoded pixel size, video metadata) to the
 * catalog's AssetFacts. Pure, so it is tested in node against real photos.
 *
 *   const exif = await exifr.parse(file, EXIF_OPTIONS) as RawExif | undefined;
 *   const facts = buildAssetFacts({ hash, file, media, exif, decoded, duration: null, importedAt: Date.now() })
 */
import type { AssetFacts, BlobHash } from '../../../../protocol/src/index.js';
import type { MediaKind } from './file-kind.js';

/** exifr options: raw values (no Date revival, numeric Orientation), only the tags we use. */
export const EXIF_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
  pick: [
    'DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTime', 'ExifImageWidth', 'ExifImageHeight',
    'ImageWidth', 'ImageHeight', 'Orientation', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef', 'Make', 'Model',
  ],
} as const;

export interface RawExif {
  readonly DateTimeOriginal?: unknown;
  readonly OffsetTimeOriginal?: unknown;
  readonly CreateDate?: unknown;
  readonly OffsetTime?: unknown;
  readonly ExifImageWidth?: unknown;
  readonly ExifImageHeight?: unknown;
  readonly ImageWidth?: unknown;
  readonly ImageHeight?: unknown;
  readonly Orientation?: unknown;
  readonly latitude?: unknown;
  readonly longitude?: unknown;
  readonly Make?: unknown;
  readonly Model?: unknown;
}

export interface FileInfo {
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
}

export interface FactsInput {
  readonly hash: BlobHash;
  readonly file: FileInfo;
  readonly media: MediaKind;
  readonly exif: RawExif | null | undefined;
  /** Size of the decoded image or video with orientation applied, when it could be decoded. */
  readonly decoded: { readonly width: number; readonly height: number } | null;
  readonly duration: number | null;
  readonly importedAt: number;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** `2009:08:29 13:18:08` → `2009-08-29T13:18:08`; null for missing or zeroed dates. */
export const parseExifDate = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  const m = EXIF_DATE.exec(value.trim());
  if (!m || m[1] === '0000' || m[2] === '00' || m[3] === '00') return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
};

/** `-08:00` → -480 minutes. */
export const parseOffset = (value: unknown): number | null => {
  if (typeof value !== 'string') return null;
  const m = OFFSET.exec(value.trim());
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** A timestamp as this device's local wall-clock time and its offset at that instant. */
export const localWallClock = (ms: number): { takenAt: string; utcOffset: number } => {
  const d = new Date(ms);
  const takenAt = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return { takenAt, utcOffset: -d.getTimezoneOffset() };
};

const positive = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : null);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim().replace(/\0+$/, '') : null);
const coordinate = (value: unknown, limit: number): number | null =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit && value !== 0 ? value : null;

export const orientationOf = (exif: RawExif | null | undefined): number => {
  const o = exif?.Orientation;
  return typeof o === 'number' && Number.isInteger(o) && o >= 1 && o <= 8 ? o : 1;
};

/** Width and height as displayed: the decoded size, else EXIF's size rotated for orientations 5–8. */
export const displaySize = (exif: RawExif | null | undefined, decoded: FactsInput['decoded']): { width: number; height: number } => {
  if (decoded && decoded.width > 0 && decoded.height > 0) return { width: decoded.width, height: decoded.height };
  const w = positive(exif?.ExifImageWidth) ?? positive(exif?.ImageWidth);
  const h = positive(exif?.ExifImageHeight) ?? positive(exif?.ImageHeight);
  if (w === null || h === null) return { width: 0, height: 0 };
  return orientationOf(exif) >= 5 ? { width: h, height: w } : { width: w, height: h };
};

export const takenTime = (exif: RawExif | null | undefined, lastModified: number): { takenAt: string; utcOffset: number | null } => {
  const original = parseExifDate(exif?.DateTimeOriginal);
  if (original) return { takenAt: original, utcOffset: parseOffset(exif?.OffsetTimeOriginal) };
  const created = parseExifDate(exif?.CreateDate);
  if (created) return { takenAt: created, utcOffset: parseOffset(exif?.OffsetTime) };
  return localWallClock(lastModified);
};

export const buildAssetFacts = (input: FactsInput): AssetFacts => {
  const { exif } = input;
  const { width, height } = displaySize(exif, input.decoded);
  const latitude = coordinate(exif?.latitude, 90);
  const longitude = coordinate(exif?.longitude, 180);
  return {
    hash: input.hash,
    kind: input.media.kind,
    mime: input.media.mime,
    name: input.file.name,
    size: input.file.size,
    width,
    height,
    orientation: orientationOf(exif),
    ...takenTime(exif, input.file.lastModified),
    importedAt: input.importedAt,
    // A fix needs both halves; a lone coordinate is noise.
    latitude: latitude !== null && longitude !== null ? latitude : null,
    longitude: latitude !== null && longitude !== null ? longitude : null,
    make: text(exif?.Make),
    model: text(exif?.Model),
    duration: input.media.kind === 'video' && input.duration !== null && Number.isFinite(input.duration) ? input.duration : null,
  };
};
