/**
 * Turns ExifTool's `-j -n` tags into the catalog's photo metadata, following Immich's rules:
 * the date taken is the first valid tag of EXIF_DATE_TAGS, its time zone comes from the date
 * itself, then OffsetTime… or TimeZone tags, then the GPS position's zone, then the GPS clock
 * (exiftool-vendored's order, which Immich uses). Every field names its source tag.
 *
 *   const meta = extractMetadata(await exiftool.read(file), sidecarTags, { zoneOf })
 *   meta.dateTaken // '2022-01-10T15:15:44-04:00'; meta.sources.dateTaken // 'DateTimeOriginal'
 */
import type { ExifTags } from './exiftool.repository.js';

/** Immich's date priority (server metadata service), most trusted first. */
export const EXIF_DATE_TAGS = [
  'SubSecDateTimeOriginal',
  'DateTimeOriginal',
  'SubSecCreateDate',
  'CreationDate',
  'CreateDate',
  'SubSecMediaCreateDate',
  'MediaCreateDate',
  'DateTimeCreated',
  'GPSDateTime',
  'DateTimeUTC',
  'SonyDateTime2',
  'SourceImageCreateTime',
] as const;

/** Tags that carry a UTC offset for a date without one, in the order they are trusted. */
export const OFFSET_TAGS = ['OffsetTimeOriginal', 'OffsetTime', 'OffsetTimeDigitized', 'TimeZone', 'TimeZoneOffset'] as const;

export const TimeZoneSource = {
  /** The date tag carried its own offset (or was UTC, like GPSDateTime). */
  date: 'date',
  /** An OffsetTime… or TimeZone tag. */
  offsetTag: 'offsetTag',
  /** The time zone at GPSLatitude/GPSLongitude (its offset on the date taken). */
  gpsPosition: 'gpsPosition',
  /** GPSDateTime (UTC) compared with the local date taken, to the quarter hour. */
  gps: 'gps',
} as const;
export type TimeZoneSource = (typeof TimeZoneSource)[keyof typeof TimeZoneSource];

export interface MediaMetadata {
  /** ISO-8601 date taken with its offset when known ('2023-02-02T02:00:00.170+01:00'), else local. */
  readonly dateTaken: string | null;
  /** The same instant's wall-clock time, without offset. */
  readonly localDateTaken: string | null;
  /** '+HH:MM' / '-HH:MM'; null when unknown (the date is then a floating local time). */
  readonly timeZone: string | null;
  readonly timeZoneSource: TimeZoneSource | null;
  /** IANA zone name when it came from the GPS position ('Europe/Paris'), else null. */
  readonly timeZoneName: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly altitude: number | null;
  readonly make: string | null;
  readonly model: string | null;
  readonly lensModel: string | null;
  readonly fNumber: number | null;
  /** Seconds. */
  readonly exposureTime: number | null;
  readonly iso: number | null;
  /** Millimetres. */
  readonly focalLength: number | null;
  /** EXIF orientation 1–8. */
  readonly orientation: number | null;
  /** Stored (not oriented) pixel size. */
  readonly width: number | null;
  readonly height: number | null;
  /** Seconds, for video and audio tracks. */
  readonly duration: number | null;
  /** -1 (rejected) to 5 stars. */
  readonly rating: number | null;
  readonly keywords: readonly string[];
  /** Hierarchical tags ('Places/Utah'). */
  readonly tags: readonly string[];
  readonly description: string | null;
  readonly mimeType: string | null;
  /** Apple live photo pairing id: the still's MediaGroupUUID equals the video's ContentIdentifier. */
  readonly livePhotoId: string | null;
  /** Field name → the ExifTool tag its value came from. */
  readonly sources: Readonly<Record<string, string>>;
}

/** Tags describing the file rather than the photo (its pixels, its length); a sidecar's never override the media's. */
const FILE_TAGS = new Set([
  'SourceFile', 'ExifToolVersion', 'FileName', 'Directory', 'FileSize', 'FileModifyDate', 'FileAccessDate',
  'FileInodeChangeDate', 'FilePermissions', 'FileType', 'FileTypeExtension', 'MIMEType', 'MIMEEncoding',
  'ByteOrderMark', 'Newlines', 'Error', 'Warning', 'ImageWidth', 'ImageHeight', 'ImageSize', 'Megapixels', 'Duration',
]);

