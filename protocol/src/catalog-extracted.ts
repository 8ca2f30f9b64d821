/**
 * Server-extracted metadata in a catalog (SPEC X1–X6): the blob store's ExifTool reading of an
 * original, written by the server replica as binary chunks in the `extracted` Y.Array, shown
 * in place of the device's import-time facts unless the user overrode a field.
 *
 *   writeExtracted(doc, [{ hash, takenAt: '2022-01-10T15:15:44', utcOffset: -240, make: 'Canon' }]) // → 1 (0 when unchanged)
 *   applyExtracted(facts, extractedIndex(doc).get(hash))   // the facts as shown
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type * as Y from 'yjs';
import { CatalogDecodeError, FACTS_LIMITS, bytesToHex, hexToBytes, takenSeconds, takenString, type AssetFacts } from './catalog-facts.js';
import { isBlobHash, type BlobHash } from './ids.js';

/** Name of the top-level Y.Array of extracted-metadata chunks (PROTOCOL.md § 4.3). */
export const EXTRACTED_KEY = 'extracted';
export const EXTRACTED_FORMAT = 1;

/** One original's extracted values; an absent (undefined) field leaves the device's facts as they are. */
export interface ExtractedMetadata {
  readonly hash: BlobHash;
  /** Local wall clock `YYYY-MM-DDTHH:mm:ss`, with its UTC offset in minutes (null: floating time). */
  readonly takenAt?: string;
  readonly utcOffset?: number | null;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly make?: string;
  readonly model?: string;
  readonly lens?: string;
  /** Pixel size after orientation (as AssetFacts). */
  readonly width?: number;
  readonly height?: number;
  /** Seconds, to the millisecond. */
  readonly duration?: number;
  /** -1 (rejected) to 5, from the file or its XMP sidecar. */
  readonly rating?: number;
  readonly keywords?: readonly string[];
  readonly fNumber?: number;
  /** Seconds. */
  readonly exposureTime?: number;
  readonly iso?: number;
  /** Millimetres. */
  readonly focalLength?: number;
}

// Field bits of a record, in encoding order.
const F = { taken: 1, offset: 2, gps: 4, make: 8, model: 16, lens: 32, size: 64, duration: 128, rating: 256, keywords: 512, fNumber: 1024, exposure: 2048, iso: 4096, focal: 8192 } as const;
const ALL_BITS = 16383;

const isNum = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

/** Throws RangeError unless the record is encodable without loss (doubles kept as float64, GPS to 1e-7°). */
export const assertExtracted = (r: ExtractedMetadata): void => {
  if (!isBlobHash(r.hash)) throw new RangeError('extracted.hash is not a SHA-256 hex digest');
  if (r.takenAt !== undefined) takenSeconds(r.takenAt);
  if ((r.utcOffset !== undefined) && r.takenAt === undefined) throw new RangeError('extracted.utcOffset needs takenAt');
  if (r.utcOffset != null && (!Number.isInteger(r.utcOffset) || Math.abs(r.utcOffset) > 18 * 60)) throw new RangeError('extracted.utcOffset out of range');
  if ((r.latitude === undefined) !== (r.longitude === undefined)) throw new RangeError('extracted.latitude and longitude go together');
  if (r.latitude !== undefined && !(isNum(r.latitude, -90, 90) && isNum(r.longitude, -180, 180))) throw new RangeError('extracted GPS out of range');
  if ((r.width === undefined) !== (r.height === undefined)) throw new RangeError('extracted.width and height go together');
  for (const k of ['width', 'height', 'iso'] as const) if (r[k] !== undefined && !(Number.isSafeInteger(r[k]) && r[k]! >= 0)) throw new RangeError(`extracted.${k} must be a non-negative integer`);
  if (r.duration !== undefined && !isNum(r.duration, 0, 1e9)) throw new RangeError('extracted.duration out of range');
  if (r.rating !== undefined && !(Number.isInteger(r.rating) && r.rating >= -1 && r.rating <= 5)) throw new RangeError('extracted.rating must be -1…5');
  for (const k of ['fNumber', 'exposureTime', 'focalLength'] as const) if (r[k] !== undefined && !isNum(r[k], 0, 1e9)) throw new RangeError(`extracted.${k} out of range`);
  if (r.keywords !== undefined && (!Array.isArray(r.keywords) || r.keywords.length > 256)) throw new RangeError('extracted.keywords must be an array of ≤ 256');
  for (const s of [r.make, r.model, r.lens, ...(r.keywords ?? [])]) {
    if (s !== undefined && (typeof s !== 'string' || s.length > FACTS_LIMITS.maxString)) throw new RangeError('extracted string too long');
  }
};

