/**
 * Immutable content facts of an original and their binary chunk codec (catalog v2). A chunk
 * packs many assets' facts into one byte array with per-chunk string dictionaries, so a
 * catalog of 1,000,000 assets is about a thousand Yjs items instead of a million.
 *
 *   const bytes = writeFactsChunk([facts1, facts2]);
 *   const back = readFactsChunk(bytes);   // throws CatalogDecodeError on malformed bytes
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
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

const CHUNK_FORMAT = 1;
const TAKEN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const Flag = { video: 1, offset: 2, gps: 4, make: 8, model: 16, duration: 32, lens: 64, thumbhash: 128 } as const;

/** `YYYY-MM-DDTHH:mm:ss` → seconds since 1970 of that wall clock read as UTC. */
export const takenSeconds = (takenAt: string): number => {
  const m = TAKEN.exec(takenAt);
  if (!m) throw new RangeError(`takenAt must be YYYY-MM-DDTHH:mm:ss, got ${JSON.stringify(takenAt.slice(0, 40))}`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
/** Inverse of takenSeconds. */
export const takenString = (seconds: number): string => {
  const d = new Date(seconds * 1000);
  const y = d.getUTCFullYear();
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hexToBytes = (hex: string, out: Uint8Array): void => {
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
};
const bytesToHex = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
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

const dictionary = (values: (string | null | undefined)[]): { list: string[]; index: Map<string, number> } => {
  const index = new Map<string, number>();
  for (const v of values) if (v != null && !index.has(v)) index.set(v, index.size);
  return { list: [...index.keys()], index };
};

/** Encodes facts into one chunk. Validates each with assertFacts. */
export const writeFactsChunk = (all: readonly AssetFacts[]): Uint8Array => {
  if (all.length > FACTS_LIMITS.maxChunkAssets) throw new RangeError(`a chunk holds at most ${FACTS_LIMITS.maxChunkAssets} assets`);
  for (const f of all) assertFacts(f);
  const enc = encoding.createEncoder();
  const dicts = [dictionary(all.map((f) => f.mime)), dictionary(all.flatMap((f) => [f.make, f.model, f.lens]))];
  encoding.writeVarUint(enc, CHUNK_FORMAT);
  encoding.writeVarUint(enc, all.length);
  for (const d of dicts) {
    encoding.writeVarUint(enc, d.list.length);
    for (const s of d.list) encoding.writeVarString(enc, s);
  }
  const [mimes, cams] = dicts as [(typeof dicts)[0], (typeof dicts)[0]];
  const hash = new Uint8Array(32);
  let prevTaken = 0;
  for (const f of all) {
    hexToBytes(f.hash, hash);
    encoding.writeUint8Array(enc, hash);
    const flags = (f.kind === AssetKind.video ? Flag.video : 0) | (f.utcOffset !== null ? Flag.offset : 0) | (f.latitude !== null ? Flag.gps : 0) |
      (f.make !== null ? Flag.make : 0) | (f.model !== null ? Flag.model : 0) | (f.duration !== null ? Flag.duration : 0) |
      (f.lens != null ? Flag.lens : 0) | (f.thumbhash != null ? Flag.thumbhash : 0);
    encoding.writeUint8(enc, flags);
    encoding.writeVarUint(enc, mimes.index.get(f.mime)!);
    encoding.writeVarString(enc, f.name);
    encoding.writeVarUint(enc, f.size);
    encoding.writeVarUint(enc, f.width);
    encoding.writeVarUint(enc, f.height);
    encoding.writeVarUint(enc, f.orientation);
    const taken = takenSeconds(f.takenAt);
    encoding.writeVarInt(enc, taken - prevTaken);
    prevTaken = taken;
    encoding.writeVarUint(enc, f.importedAt);
    if (f.utcOffset !== null) encoding.writeVarInt(enc, f.utcOffset);
    if (f.latitude !== null) {
      encoding.writeVarInt(enc, Math.round(f.latitude * 1e7));
      encoding.writeVarInt(enc, Math.round(f.longitude! * 1e7));
    }
    if (f.make !== null) encoding.writeVarUint(enc, cams.index.get(f.make)!);
    if (f.model !== null) encoding.writeVarUint(enc, cams.index.get(f.model)!);
    if (f.lens != null) encoding.writeVarUint(enc, cams.index.get(f.lens)!);
    if (f.duration !== null) encoding.writeVarUint(enc, Math.round(f.duration * 1000));
    if (f.thumbhash != null) encoding.writeVarString(enc, f.thumbhash);
  }
  return encoding.toUint8Array(enc);
};

const fail = (why: string): never => {
  throw new CatalogDecodeError(`malformed facts chunk: ${why}`);
};

const readDict = (dec: decoding.Decoder): string[] => {
  const n = decoding.readVarUint(dec);
  if (n > FACTS_LIMITS.maxDictionary) fail('dictionary too large');
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(decoding.readVarString(dec));
  return out;
};

const pick = (list: readonly string[], i: number): string => list[i] ?? fail('dictionary index out of range');

/** Decodes a chunk; throws CatalogDecodeError on anything malformed, never returns partial data. */
export const readFactsChunk = (bytes: Uint8Array): AssetFacts[] => {
  try {
    const dec = decoding.createDecoder(bytes);
    if (decoding.readVarUint(dec) !== CHUNK_FORMAT) fail('unknown chunk format');
    const n = decoding.readVarUint(dec);
    if (n > FACTS_LIMITS.maxChunkAssets) fail('too many assets');
    const mimes = readDict(dec);
    const cams = readDict(dec);
    const out: AssetFacts[] = new Array(n);
    let taken = 0;
    for (let i = 0; i < n; i++) {
      const hash = bytesToHex(decoding.readUint8Array(dec, 32)) as BlobHash;
      const flags = decoding.readUint8(dec);
      const mime = pick(mimes, decoding.readVarUint(dec));
      const name = decoding.readVarString(dec);
      const size = decoding.readVarUint(dec);
      const width = decoding.readVarUint(dec);
      const height = decoding.readVarUint(dec);
      const orientation = decoding.readVarUint(dec);
      taken += decoding.readVarInt(dec);
      const importedAt = decoding.readVarUint(dec);
      const utcOffset = flags & Flag.offset ? decoding.readVarInt(dec) : null;
      const latitude = flags & Flag.gps ? decoding.readVarInt(dec) / 1e7 : null;
      const longitude = flags & Flag.gps ? decoding.readVarInt(dec) / 1e7 : null;
      const make = flags & Flag.make ? pick(cams, decoding.readVarUint(dec)) : null;
      const model = flags & Flag.model ? pick(cams, decoding.readVarUint(dec)) : null;
      const lens = flags & Flag.lens ? pick(cams, decoding.readVarUint(dec)) : null;
      const duration = flags & Flag.duration ? decoding.readVarUint(dec) / 1000 : null;
      const thumbhash = flags & Flag.thumbhash ? decoding.readVarString(dec) : null;
      if (!Number.isFinite(taken) || Math.abs(taken) > 1e11) fail('takenAt out of range');
      out[i] = {
        hash, kind: flags & Flag.video ? AssetKind.video : AssetKind.image, mime, name, size, width, height, orientation,
        takenAt: takenString(taken), utcOffset, importedAt, latitude, longitude, make, model, duration, lens, thumbhash,
      };
    }
    if (decoding.hasContent(dec)) fail('trailing bytes');
    return out;
  } catch (err) {
    if (err instanceof CatalogDecodeError) throw err;
    throw new CatalogDecodeError(`malformed facts chunk: ${(err as Error).message}`);
  }
};

/**
 * Which of two facts records for the same hash a catalog keeps (SPEC F2): the earlier import,
 * then the smaller name, then the earlier takenAt (an mtime fallback), then the full record, so every replica picks the same one whatever order they arrive in.
 */
export const preferFacts = (a: AssetFacts, b: AssetFacts): AssetFacts => {
  if (a.importedAt !== b.importedAt) return a.importedAt < b.importedAt ? a : b;
  if (a.name !== b.name) return a.name < b.name ? a : b;
  if (a.takenAt !== b.takenAt) return a.takenAt < b.takenAt ? a : b;
  return JSON.stringify(a) <= JSON.stringify(b) ? a : b;
};
