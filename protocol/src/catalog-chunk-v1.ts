/**
 * Facts chunk format 1 (catalog schema v2), kept to read chunks written before format 2 and to
 * migrate them forward (SPEC V4); new chunks are written in format 2 (catalog-chunk-v2.ts).
 *
 *   const bytes = writeFactsChunkV1([facts]);        // only tests and migration fixtures write it
 *   const layout = scanFactsChunkV1(bytes, (s) => …)  // then readFactsRecordV1(bytes, layout, s.offset, s.taken)
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  AssetKind, CatalogDecodeError, FACTS_LIMITS, assertFacts, bytesToHex, fail, hexToBytes, skipVarString,
  splitName, takenSeconds, takenString, type AssetFacts, type FactsSummary,
} from './catalog-facts.js';
import type { BlobHash } from './ids.js';

export const FACTS_FORMAT_V1 = 1;
const Flag = { video: 1, offset: 2, gps: 4, make: 8, model: 16, duration: 32, lens: 64, thumbhash: 128 } as const;

const dictionary = (values: (string | null | undefined)[]): { list: string[]; index: Map<string, number> } => {
  const index = new Map<string, number>();
  for (const v of values) if (v != null && !index.has(v)) index.set(v, index.size);
  return { list: [...index.keys()], index };
};

const readDict = (dec: decoding.Decoder): string[] => {
  const n = decoding.readVarUint(dec);
  if (n > FACTS_LIMITS.maxDictionary) fail('dictionary too large');
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(decoding.readVarString(dec));
  return out;
};

const pick = (list: readonly string[], i: number): string => list[i] ?? fail('dictionary index out of range');

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
export const writeFactsChunkV1 = (all: readonly AssetFacts[]): Uint8Array => {
  if (all.length > FACTS_LIMITS.maxChunkAssets) throw new RangeError(`a chunk holds at most ${FACTS_LIMITS.maxChunkAssets} assets`);
  for (const f of all) assertFacts(f);
  const enc = encoding.createEncoder();
  const split = all.map((f) => splitName(f.name));
  const dicts = [
    dictionary(all.map((f) => f.mime)),
    dictionary(all.flatMap((f) => [f.make, f.model, f.lens])),
    dictionary(split.flatMap((p) => (p ? [p[0], p[2]] : []))),
  ];
  encoding.writeVarUint(enc, FACTS_FORMAT_V1);
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

export interface ChunkLayoutV1 {
  readonly format: 1;
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

/**
 * Walks a chunk, validating every record, and reports each one's summary (the same object,
 * reused) without allocating strings. Throws CatalogDecodeError on anything malformed.
 */
export const scanFactsChunkV1 = (bytes: Uint8Array, visit: (s: FactsSummary) => void): ChunkLayoutV1 => {
  try {
    const dec = decoding.createDecoder(bytes);
    if (decoding.readVarUint(dec) !== FACTS_FORMAT_V1) fail('unknown chunk format');
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
    return { format: FACTS_FORMAT_V1, mimes, cams, names };
  } catch (err) {
    if (err instanceof CatalogDecodeError) throw err;
    throw new CatalogDecodeError(`malformed facts chunk: ${(err as Error).message}`);
  }
};

/** Decodes the record at `offset` of a chunk that scanFactsChunk accepted; `taken` from its summary. */
export const readFactsRecordV1 = (bytes: Uint8Array, dicts: ChunkLayoutV1, offset: number, taken: number): AssetFacts => {
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

