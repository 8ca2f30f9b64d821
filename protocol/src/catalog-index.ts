/**
 * The hash → facts index of a catalog, columnar: 32 hash bytes and a few numbers per asset in
 * typed arrays, an open-addressing table over the hash bytes, and the facts themselves left in
 * their chunks until someone asks (`get`). A million assets cost about 90 bytes each and no
 * per-asset JS objects or strings, so a cold load is one pass over the chunk bytes.
 *
 *   const index = new FactsIndex(); index.addChunk(bytes); index.get(id)?.name
 *   for (let slot = 0; slot < index.size; slot++) index.taken[slot] …   // timeline columns
 */
import { readFactsRecord, scanFactsChunk, type ChunkLayout } from './catalog-chunk.js';
import { preferFacts, takenSeconds, type AssetFacts, type FactsSummary } from './catalog-facts.js';
import type { AssetId } from './ids.js';

interface Chunk {
  readonly bytes: Uint8Array;
  readonly layout: ChunkLayout;
}

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const hexCodes: number[] = new Array(64);
const hexAt = (bytes: Uint8Array, at: number): string => {
  for (let i = 0; i < 32; i++) {
    hexCodes[i * 2] = HEX_CODES[bytes[at + i]! >> 4]!;
    hexCodes[i * 2 + 1] = HEX_CODES[bytes[at + i]! & 15]!;
  }
  return String.fromCharCode.apply(null, hexCodes);
};
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
/** Parses 64 lower-case hex digits into out[0..32); false when it is not such a string. */
const parseHex = (hex: string, out: Uint8Array): boolean => {
  if (hex.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const hi = HEX_VALUE[hex.charCodeAt(i * 2)] ?? -1;
    const lo = HEX_VALUE[hex.charCodeAt(i * 2 + 1)] ?? -1;
    if (hi < 0 || lo < 0) return false;
    out[i] = (hi << 4) | lo;
  }
  return true;
};

/** Mixes the first and last four hash bytes (test hashes are mostly zeros up front). */
const bucketOf = (b: Uint8Array, at: number): number => {
  let h = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) ^ (b[at + 28]! | (b[at + 29]! << 8) | (b[at + 30]! << 16) | (b[at + 31]! << 24));
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

const grow = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, size: number): T => {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
};

export class FactsIndex {
  size = 0;
  /** Chunks that failed to decode (SPEC F4). */
  badChunks = 0;
  /** Per slot: takenAt as seconds (see takenSeconds), pixel size, video flag, duration in ms (-1 none). */
  taken = new Float64Array(1024);
  width = new Uint32Array(1024);
  height = new Uint32Array(1024);
  video = new Uint8Array(1024);
  durationMs = new Float64Array(1024);
  private imported = new Float64Array(1024);
  private hashes = new Uint8Array(1024 * 32);
  /** ≥ 0: index into chunks; < 0: -1 - index into loose. */
  private chunkOf = new Int32Array(1024);
  private offsetOf = new Int32Array(1024);
  private table = new Int32Array(4096);
  private readonly chunks: Chunk[] = [];
  private readonly loose: AssetFacts[] = [];
  private readonly scratch = new Uint8Array(32);

  /** Makes room for `count` assets in all (a cold load knows the total from the chunk headers). */
  reserve(count: number): void {
    // Exactly the count for a cold load, else doubling (one import at a time stays linear).
    if (count > this.taken.length) this.resize(Math.max(count, Math.min(this.taken.length * 2, count * 2)));
    let table = this.table.length;
    while (count * 2 > table) table *= 2;
    if (table > this.table.length) this.rehash(table);
  }

  /** Slot of an id, or -1. */
  slotOf(id: string): number {
    if (!parseHex(id, this.scratch)) return -1;
    return this.find(this.scratch, 0);
  }

  /** Import time (ms) of the record kept for a slot (SPEC F2): the Recently-added order. */
  importedAt(slot: number): number {
    return this.imported[slot]!;
  }

  has(id: string): boolean {
    return this.slotOf(id) >= 0;
  }