/** Immich's merge: sidecar tags win; a sidecar with any valid date replaces all the media's dates. */
export const mergeSidecar = (media: ExifTags, sidecar: ExifTags | undefined): ExifTags => {
  if (!sidecar) return media;
  const merged: Record<string, unknown> = { ...media };
  if (EXIF_DATE_TAGS.some((tag) => parseExifDate(sidecar[tag]) !== undefined)) {
    for (const tag of EXIF_DATE_TAGS) delete merged[tag];
  }
  for (const [key, value] of Object.entries(sidecar)) if (!FILE_TAGS.has(key)) merged[key] = value;
  return merged;
};

export interface ExifDate {
  /** 'YYYY-MM-DDTHH:MM:SS[.fff]' */
  readonly local: string;
  /** Offset minutes east of UTC, when the string carried one. */
  readonly offsetMinutes: number | undefined;
}

const DATE_RE = /^(\d{4}):(\d{2}):(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** ExifTool's 'YYYY:MM:DD HH:MM:SS[.sss][Z|±HH:MM]'; undefined for zero, partial or impossible dates. */
export const parseExifDate = (value: unknown): ExifDate | undefined => {
  if (typeof value !== 'string') return undefined;
  const m = DATE_RE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}`;
  return { local, offsetMinutes: zone === undefined ? undefined : parseOffset(zone) };
};

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** 'Z', '+02:00', '-0430' → minutes. */
const parseOffset = (zone: string): number | undefined => {
  if (zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return minutes > 14 * 60 ? undefined : (m[1] === '-' ? -1 : 1) * minutes;
};

/**
 * The offset an OFFSET_TAGS value names: '±HH:MM' strings; TimeZone numbers are minutes
 * (Canon, Nikon), TimeZoneOffset numbers are hours (EXIF 0x882a, first value).
 */
export const offsetFromTag = (tag: string, value: unknown): number | undefined => {
  if (typeof value === 'string') {
    const first = value.trim().split(/\s+/)[0] ?? '';
    if (/^[+-]?\d+$/.test(first) && tag === 'TimeZoneOffset') return hoursToMinutes(Number(first));
    return parseOffset(value.trim());
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  if (tag === 'TimeZoneOffset') return hoursToMinutes(value);
  if (tag === 'TimeZone') return Math.abs(value) <= 14 * 60 ? value : undefined;
  return undefined;
};

const hoursToMinutes = (hours: number): number | undefined => (Math.abs(hours) <= 14 ? hours * 60 : undefined);

export const formatOffset = (minutes: number): string => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

const localMs = (local: string): number => Date.parse(`${local}Z`);

const str = (value: unknown): string | undefined => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};
const num = (value: unknown): number | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'number' && Number.isFinite(first) ? first : undefined;
};
const list = (value: unknown): string[] | undefined => {
  const items = (Array.isArray(value) ? value : [value]).map(str).filter((v): v is string => v !== undefined);
  return items.length > 0 ? items : undefined;
};

/** Picks the first tag whose value `read` accepts; records its name under `field`. */
const pick = <T>(tags: ExifTags, sources: Record<string, string>, field: string, names: readonly string[], read: (v: unknown) => T | undefined): T | null => {
  for (const name of names) {
    const value = read(tags[name]);
    if (value !== undefined) {
      sources[field] = name;
      return value;
    }
  }
  return null;
};

export interface ExtractOptions {
  /** A place's zone and its offset at a local time (time-zone.repository); without it, no zone from GPS. */
  readonly zoneOf?: (latitude: number, longitude: number, local: string) => { zone: string; offsetMinutes: number } | undefined;
}

export const extractMetadata = (media: ExifTags, sidecar?: ExifTags, options: ExtractOptions = {}): MediaMetadata => {
  const tags = mergeSidecar(media, sidecar);
  const sources: Record<string, string> = {};
  const date = pick(tags, sources, 'dateTaken', EXIF_DATE_TAGS, parseExifDate);
  const latitude = num(tags.GPSLatitude);
  const longitude = num(tags.GPSLongitude);
  // Immich drops 0,0 (a camera with no fix) and out-of-range pairs.
  const hasGps = latitude !== undefined && longitude !== undefined && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0);
  let offset: number | undefined;
  let timeZoneSource: TimeZoneSource | null = null;
  let timeZoneName: string | null = null;
  if (date) {
    if (date.offsetMinutes !== undefined) {
      offset = date.offsetMinutes;
      timeZoneSource = TimeZoneSource.date;
    } else {
      for (const name of OFFSET_TAGS) {
        offset = offsetFromTag(name, tags[name]);
        if (offset !== undefined) {
          sources.timeZone = name;
          timeZoneSource = TimeZoneSource.offsetTag;
          break;
        }
      }
      const place = offset === undefined && hasGps && latitude !== undefined && longitude !== undefined ? options.zoneOf?.(latitude, longitude, date.local) : undefined;
      if (place) {
        offset = place.offsetMinutes;
        timeZoneName = place.zone;
        sources.timeZone = 'GPSPosition';
        timeZoneSource = TimeZoneSource.gpsPosition;
      }
      const gps = parseExifDate(tags.GPSDateTime);
      if (offset === undefined && gps?.offsetMinutes === 0 && sources.dateTaken !== 'GPSDateTime') {
        const delta = Math.round((localMs(date.local) - localMs(gps.local)) / 60_000 / 15) * 15;
        if (Math.abs(delta) <= 14 * 60) {
          offset = delta;
          sources.timeZone = 'GPSDateTime';
          timeZoneSource = TimeZoneSource.gps;
        }
      }
    }
  }
  if (hasGps) Object.assign(sources, { latitude: 'GPSLatitude', longitude: 'GPSLongitude' });
  const positive = (v: unknown): number | undefined => {
    const n = num(v);
    return n !== undefined && n > 0 ? n : undefined;
  };
  const keywords = pick(tags, sources, 'keywords', ['Keywords', 'Subject'], list);
  const hierarchical = pick(tags, sources, 'tags', ['TagsList', 'HierarchicalSubject'], list);
  return {
    dateTaken: date ? `${date.local}${offset === undefined ? '' : formatOffset(offset)}` : null,
    localDateTaken: date ? date.local : null,
    timeZone: offset === undefined ? null : formatOffset(offset),
    timeZoneSource,
    timeZoneName,
    latitude: hasGps ? (latitude ?? null) : null,
    longitude: hasGps ? (longitude ?? null) : null,
    altitude: hasGps ? pick(tags, sources, 'altitude', ['GPSAltitude'], num) : null,
    make: pick(tags, sources, 'make', ['Make'], str),
    model: pick(tags, sources, 'model', ['Model'], str),
    lensModel: pick(tags, sources, 'lensModel', ['LensModel', 'Lens'], (v) => (typeof v === 'string' ? str(v) : undefined)),
    fNumber: pick(tags, sources, 'fNumber', ['FNumber'], positive),
    exposureTime: pick(tags, sources, 'exposureTime', ['ExposureTime'], positive),
    iso: pick(tags, sources, 'iso', ['ISO'], positive),
    focalLength: pick(tags, sources, 'focalLength', ['FocalLength'], positive),
    orientation: pick(tags, sources, 'orientation', ['Orientation'], (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 8 ? (v as number) : undefined)),
    width: pick(tags, sources, 'width', ['ImageWidth'], (v) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined)),
    height: pick(tags, sources, 'height', ['ImageHeight'], (v) => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined)),
    duration: pick(tags, sources, 'duration', ['Duration'], positive),
    rating: pick(tags, sources, 'rating', ['Rating'], (v) => (Number.isInteger(v) && (v as number) >= -1 && (v as number) <= 5 ? (v as number) : undefined)),
    keywords: keywords ?? [],
    tags: (hierarchical ?? []).map((t) => t.replaceAll('|', '/')),
    description: pick(tags, sources, 'description', ['ImageDescription', 'Description', 'Caption-Abstract'], str),
    mimeType: pick(tags, sources, 'mimeType', ['MIMEType'], str),
    livePhotoId: pick(tags, sources, 'livePhotoId', ['ContentIdentifier', 'MediaGroupUUID'], str),
    sources,
  };
};
