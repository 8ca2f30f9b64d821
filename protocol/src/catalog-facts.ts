/**
 * Immutable content facts of an original, their validation and the pieces every facts chunk
 * format shares (the formats: catalog-chunk-v1.ts, catalog-chunk-v2.ts; dispatch: catalog-chunk.ts).
 *
 *   assertFacts(facts);                       // RangeError unless encodable without loss
 *   takenString(takenSeconds(facts.takenAt))  // === facts.takenAt
 */
import * as decoding from 'lib0/decoding';
import { isBlobHash, type BlobHash } from './ids.js';

export const AssetKind = { image: 'image', video: 'video' } as const;
export type AssetKind = (typeof AssetKind)[keyof typeof AssetKind];

/**
 * Immutable content facts of an original, keyed by the asset id (= blob hash). Two devices
 * importing the same file write facts under the same id; the catalog keeps one (SPEC F2).
 */
export interface AssetFacts {
  readonly hash: BlobHash;
  readonly kind: AssetKind;
  readonly mime: string;
  readonly name: string;
  readonly size: number;
  /** Pixel size after orientation is applied (what a viewer shows). 0 when unknown. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1–8 of the original (1 when absent). */
  readonly orientation: number;
  /** Local wall-clock time the photo was taken, `YYYY-MM-DDTHH:mm:ss`, falling back to the file's mtime. */
  readonly takenAt: string;
  /** Offset from UTC in minutes when known, else null (then takenAt is read as local time). */
  readonly utcOffset: number | null;
  readonly importedAt: number;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly make: string | null;
  readonly model: string | null;
  /** Seconds, videos only (stored to the millisecond). */
  readonly duration: number | null;
  /** Lens model when EXIF has it (v2). */
  readonly lens?: string | null;
  /** ThumbHash bytes, base64 (v2), when known at import. */
  readonly thumbhash?: string | null;
}

export class CatalogDecodeError extends Error {
  override readonly name = 'CatalogDecodeError';
}

/** Caps checked while decoding a chunk from an untrusted peer. */
export const FACTS_LIMITS = { maxChunkAssets: 100_000, maxDictionary: 4096, maxString: 1024 } as const;

const TAKEN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** `YYYY-MM-DDTHH:mm:ss` → seconds since 1970 of that wall clock read as UTC. */
export const takenSeconds = (takenAt: string): number => {
  const m = TAKEN.exec(takenAt);
  if (!m) throw new RangeError(`takenAt must be YYYY-MM-DDTHH:mm:ss, got ${JSON.stringify(takenAt.slice(0, 40))}`);
  // Howard Hinnant's days_from_civil (Date.UTC maps years 0–99 to 1900–1999).
  const mo = +m[2]!;
  const y = +m[1]! - (mo <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + +m[3]! - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  return days * 86_400 + +m[4]! * 3600 + +m[5]! * 60 + +m[6]!;
};

const DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
/** Inverse of takenSeconds, without a Date (this runs a million times on a cold load). */
export const takenString = (seconds: number): string => {
  const days = Math.floor(seconds / 86_400);
  let rest = seconds - days * 86_400;
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const mm = Math.floor(rest / 60);
  const ss = rest - mm * 60;
  // Howard Hinnant's civil_from_days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${DIGITS[m]}-${DIGITS[d]}T${DIGITS[hh]}:${DIGITS[mm]}:${DIGITS[ss]}`;
};

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
export const hexToBytes = (hex: string, out: Uint8Array): void => {
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
};
const hexCodes: number[] = new Array(64);
/** One flat string per hash (concatenation would build 31 intermediate strings each). */
export const bytesToHex = (bytes: Uint8Array): string => {
  for (let i = 0; i < 32; i++) {
    hexCodes[i * 2] = HEX_CODES[bytes[i]! >> 4]!;
    hexCodes[i * 2 + 1] = HEX_CODES[bytes[i]! & 15]!;
  }
  return String.fromCharCode.apply(null, hexCodes);
};

/** Throws RangeError unless the facts are encodable without loss (except duration below 1 ms). */
export const assertFacts = (f: AssetFacts): void => {
  if (!isBlobHash(f.hash)) throw new RangeError('facts.hash is not a SHA-256 hex digest');
  if (f.kind !== AssetKind.image && f.kind !== AssetKind.video) throw new RangeError(`facts.kind ${String(f.kind)}`);
  for (const key of ['size', 'width', 'height', 'orientation', 'importedAt'] as const) {
    const v = f[key];
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`facts.${key} must be a non-negative integer`);
  }
  takenSeconds(f.takenAt);
  if (f.utcOffset !== null && (!Number.isInteger(f.utcOffset) || Math.abs(f.utcOffset) > 18 * 60)) throw new RangeError('facts.utcOffset out of range');
  if ((f.latitude === null) !== (f.longitude === null)) throw new RangeError('facts.latitude and longitude go together');
  if (f.latitude !== null && (Math.abs(f.latitude) > 90 || Math.abs(f.longitude!) > 180)) throw new RangeError('facts GPS out of range');
  if (f.duration !== null && !(f.duration >= 0 && f.duration < 1e9)) throw new RangeError('facts.duration out of range');
  for (const s of [f.mime, f.name, f.make, f.model, f.lens ?? null, f.thumbhash ?? null]) {
    if (s !== null && (typeof s !== 'string' || s.length > FACTS_LIMITS.maxString)) throw new RangeError('facts string too long');
  }
};

const NAME = /^(\D{0,16})(\d{1,15})(\.[A-Za-z0-9]{1,8})$/;
/** `IMG_0042.HEIC` → ['IMG_', '0042', '.HEIC'] (prefix and suffix go to a chunk dictionary), else null. */
export const splitName = (name: string): [string, string, string] | null => {
  const m = NAME.exec(name);
  return m ? [m[1]!, m[2]!, m[3]!] : null;
};

export const fail = (why: string): never => {
  throw new CatalogDecodeError(`malformed facts chunk: ${why}`);
};

export const skipVarString = (dec: decoding.Decoder): void => {
  const len = decoding.readVarUint(dec);
  if (len > FACTS_LIMITS.maxString * 4) fail('string too long');
  dec.pos += len;
  if (dec.pos > dec.arr.length) fail('unexpected end');
};

/** What a scan reports per record without building strings: enough for a timeline. */
export interface FactsSummary {
  /** Byte offset of the record (its 32 hash bytes) in the chunk. */
  offset: number;
  /** takenAt as seconds of the wall clock read as UTC (see takenSeconds). */
  taken: number;
  importedAt: number;
  width: number;
  height: number;
  video: boolean;
  /** Milliseconds; -1 when not a video or unknown. */
  durationMs: number;
}

/**
 * Which of two facts records for the same hash a catalog keeps (SPEC F2): the earlier import,
 * then the smaller name, then the earlier takenAt (an mtime fallback), then the full record,
 * so every replica picks the same one whatever order they arrive in.
 */
export const preferFacts = (a: AssetFacts, b: AssetFacts): AssetFacts => {
  if (a.importedAt !== b.importedAt) return a.importedAt < b.importedAt ? a : b;
  if (a.name !== b.name) return a.name < b.name ? a : b;
  if (a.takenAt !== b.takenAt) return a.takenAt < b.takenAt ? a : b;
  return JSON.stringify(a) <= JSON.stringify(b) ? a : b;
};