/** Encodes records as one chunk (PROTOCOL.md § 4.3); strings go to a chunk dictionary. */
export const writeExtractedChunk = (records: readonly ExtractedMetadata[]): Uint8Array => {
  const strings = new Map<string, number>();
  const idx = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const body = encoding.createEncoder();
  const hash = new Uint8Array(32);
  for (const r of records) {
    assertExtracted(r);
    hexToBytes(r.hash, hash);
    encoding.writeUint8Array(body, hash);
    const bits = (r.takenAt !== undefined ? F.taken : 0) | (r.utcOffset != null ? F.offset : 0) | (r.latitude !== undefined ? F.gps : 0)
      | (r.make !== undefined ? F.make : 0) | (r.model !== undefined ? F.model : 0) | (r.lens !== undefined ? F.lens : 0)
      | (r.width !== undefined ? F.size : 0) | (r.duration !== undefined ? F.duration : 0) | (r.rating !== undefined ? F.rating : 0)
      | (r.keywords?.length ? F.keywords : 0) | (r.fNumber !== undefined ? F.fNumber : 0) | (r.exposureTime !== undefined ? F.exposure : 0)
      | (r.iso !== undefined ? F.iso : 0) | (r.focalLength !== undefined ? F.focal : 0);
    encoding.writeVarUint(body, bits);
    if (bits & F.taken) encoding.writeVarInt(body, takenSeconds(r.takenAt!));
    if (bits & F.offset) encoding.writeVarInt(body, r.utcOffset!);
    if (bits & F.gps) {
      encoding.writeVarInt(body, Math.round(r.latitude! * 1e7));
      encoding.writeVarInt(body, Math.round(r.longitude! * 1e7));
    }
    if (bits & F.make) encoding.writeVarUint(body, idx(r.make!));
    if (bits & F.model) encoding.writeVarUint(body, idx(r.model!));
    if (bits & F.lens) encoding.writeVarUint(body, idx(r.lens!));
    if (bits & F.size) {
      encoding.writeVarUint(body, r.width!);
      encoding.writeVarUint(body, r.height!);
    }
    if (bits & F.duration) encoding.writeVarUint(body, Math.round(r.duration! * 1000));
    if (bits & F.rating) encoding.writeVarUint(body, r.rating! + 1);
    if (bits & F.keywords) {
      encoding.writeVarUint(body, r.keywords!.length);
      for (const k of r.keywords!) encoding.writeVarUint(body, idx(k));
    }
    if (bits & F.fNumber) encoding.writeFloat64(body, r.fNumber!);
    if (bits & F.exposure) encoding.writeFloat64(body, r.exposureTime!);
    if (bits & F.iso) encoding.writeVarUint(body, r.iso!);
    if (bits & F.focal) encoding.writeFloat64(body, r.focalLength!);
  }
  const out = encoding.createEncoder();
  encoding.writeVarUint(out, EXTRACTED_FORMAT);
  encoding.writeVarUint(out, records.length);
  encoding.writeVarUint(out, strings.size);
  for (const s of strings.keys()) encoding.writeVarString(out, s);
  encoding.writeUint8Array(out, encoding.toUint8Array(body));
  return encoding.toUint8Array(out);
};

