/**
 * Facts chunk format 2 (catalog schema v3, PROTOCOL.md § 4.1): what repeats between assets of
 * one chunk — kind, mime, pixel size, orientation, camera, lens and file-name pattern — is one
 * per-chunk "profile" referenced by a single varUint; GPS is a 0.1° anchor plus a remainder,
 * import times are deltas, thumbhashes raw bytes. About 20 bytes an asset less than format 1,
 * and fewer varints to walk on a cold load.
 *
 *   const bytes = writeFactsChunkV2([facts1, facts2]);
 *   const layout = scanFactsChunkV2(bytes, (s) => …);   // then readFactsRecordV2(bytes, layout, s.offset, s.taken, s.importedAt)
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  AssetKind, CatalogDecodeError, FACTS_LIMITS, assertFacts, bytesToHex, fail, hexToBytes, skipVarString, splitName, takenSeconds,
  takenString, type AssetFacts, type FactsSummary,
} from './catalog-facts.js';
import type { BlobHash } from './ids.js';

export const FACTS_FORMAT_V2 = 2;
const Flag = { offset: 1, offsetQuarter: 2, gps: 4, duration: 8, thumbhash: 16, thumbRaw: 32 } as const;
const KNOWN_FLAGS = 63;
/** GPS anchors are multiples of 0.1° (1e6 in units of 1e-7°); remainders fit 3 varInt bytes. */
const ANCHOR = 1_000_000;

/** What repeats between assets of a chunk. `prefix` null: the name is stored whole per record. */
interface Profile {
  readonly video: boolean;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly make: string | null;
  readonly model: string | null;
  readonly lens: string | null;
  readonly prefix: string | null;
  readonly suffix: string;
  readonly digits: number;
}

export interface ChunkLayoutV2 {
  readonly format: 2;
  readonly profiles: readonly Profile[];
  /** Per anchor: latitude and longitude in units of 1e-7°. */
  readonly anchors: Int32Array;
}

/** The thumbhash as raw bytes when its base64 round-trips exactly, else null (stored as text). */
const thumbBytes = (thumb: string): Uint8Array | null => {
  let bin: string;
  try {
    bin = atob(thumb);
  } catch {
    return null;
  }
  if (btoa(bin) !== thumb) return null;
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

const interner = <T>() => {
  const index = new Map<string, number>();
  const list: T[] = [];
  return { list, at: (key: string, value: T): number => index.get(key) ?? (index.set(key, list.length), list.push(value) - 1) };
};

/** Encodes facts into one format-2 chunk. Validates each with assertFacts. */
export const writeFactsChunkV2 = (all: readonly AssetFacts[]): Uint8Array => {
  if (all.length > FACTS_LIMITS.maxChunkAssets) throw new RangeError(`a chunk holds at most ${FACTS_LIMITS.maxChunkAssets} assets`);
  for (const f of all) assertFacts(f);
  const strings = interner<string>();
  const str = (s: string): number => strings.at(s, s);
  const opt = (s: string | null | undefined): number => (s == null ? 0 : 1 + str(s));
  const profiles = interner<number[]>();
  const anchors = interner<[number, number]>();
  const records = all.map((f) => {
    const parts = splitName(f.name);
    const p = [f.kind === AssetKind.video ? 1 : 0, str(f.mime), f.width, f.height, f.orientation, opt(f.make), opt(f.model), opt(f.lens), parts ? 1 + str(parts[0]) : 0];
    if (parts) p.push(str(parts[2]), parts[1].length);
    const lat = f.latitude === null ? 0 : Math.round(f.latitude * 1e7);
    const lon = f.longitude === null ? 0 : Math.round(f.longitude * 1e7);
    const a = [Math.round(lat / ANCHOR), Math.round(lon / ANCHOR)] as [number, number];
    return {
      profile: profiles.at(p.join(','), p), number: parts ? Number(parts[1]) : -1, lat: lat - a[0] * ANCHOR, lon: lon - a[1] * ANCHOR,
      anchor: f.latitude === null ? -1 : anchors.at(`${a[0]},${a[1]}`, a), thumb: f.thumbhash == null ? null : thumbBytes(f.thumbhash),
    };
  });
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, FACTS_FORMAT_V2);
  encoding.writeVarUint(enc, all.length);
  encoding.writeVarUint(enc, strings.list.length);
  for (const s of strings.list) encoding.writeVarString(enc, s);
  encoding.writeVarUint(enc, profiles.list.length);
  for (const p of profiles.list) for (const v of p) encoding.writeVarUint(enc, v);
  encoding.writeVarUint(enc, anchors.list.length);
  for (const [lat, lon] of anchors.list) {
    encoding.writeVarInt(enc, lat);
    encoding.writeVarInt(enc, lon);
  }
  const hash = new Uint8Array(32);
  let prevTaken = 0;
  let prevImported = 0;
  for (const [i, f] of all.entries()) {
    const r = records[i]!;
    hexToBytes(f.hash, hash);
    encoding.writeUint8Array(enc, hash);
    const quarter = f.utcOffset !== null && f.utcOffset % 15 === 0;
    encoding.writeUint8(enc, (f.utcOffset !== null ? Flag.offset : 0) | (quarter ? Flag.offsetQuarter : 0) | (f.latitude !== null ? Flag.gps : 0) |
      (f.duration !== null ? Flag.duration : 0) | (f.thumbhash != null ? Flag.thumbhash : 0) | (r.thumb ? Flag.thumbRaw : 0));
    const taken = takenSeconds(f.takenAt);
    encoding.writeVarInt(enc, taken - prevTaken);
    prevTaken = taken;
    encoding.writeVarUint(enc, r.profile);
    encoding.writeVarInt(enc, f.importedAt - prevImported);
    prevImported = f.importedAt;
    encoding.writeVarUint(enc, f.size);
    if (r.number >= 0) encoding.writeVarUint(enc, r.number);
    else encoding.writeVarString(enc, f.name);
    if (f.duration !== null) encoding.writeVarUint(enc, Math.round(f.duration * 1000));
    if (f.utcOffset !== null) encoding.writeVarInt(enc, quarter ? f.utcOffset / 15 : f.utcOffset);
    if (r.anchor >= 0) {
      encoding.writeVarUint(enc, r.anchor);
      encoding.writeVarInt(enc, r.lat);
      encoding.writeVarInt(enc, r.lon);
    }
    if (r.thumb) encoding.writeVarUint8Array(enc, r.thumb);
    else if (f.thumbhash != null) encoding.writeVarString(enc, f.thumbhash);
  }
  return encoding.toUint8Array(enc);
};

