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
const hexToBytes = (hex: string, out: Uint8Array): void => {
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
};
const hexCodes: number[] = new Array(64);
/** One flat string per hash (concatenation would build 31 intermediate strings each). */
const bytesToHex = (bytes: Uint8Array): string => {
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

const dictionary = (values: (string | null | undefined)[]): { list: string[]; index: Map<string, number> } => {
  const index = new Map<string, number>();
  for (const v of values) if (v != null && !index.has(v)) index.set(v, index.size);
  return { list: [...index.keys()], index };
};

const NAME = /^(\D{0,16})(\d{1,15})(\.[A-Za-z0-9]{1,8})$/;
/** `IMG_0042.HEIC` → ['IMG_', '0042', '.HEIC'] (prefix and suffix go to a chunk dictionary), else null. */
const splitName = (name: string): [string, string, string] | null => {
  const m = NAME.exec(name);
  return m ? [m[1]!, m[2]!, m[3]!] : null;
};

/** name := varUint(0) • varString(name) | varUint(1 + prefix) • varUint(suffix) • varUint(digits) • varUint(number) */
const writeName = (enc: encoding.Encoder, name: string, parts: [string, string, string] | null, dict: Map<string, number>): void => {
  if (!parts) {
    encoding.writeVarUint(enc, 0);
    encoding.writeVarString(enc, name);
    return;
  }
  encoding.writeVarUint(enc, 1 + dict.get(parts[0])!);
  encoding.writeVarUint(enc, dict.get(parts[2])!);
  encoding.writeVarUint(enc, parts[1].length);
  encoding.writeVarUint(enc, Number(parts[1]));
};

/** Encodes facts into one chunk. Validates each with assertFacts. */
export const writeFactsChunk = (all: readonly AssetFacts[]): Uint8Array => {
  if (all.length > FACTS_LIMITS.maxChunkAssets) throw new RangeError(`a chunk holds at most ${FACTS_LIMITS.maxChunkAssets} assets`);
  for (const f of all) assertFacts(f);
  const enc = encoding.createEncoder();
  const split = all.map((f) => splitName(f.name));
  const dicts = [
    dictionary(all.map((f) => f.mime)),
    dictionary(all.flatMap((f) => [f.make, f.model, f.lens])),
    dictionary(split.flatMap((p) => (p ? [p[0], p[2]] : []))),
  ];
  encoding.writeVarUint(enc, CHUNK_FORMAT);
  encoding.writeVarUint(enc, all.length);
  for (const d of dicts) {
    encoding.writeVarUint(enc, d.list.length);
    for (const s of d.list) encoding.writeVarString(enc, s);
  }
  const [mimes, cams, names] = dicts as [(typeof dicts)[0], (typeof dicts)[0], (typeof dicts)[0]];
  const hash = new Uint8Array(32);
  let prevTaken = 0;
  for (const [i, f] of all.entries()) {
    hexToBytes(f.hash, hash);
    encoding.writeUint8Array(enc, hash);
    const flags = (f.kind === AssetKind.video ? Flag.video : 0) | (f.utcOffset !== null ? Flag.offset : 0) | (f.latitude !== null ? Flag.gps : 0) |
      (f.make !== null ? Flag.make : 0) | (f.model !== null ? Flag.model : 0) | (f.duration !== null ? Flag.duration : 0) |
      (f.lens != null ? Flag.lens : 0) | (f.thumbhash != null ? Flag.thumbhash : 0);
    encoding.writeUint8(enc, flags);
    const taken = takenSeconds(f.takenAt);
    encoding.writeVarInt(enc, taken - prevTaken);
    prevTaken = taken;
    encoding.writeVarUint(enc, f.importedAt);
    encoding.writeVarUint(enc, f.width);
    encoding.writeVarUint(enc, f.height);
    if (f.duration !== null) encoding.writeVarUint(enc, Math.round(f.duration * 1000));
    encoding.writeVarUint(enc, mimes.index.get(f.mime)!);
    writeName(enc, f.name, split[i]!, names.index);
    encoding.writeVarUint(enc, f.size);
    encoding.writeVarUint(enc, f.orientation);
    if (f.utcOffset !== null) encoding.writeVarInt(enc, f.utcOffset);
    if (f.latitude !== null) {
      encoding.writeVarInt(enc, Math.round(f.latitude * 1e7));
      encoding.writeVarInt(enc, Math.round(f.longitude! * 1e7));
    }
    if (f.make !== null) encoding.writeVarUint(enc, cams.index.get(f.make)!);
    if (f.model !== null) encoding.writeVarUint(enc, cams.index.get(f.model)!);
    if (f.lens != null) encoding.writeVarUint(enc, cams.index.get(f.lens)!);
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

const skipVarString = (dec: decoding.Decoder): void => {
  const len = decoding.readVarUint(dec);
  if (len > FACTS_LIMITS.maxString * 4) fail('string too long');
  dec.pos += len;
  if (dec.pos > dec.arr.length) fail('unexpected end');
};

export interface ChunkDicts {
  readonly mimes: readonly string[];
  readonly cams: readonly string[];
  readonly names: readonly string[];
}

const readName = (dec: decoding.Decoder, names: readonly string[], build: boolean): string => {
  const tag = decoding.readVarUint(dec);
  if (tag === 0) {
    if (build) return decoding.readVarString(dec);
    skipVarString(dec);
    return '';
  }
  const prefix = pick(names, tag - 1);
  const suffix = pick(names, decoding.readVarUint(dec));
  const digits = decoding.readVarUint(dec);
  const number = decoding.readVarUint(dec);
  if (digits > 15) fail('name digits');
  return build ? `${prefix}${String(number).padStart(digits, '0')}${suffix}` : '';
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
 * Walks a chunk, validating every record, and reports each one's summary (the same object,
 * reused) without allocating strings. Throws CatalogDecodeError on anything malformed.
 */
export const scanFactsChunk = (bytes: Uint8Array, visit: (s: FactsSummary) => void): ChunkDicts => {
  try {
    const dec = decoding.createDecoder(bytes);
    if (decoding.readVarUint(dec) !== CHUNK_FORMAT) fail('unknown chunk format');
    const n = decoding.readVarUint(dec);
    if (n > FACTS_LIMITS.maxChunkAssets) fail('too many assets');
    const mimes = readDict(dec);
    const cams = readDict(dec);
    const names = readDict(dec);
    const s: FactsSummary = { offset: 0, taken: 0, importedAt: 0, width: 0, height: 0, video: false, durationMs: -1 };
    const dictIndex = (list: readonly string[]): void => {
      if (decoding.readVarUint(dec) >= list.length) fail('dictionary index out of range');
    };
    let taken = 0;
    for (let i = 0; i < n; i++) {
      s.offset = dec.pos;
      dec.pos += 32;
      const flags = decoding.readUint8(dec);
      taken += decoding.readVarInt(dec);
      if (!Number.isFinite(taken) || Math.abs(taken) > 3e11) fail('takenAt out of range');
      s.taken = taken;
      s.importedAt = decoding.readVarUint(dec);
      s.width = decoding.readVarUint(dec);
      s.height = decoding.readVarUint(dec);
      s.video = (flags & Flag.video) !== 0;
      s.durationMs = flags & Flag.duration ? decoding.readVarUint(dec) : -1;
      dictIndex(mimes);
      readName(dec, names, false);
      decoding.readVarUint(dec);
      decoding.readVarUint(dec);
      if (flags & Flag.offset) decoding.readVarInt(dec);
      if (flags & Flag.gps) {
        decoding.readVarInt(dec);
        decoding.readVarInt(dec);
      }
      if (flags & Flag.make) dictIndex(cams);
      if (flags & Flag.model) dictIndex(cams);
      if (flags & Flag.lens) dictIndex(cams);
      if (flags & Flag.thumbhash) skipVarString(dec);
      if (dec.pos > bytes.length) fail('unexpected end');
      visit(s);
    }
    if (decoding.hasContent(dec)) fail('trailing bytes');
    return { mimes, cams, names };
  } catch (err) {
    if (err instanceof CatalogDecodeError) throw err;
    throw new CatalogDecodeError(`malformed facts chunk: ${(err as Error).message}`);
  }
};

/** Decodes the record at `offset` of a chunk that scanFactsChunk accepted; `taken` from its summary. */
export const readFactsRecord = (bytes: Uint8Array, dicts: ChunkDicts, offset: number, taken: number): AssetFacts => {
  const dec = decoding.createDecoder(bytes);
  dec.pos = offset;
  const hash = bytesToHex(decoding.readUint8Array(dec, 32)) as BlobHash;
  const flags = decoding.readUint8(dec);
  decoding.readVarInt(dec);
  const importedAt = decoding.readVarUint(dec);
  const width = decoding.readVarUint(dec);
  const height = decoding.readVarUint(dec);
  const duration = flags & Flag.duration ? decoding.readVarUint(dec) / 1000 : null;
  const mime = pick(dicts.mimes, decoding.readVarUint(dec));
  const name = readName(dec, dicts.names, true);
  const size = decoding.readVarUint(dec);
  const orientation = decoding.readVarUint(dec);
  const utcOffset = flags & Flag.offset ? decoding.readVarInt(dec) : null;
  const latitude = flags & Flag.gps ? decoding.readVarInt(dec) / 1e7 : null;
  const longitude = flags & Flag.gps ? decoding.readVarInt(dec) / 1e7 : null;
  const make = flags & Flag.make ? pick(dicts.cams, decoding.readVarUint(dec)) : null;
  const model = flags & Flag.model ? pick(dicts.cams, decoding.readVarUint(dec)) : null;
  const lens = flags & Flag.lens ? pick(dicts.cams, decoding.readVarUint(dec)) : null;
  const thumbhash = flags & Flag.thumbhash ? decoding.readVarString(dec) : null;
  return {
    hash, kind: flags & Flag.video ? AssetKind.video : AssetKind.image, mime, name, size, width, height, orientation,
    takenAt: takenString(taken), utcOffset, importedAt, latitude, longitude, make, model, duration, lens, thumbhash,
  };
};

/** Decodes a whole chunk; throws CatalogDecodeError on anything malformed, never returns partial data. */
export const readFactsChunk = (bytes: Uint8Array): AssetFacts[] => {
  const at: [number, number][] = [];
  const dicts = scanFactsChunk(bytes, (s) => at.push([s.offset, s.taken]));
  return at.map(([offset, taken]) => readFactsRecord(bytes, dicts, offset, taken));
};

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