const utf8 = new TextDecoder();
const fail = (why: string): never => {
  throw new CatalogDecodeError(`malformed extracted chunk: ${why}`);
};

/** Decodes a chunk from an untrusted peer; throws CatalogDecodeError on anything off (X5). */
export const readExtractedChunk = (chunk: Uint8Array): ExtractedMetadata[] => {
  const dec = decoding.createDecoder(chunk);
  const left = (): number => chunk.length - dec.pos;
  const uint = (): number => (left() > 0 ? decoding.readVarUint(dec) : fail('unexpected end'));
  if (uint() !== EXTRACTED_FORMAT) fail('unknown format');
  const n = uint();
  if (n > FACTS_LIMITS.maxChunkAssets || n * 33 > left()) fail('record count');
  const k = uint();
  if (k > left()) fail('dictionary size');
  const strings: string[] = [];
  for (let i = 0; i < k; i++) {
    const len = uint();
    if (len > FACTS_LIMITS.maxString * 4 || len > left()) fail('string length');
    strings.push(utf8.decode(decoding.readUint8Array(dec, len)));
  }
  const str = (): string => strings[uint()] ?? fail('string index');
  const f64 = (): number => (left() >= 8 ? decoding.readFloat64(dec) : fail('unexpected end'));
  const out: ExtractedMetadata[] = [];
  for (let i = 0; i < n; i++) {
    if (left() < 33) fail('unexpected end');
    const r: { -readonly [K in keyof ExtractedMetadata]: ExtractedMetadata[K] } = { hash: bytesToHex(decoding.readUint8Array(dec, 32)) as BlobHash };
    const bits = uint();
    if (bits & ~ALL_BITS) fail('unknown field bits');
    if (bits & F.taken) {
      r.takenAt = takenString(decoding.readVarInt(dec));
      r.utcOffset = null;
    }
    if (bits & F.offset) r.utcOffset = decoding.readVarInt(dec);
    if (bits & F.gps) {
      r.latitude = decoding.readVarInt(dec) / 1e7;
      r.longitude = decoding.readVarInt(dec) / 1e7;
    }
    if (bits & F.make) r.make = str();
    if (bits & F.model) r.model = str();
    if (bits & F.lens) r.lens = str();
    if (bits & F.size) {
      r.width = uint();
      r.height = uint();
    }
    if (bits & F.duration) r.duration = uint() / 1000;
    if (bits & F.rating) r.rating = uint() - 1;
    if (bits & F.keywords) {
      const count = uint();
      if (count > 256) fail('keywords');
      r.keywords = Array.from({ length: count }, str);
    }
    if (bits & F.fNumber) r.fNumber = f64();
    if (bits & F.exposure) r.exposureTime = f64();
    if (bits & F.iso) r.iso = uint();
    if (bits & F.focal) r.focalLength = f64();
    try {
      assertExtracted(r);
    } catch (err) {
      fail((err as Error).message);
    }
    out.push(r);
  }
  if (left() !== 0) fail('trailing bytes');
  return out;
};

export interface ExtractedIndex {
  readonly records: ReadonlyMap<string, ExtractedMetadata>;
  readonly badChunks: number;
}
const cache = new WeakMap<Y.Doc, ExtractedIndex | null>();
/** The effective record per hash: chunks in array order, a later record replacing an earlier one (X2); cached until the array changes. */
export const extractedIndex = (doc: Y.Doc): ExtractedIndex => {
  let index = cache.get(doc);
  if (index === undefined) doc.getArray(EXTRACTED_KEY).observe(() => cache.set(doc, null));
  if (!index) cache.set(doc, (index = buildIndex(doc)));
  return index;
};