/** A count read from the chunk, capped by the bytes left (every entry takes at least one). */
const readCount = (dec: decoding.Decoder): number => {
  const n = decoding.readVarUint(dec);
  if (n > dec.arr.length - dec.pos) fail('count larger than the chunk');
  return n;
};

const readLayout = (dec: decoding.Decoder): ChunkLayoutV2 => {
  const strings: string[] = [];
  for (let i = 0, k = readCount(dec); i < k; i++) {
    const s = decoding.readVarString(dec);
    if (s.length > FACTS_LIMITS.maxString) fail('string too long');
    strings.push(s);
  }
  const str = (): string => strings[decoding.readVarUint(dec)] ?? fail('string index out of range');
  const opt = (): string | null => {
    const i = decoding.readVarUint(dec);
    return i === 0 ? null : (strings[i - 1] ?? fail('string index out of range'));
  };
  const profiles: Profile[] = [];
  for (let i = 0, k = readCount(dec); i < k; i++) {
    const kind = decoding.readVarUint(dec);
    if (kind > 1) fail('unknown kind');
    const mime = str();
    const width = decoding.readVarUint(dec);
    const height = decoding.readVarUint(dec);
    const orientation = decoding.readVarUint(dec);
    const make = opt();
    const model = opt();
    const lens = opt();
    const prefix = opt();
    const suffix = prefix === null ? '' : str();
    const digits = prefix === null ? 0 : decoding.readVarUint(dec);
    if (digits > 15) fail('name digits');
    profiles.push({ video: kind === 1, mime, width, height, orientation, make, model, lens, prefix, suffix, digits });
  }
  const k = readCount(dec);
  const anchors = new Int32Array(k * 2);
  for (let i = 0; i < k * 2; i++) {
    const v = decoding.readVarInt(dec);
    if (Math.abs(v) > 1800) fail('GPS anchor out of range');
    anchors[i] = v;
  }
  return { format: FACTS_FORMAT_V2, profiles, anchors };
};

/**
 * Walks a format-2 chunk (its format byte already checked by the caller), validating every
 * record, and reports each one's summary (the same object, reused) without building strings.
 */