  get(id: string): AssetFacts | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.factsAt(slot);
  }

  idAt(slot: number): AssetId {
    return hexAt(this.hashes, slot * 32) as AssetId;
  }

  factsAt(slot: number): AssetFacts {
    const c = this.chunkOf[slot]!;
    if (c < 0) return this.loose[-1 - c]!;
    const chunk = this.chunks[c]!;
    return readFactsRecord(chunk.bytes, chunk.layout, this.offsetOf[slot]!, this.taken[slot]!, this.imported[slot]!);
  }

  *ids(): IterableIterator<AssetId> {
    for (let slot = 0; slot < this.size; slot++) yield this.idAt(slot);
  }

  /**
   * Indexes a chunk. Returns the slots that are new or whose kept record changed (SPEC F2),
   * or null when the chunk is malformed (nothing of it is indexed, SPEC F4).
   */
  addChunk(bytes: Uint8Array): number[] | null {
    // Summaries go to a flat array first: nothing is indexed unless the whole chunk is valid.
    const found: number[] = [];
    let layout: ChunkLayout;
    try {
      layout = scanFactsChunk(bytes, (s) => found.push(s.offset, s.taken, s.importedAt, s.width, s.height, s.video ? 1 : 0, s.durationMs));
    } catch (err) {
      this.badChunks++;
      console.warn('catalog: skipped a malformed facts chunk', err);
      return null;
    }
    const c = this.chunks.push({ bytes, layout }) - 1;
    const changed: number[] = [];
    const s: FactsSummary = { offset: 0, taken: 0, importedAt: 0, width: 0, height: 0, video: false, durationMs: -1 };
    for (let i = 0; i < found.length; i += 7) {
      s.offset = found[i]!;
      s.taken = found[i + 1]!;
      s.importedAt = found[i + 2]!;
      s.width = found[i + 3]!;
      s.height = found[i + 4]!;
      s.video = found[i + 5] === 1;
      s.durationMs = found[i + 6]!;
      const slot = this.put(bytes, s.offset, c, s.offset, s);
      if (slot >= 0) changed.push(slot);
    }
    return changed;
  }

  /** Indexes one facts object (the v1 `assets` map). Returns the slot if new or changed, else -1. */
  addLoose(loose: AssetFacts): number {
    if (!parseHex(loose.hash, this.scratch)) return -1;
    // v1 objects lack the v2 fields; shown like a chunk's record (null), also after migrating.
    const facts = { ...loose, lens: loose.lens ?? null, thumbhash: loose.thumbhash ?? null };
    const l = this.loose.push(facts) - 1;
    let taken: number;
    try {
      taken = takenSeconds(facts.takenAt);
    } catch {
      return -1;
    }
    return this.put(this.scratch, 0, -1 - l, 0, {
      offset: 0, taken, importedAt: facts.importedAt, width: facts.width, height: facts.height,
      video: facts.kind === 'video', durationMs: facts.duration === null ? -1 : Math.round(facts.duration * 1000),
    });
  }

  private find(bytes: Uint8Array, at: number): number {
    const mask = this.table.length - 1;
    for (let b = bucketOf(bytes, at) & mask; ; b = (b + 1) & mask) {
      const entry = this.table[b]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      let same = true;
      for (let i = 0; i < 32; i++) {
        if (this.hashes[slot * 32 + i] !== bytes[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
    }
  }

  private put(hashBytes: Uint8Array, hashAt: number, chunk: number, offset: number, s: FactsSummary): number {
    const existing = this.find(hashBytes, hashAt);
    if (existing >= 0) {
      // Rare (the same photo imported twice): compare the whole records.
      const old = this.factsAt(existing);
      const candidate = chunk < 0 ? this.loose[-1 - chunk]! : readFactsRecord(this.chunks[chunk]!.bytes, this.chunks[chunk]!.layout, offset, s.taken, s.importedAt);
      if (preferFacts(old, candidate) === old) return -1;
      this.write(existing, chunk, offset, s);
      return existing;
    }
    if (this.size === this.taken.length) this.resize(this.size * 2);
    if ((this.size + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const slot = this.size++;
    for (let i = 0; i < 32; i++) this.hashes[slot * 32 + i] = hashBytes[hashAt + i]!;
    this.write(slot, chunk, offset, s);
    const mask = this.table.length - 1;
    let b = bucketOf(this.hashes, slot * 32) & mask;
    while (this.table[b] !== 0) b = (b + 1) & mask;
    this.table[b] = slot + 1;
    return slot;
  }

  private write(slot: number, chunk: number, offset: number, s: FactsSummary): void {
    this.chunkOf[slot] = chunk;
    this.offsetOf[slot] = offset;
    this.taken[slot] = s.taken;
    this.imported[slot] = s.importedAt;
    this.width[slot] = s.width;
    this.height[slot] = s.height;
    this.video[slot] = s.video ? 1 : 0;
    this.durationMs[slot] = s.durationMs;
  }

  private resize(capacity: number): void {
    this.taken = grow(this.taken, capacity);
    this.imported = grow(this.imported, capacity);
    this.width = grow(this.width, capacity);
    this.height = grow(this.height, capacity);
    this.video = grow(this.video, capacity);
    this.durationMs = grow(this.durationMs, capacity);
    this.chunkOf = grow(this.chunkOf, capacity);
    this.offsetOf = grow(this.offsetOf, capacity);
    this.hashes = grow(this.hashes, capacity * 32);
  }

  private rehash(tableSize: number): void {
    this.table = new Int32Array(tableSize);
    const mask = tableSize - 1;
    for (let slot = 0; slot < this.size; slot++) {
      let b = bucketOf(this.hashes, slot * 32) & mask;
      while (this.table[b] !== 0) b = (b + 1) & mask;
      this.table[b] = slot + 1;
    }
  }
}
