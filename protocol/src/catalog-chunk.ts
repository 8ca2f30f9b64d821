/**
 * Facts chunks, whatever their format: new chunks are written in format 2, format-1 chunks
 * (catalog schema v2) are still read and migrated forward on open (SPEC V4). A chunk packs
 * many assets' facts into one byte array, so a catalog of 1,000,000 assets is about 500 Yjs
 * items instead of a million.
 *
 *   const bytes = writeFactsChunk([facts1, facts2]);
 *   const back = readFactsChunk(bytes);   // throws CatalogDecodeError on malformed bytes
 */
import { FACTS_LIMITS, fail, type AssetFacts, type FactsSummary } from './catalog-facts.js';
import { FACTS_FORMAT_V1, readFactsRecordV1, scanFactsChunkV1, type ChunkLayoutV1 } from './catalog-chunk-v1.js';
import { FACTS_FORMAT_V2, readFactsRecordV2, scanFactsChunkV2, writeFactsChunkV2, type ChunkLayoutV2 } from './catalog-chunk-v2.js';

/** The format new chunks are written in. */
export const FACTS_FORMAT = FACTS_FORMAT_V2;

/** What a scan learnt about a chunk that its records need to be decoded one by one. */
export type ChunkLayout = ChunkLayoutV1 | ChunkLayoutV2;

/** The format byte of a chunk (its first varUint; both formats keep it below 128), or -1. */
export const factsChunkFormat = (bytes: Uint8Array): number => (bytes.length > 0 && bytes[0]! < 0x80 ? bytes[0]! : -1);

/** Records in a chunk, from its header (every format: varUint(format) • varUint(count)); 0 if unreadable. */
export const factsChunkCount = (chunk: unknown): number => {
  if (!(chunk instanceof Uint8Array) || chunk.length < 2) return 0;
  let v = 0;
  let shift = 0;
  for (let i = 1; i < Math.min(chunk.length, 5); i++) {
    v |= (chunk[i]! & 0x7f) << shift;
    shift += 7;
    if (chunk[i]! < 0x80) break;
  }
  // A header is untrusted: a record takes at least 34 bytes.
  return Math.min(v, FACTS_LIMITS.maxChunkAssets, Math.floor(chunk.length / 34));
};

/** Encodes facts into one chunk in the current format. Validates each with assertFacts. */
export const writeFactsChunk = (all: readonly AssetFacts[]): Uint8Array => writeFactsChunkV2(all);

/**
 * Walks a chunk, validating every record, and reports each one's summary (the same object,
 * reused) without allocating strings. Throws CatalogDecodeError on anything malformed.
 */
export const scanFactsChunk = (bytes: Uint8Array, visit: (s: FactsSummary) => void): ChunkLayout => {
  const format = factsChunkFormat(bytes);
  if (format === FACTS_FORMAT_V2) return scanFactsChunkV2(bytes, visit);
  if (format === FACTS_FORMAT_V1) return scanFactsChunkV1(bytes, visit);
  return fail('unknown chunk format');
};

/** Decodes the record at `offset` of a chunk that scanFactsChunk accepted; `taken` and `importedAt` from its summary. */
export const readFactsRecord = (bytes: Uint8Array, layout: ChunkLayout, offset: number, taken: number, importedAt: number): AssetFacts =>
  layout.format === FACTS_FORMAT_V2 ? readFactsRecordV2(bytes, layout, offset, taken, importedAt) : readFactsRecordV1(bytes, layout, offset, taken);

/** Decodes a whole chunk; throws CatalogDecodeError on anything malformed, never returns partial data. */
export const readFactsChunk = (bytes: Uint8Array): AssetFacts[] => {
  const at: number[] = [];
  const layout = scanFactsChunk(bytes, (s) => at.push(s.offset, s.taken, s.importedAt));
  const out: AssetFacts[] = [];
  for (let i = 0; i < at.length; i += 3) out.push(readFactsRecord(bytes, layout, at[i]!, at[i + 1]!, at[i + 2]!));
  return out;
};