/** Bad chunks are counted, not thrown (X5). */
const buildIndex = (doc: Y.Doc): ExtractedIndex => {
  const records = new Map<string, ExtractedMetadata>();
  let badChunks = 0;
  for (const chunk of doc.getArray<unknown>(EXTRACTED_KEY)) {
    try {
      if (!(chunk instanceof Uint8Array)) fail('not bytes');
      for (const r of readExtractedChunk(chunk as Uint8Array)) records.set(r.hash, r);
    } catch {
      badChunks++;
    }
  }
  return { records, badChunks };
};

/** Drops the fields the device's facts already show (X4: a million agreeing assets cost nothing). */
export const extractedDelta = (r: ExtractedMetadata, facts: AssetFacts | undefined): ExtractedMetadata => {
  if (!facts) return r;
  const out: { -readonly [K in keyof ExtractedMetadata]: ExtractedMetadata[K] } = { ...r };
  if (r.takenAt === facts.takenAt && (r.utcOffset ?? null) === facts.utcOffset) {
    delete out.takenAt;
    delete out.utcOffset;
  }
  if (r.latitude !== undefined && Math.round(r.latitude * 1e7) === Math.round((facts.latitude ?? NaN) * 1e7) && Math.round(r.longitude! * 1e7) === Math.round((facts.longitude ?? NaN) * 1e7)) {
    delete out.latitude;
    delete out.longitude;
  }
  if (r.make === (facts.make ?? undefined)) delete out.make;
  if (r.model === (facts.model ?? undefined)) delete out.model;
  if (r.lens === (facts.lens ?? undefined)) delete out.lens;
  if (r.width === facts.width && r.height === facts.height) {
    delete out.width;
    delete out.height;
  }
  if (r.duration !== undefined && Math.round(r.duration * 1000) === Math.round((facts.duration ?? NaN) * 1000)) delete out.duration;
  if (out.keywords?.length === 0) delete out.keywords;
  return out;
};

/** Canonical text of a record (round-tripped through the encoding), to compare two. */
const canonical = (r: ExtractedMetadata): string => JSON.stringify(readExtractedChunk(writeExtractedChunk([r]))[0]);
const isEmpty = (r: ExtractedMetadata): boolean => Object.keys(r).length === 1;

/**
 * Server replica only (X3): writes the records that differ from what the catalog shows now, as
 * one chunk; returns how many were written (0 = no update at all, X2). `factsOf` gives the
 * device's facts per hash when known (they make the record a delta, X4).
 */
export const writeExtracted = (doc: Y.Doc, records: readonly ExtractedMetadata[], factsOf: (hash: string) => AssetFacts | undefined = () => undefined): number => {
  const current = new Map(extractedIndex(doc).records);
  const changed: ExtractedMetadata[] = [];
  for (const r of records) {
    const delta = extractedDelta(r, factsOf(r.hash));
    const now = current.get(r.hash);
    if (now ? canonical(now) === canonical(delta) : isEmpty(delta)) continue;
    changed.push(delta);
    current.set(r.hash, delta);
  }
  if (changed.length > 0) doc.getArray<Uint8Array>(EXTRACTED_KEY).push([writeExtractedChunk(changed)]);
  return changed.length;
};

/** The facts as shown once extracted values apply (X1); user overrides are applied after this (X1, S5). */
export const applyExtracted = <T extends AssetFacts>(facts: T, r: ExtractedMetadata | undefined): T => {
  if (!r) return facts;
  return {
    ...facts,
    ...(r.takenAt !== undefined ? { takenAt: r.takenAt, utcOffset: r.utcOffset ?? null } : null),
    ...(r.latitude !== undefined ? { latitude: r.latitude, longitude: r.longitude } : null),
    ...(r.make !== undefined ? { make: r.make } : null),
    ...(r.model !== undefined ? { model: r.model } : null),
    ...(r.lens !== undefined ? { lens: r.lens } : null),
    ...(r.width !== undefined ? { width: r.width, height: r.height } : null),
    ...(r.duration !== undefined ? { duration: r.duration } : null),
  };
};