export const scanFactsChunkV2 = (bytes: Uint8Array, visit: (s: FactsSummary) => void): ChunkLayoutV2 => {
  try {
    const dec = decoding.createDecoder(bytes);
    if (decoding.readVarUint(dec) !== FACTS_FORMAT_V2) fail('not format 2');
    const n = decoding.readVarUint(dec);
    if (n > FACTS_LIMITS.maxChunkAssets) fail('too many assets');
    const layout = readLayout(dec);
    const { profiles } = layout;
    const anchorCount = layout.anchors.length / 2;
    const s: FactsSummary = { offset: 0, taken: 0, importedAt: 0, width: 0, height: 0, video: false, durationMs: -1 };
    let taken = 0;
    let imported = 0;
    for (let i = 0; i < n; i++) {
      s.offset = dec.pos;
      dec.pos += 32;
      const flags = decoding.readUint8(dec);
      if (flags & ~KNOWN_FLAGS) fail('unknown flags');
      taken += decoding.readVarInt(dec);
      if (!Number.isFinite(taken) || Math.abs(taken) > 3e11) fail('takenAt out of range');
      const p = profiles[decoding.readVarUint(dec)] ?? fail('profile index out of range');
      imported += decoding.readVarInt(dec);
      if (!(imported >= 0 && imported <= Number.MAX_SAFE_INTEGER)) fail('importedAt out of range');
      s.taken = taken;
      s.importedAt = imported;
      s.width = p.width;
      s.height = p.height;
      s.video = p.video;
      decoding.readVarUint(dec);
      if (p.prefix === null) skipVarString(dec);
      else decoding.readVarUint(dec);
      s.durationMs = flags & Flag.duration ? decoding.readVarUint(dec) : -1;
      if (flags & Flag.offset) decoding.readVarInt(dec);
      if (flags & Flag.gps) {
        if (decoding.readVarUint(dec) >= anchorCount) fail('GPS anchor index out of range');
        decoding.readVarInt(dec);
        decoding.readVarInt(dec);
      }
      if (flags & Flag.thumbhash) skipVarString(dec);
      if (dec.pos > bytes.length) fail('unexpected end');
      visit(s);
    }
    if (decoding.hasContent(dec)) fail('trailing bytes');
    return layout;
  } catch (err) {
    if (err instanceof CatalogDecodeError) throw err;
    throw new CatalogDecodeError(`malformed facts chunk: ${(err as Error).message}`);
  }
};

/** Decodes the record at `offset` of a chunk scanFactsChunkV2 accepted; `taken`, `importedAt` from its summary. */
export const readFactsRecordV2 = (bytes: Uint8Array, layout: ChunkLayoutV2, offset: number, taken: number, importedAt: number): AssetFacts => {
  const dec = decoding.createDecoder(bytes);
  dec.pos = offset;
  const hash = bytesToHex(decoding.readUint8Array(dec, 32)) as BlobHash;
  const flags = decoding.readUint8(dec);
  decoding.readVarInt(dec);
  const p = layout.profiles[decoding.readVarUint(dec)]!;
  decoding.readVarInt(dec);
  const size = decoding.readVarUint(dec);
  const name = p.prefix === null ? decoding.readVarString(dec) : `${p.prefix}${String(decoding.readVarUint(dec)).padStart(p.digits, '0')}${p.suffix}`;
  const duration = flags & Flag.duration ? decoding.readVarUint(dec) / 1000 : null;
  const utcOffset = flags & Flag.offset ? decoding.readVarInt(dec) * (flags & Flag.offsetQuarter ? 15 : 1) : null;
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (flags & Flag.gps) {
    const a = decoding.readVarUint(dec) * 2;
    latitude = (layout.anchors[a]! * ANCHOR + decoding.readVarInt(dec)) / 1e7;
    longitude = (layout.anchors[a + 1]! * ANCHOR + decoding.readVarInt(dec)) / 1e7;
  }
  let thumbhash: string | null = null;
  if (flags & Flag.thumbRaw) thumbhash = btoa(String.fromCharCode.apply(null, Array.from(decoding.readVarUint8Array(dec))));
  else if (flags & Flag.thumbhash) thumbhash = decoding.readVarString(dec);
  return {
    hash, kind: p.video ? AssetKind.video : AssetKind.image, mime: p.mime, name, size, width: p.width, height: p.height,
    orientation: p.orientation, takenAt: takenString(taken), utcOffset, importedAt, latitude, longitude, make: p.make,
    model: p.model, duration, lens: p.lens, thumbhash,
  };
};
