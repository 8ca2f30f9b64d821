/**
 * Catalog schema v3: what each Yjs shared type of a `catalog:<user>` room holds, and the only
 * functions that read or write assets, so client and servers agree on one layout. Facts are
 * immutable and packed into binary chunks (catalog-facts.ts); user state merges per field and
 * per set element (catalog-state.ts). Rules: ../SPEC.md. Layout: ../PROTOCOL.md § 4.
 *
 *   initCatalog(doc); addAsset(doc, facts); setFavorite(doc, id, true)
 *   for (const asset of listAssets(doc)) …   // effective facts + user state
 */
import type * as Y from 'yjs';
import { FACTS_FORMAT, factsChunkCount, factsChunkFormat, readFactsChunk, writeFactsChunk } from './catalog-chunk.js';
import type { AssetFacts } from './catalog-facts.js';
import { FactsIndex } from './catalog-index.js';
import { EXTRACTED_KEY, applyExtracted, extractedIndex, readExtractedChunk } from './catalog-extracted.js';
import { assetIdOf, type AssetId } from './ids.js';
import { EDITS_KEY, readEdits, type AssetEdits } from './catalog-edits.js';
import { TAG_RENAMES_KEY, createTagResolver } from './catalog-tag-path.js';

export * from './catalog-facts.js';
export * from './catalog-chunk.js';
export * from './catalog-index.js';
export * from './catalog-extracted.js';
export * from './catalog-edits.js';
export * from './catalog-tag-path.js';

/** v1: facts in `assets`; v2: facts chunks of format 1; v3: facts chunks of format 2. */
export const CATALOG_SCHEMA_VERSION = 3;

/** Names of the top-level shared types; documented in PROTOCOL.md § 4. */
export const CatalogKey = {
  meta: 'meta',
  /** v2: Y.Array of facts chunks (Uint8Array). */
  facts: 'facts',
  /** v1: Y.Map asset id → AssetFacts; read for compatibility, migrated into `facts`. */
  assets: 'assets',
  favorite: 'favorite',
  trashed: 'trashed',
  archived: 'archived',
  rating: 'rating',
  description: 'description',
  tags: 'tags',
  takenOverride: 'takenOverride',
  placeOverride: 'placeOverride',
  stacks: 'stacks',
  /** Stack id → primary asset id (SPEC ST2). */
  stackPrimary: 'stackPrimary',
  /** Asset id → time deleted permanently: a tombstone that hides the asset everywhere (SPEC D1). */
  deleted: 'deleted',
  /** `<asset id>/<rotate|mirror|crop>` → value (SPEC E1). */
  edits: EDITS_KEY,
  /** Old tag path → new tag path (SPEC T2). */
  tagRenames: TAG_RENAMES_KEY,
  albums: 'albums',
  albumItems: 'albumItems',
  people: 'people',
  personMerges: 'personMerges',
  faces: 'faces',
} as const;

/** Per-asset user-state maps, keyed by asset id (tags: `<asset id>/<tag>`). */
const ASSET_KEYED = ['favorite', 'trashed', 'archived', 'rating', 'description', 'takenOverride', 'placeOverride', 'stacks', 'deleted', 'assets'] as const;

export interface TakenOverride { readonly takenAt: string; readonly utcOffset: number | null }
export interface PlaceOverride { readonly latitude: number; readonly longitude: number }

/** An asset as the app shows it: facts (with date and place overrides applied) plus user state. */
export interface CatalogAsset extends AssetFacts {
  readonly id: AssetId;
  readonly favorite: boolean;
  readonly trashedAt: number | null;
  readonly archived: boolean;
  /** 0 = unrated, else 1–5. */
  readonly rating: number;
  readonly description: string;
  /** Sorted. */
  readonly tags: readonly string[];
  readonly stack: string | null;
  /** Rotation, mirror and crop (SPEC E1); the original is unchanged. */
  readonly edits?: AssetEdits;
}

export const catalogMaps = (doc: Y.Doc) => ({
  meta: doc.getMap<unknown>(CatalogKey.meta),
  facts: doc.getArray<Uint8Array>(CatalogKey.facts),
  assets: doc.getMap<AssetFacts>(CatalogKey.assets),
  favorite: doc.getMap<boolean>(CatalogKey.favorite),
  trashed: doc.getMap<number>(CatalogKey.trashed),
  archived: doc.getMap<boolean>(CatalogKey.archived),
  rating: doc.getMap<number>(CatalogKey.rating),
  description: doc.getMap<string>(CatalogKey.description),
  tags: doc.getMap<true>(CatalogKey.tags),
  takenOverride: doc.getMap<TakenOverride>(CatalogKey.takenOverride),
  placeOverride: doc.getMap<PlaceOverride>(CatalogKey.placeOverride),
  stacks: doc.getMap<string>(CatalogKey.stacks),
  stackPrimary: doc.getMap<string>(CatalogKey.stackPrimary),
  deleted: doc.getMap<number>(CatalogKey.deleted),
  edits: doc.getMap<unknown>(CatalogKey.edits),
  tagRenames: doc.getMap<string>(CatalogKey.tagRenames),
});

/**
 * The facts index of one doc, kept in step with the `facts` chunks and the v1 `assets` map by
 * observers, incrementally and monotonically (an asset once known is never forgotten).
 * A malformed chunk from a peer is skipped and counted, never thrown out of an observer.
 */
/** What a transaction added to a facts index: new slots `from`–`to` (exclusive), and existing slots whose kept record changed (F2). */
export interface FactsAdded {
  readonly from: number;
  readonly to: number;
  readonly changed: readonly number[];
}

export class DocFactsIndex extends FactsIndex {
  private readonly added = new WeakMap<Y.Transaction, { from: number; changed: number[] }>();

  constructor(doc: Y.Doc) {
    super();
    const { facts, assets } = catalogMaps(doc);
    let count = 0;
    for (const chunk of facts) count += factsChunkCount(chunk);
    this.reserve(count);
    for (const chunk of facts) this.addAny(chunk, null);
    for (const f of assets.values()) this.addAny(f, null);
    // Facts are add-only (SPEC F1, I4): deletions — compaction, migration — are never applied
    // to the index. A peer's update may delete the old chunks while the rewritten one is still
    // pending on a missing dependency; forgetting then would drop assets for a while.
    facts.observe((event) => {
      const t = this.touched(event.transaction);
      const chunks: unknown[] = [];
      for (const item of event.changes.added) for (const chunk of item.content.getContent() as unknown[]) chunks.push(chunk);
      // A cold load or a first sync arrives as one transaction: size the columns once.
      let adding = 0;
      for (const chunk of chunks) adding += factsChunkCount(chunk);
      this.reserve(this.size + adding);
      for (const chunk of chunks) this.addAny(chunk, t);
    });
    assets.observe((event) => {
      const t = this.touched(event.transaction);
      for (const key of event.keysChanged) {
        const f = assets.get(key);
        if (f) this.addAny(f, t);
      }
    });
  }

  /** Slots whose facts appeared or changed in a transaction (numbers, not ids: a cold load adds a million). */
  addedIn(tr: Y.Transaction): FactsAdded | undefined {
    const t = this.added.get(tr);
    return t && { from: t.from, to: this.size, changed: t.changed };
  }

  private touched(tr: Y.Transaction): { from: number; changed: number[] } {
    let t = this.added.get(tr);
    if (!t) this.added.set(tr, (t = { from: this.size, changed: [] }));
    return t;
  }

  private addAny(value: unknown, t: { from: number; changed: number[] } | null): void {
    if (value instanceof Uint8Array) {
      const slots = this.addChunk(value);
      // New slots are the range from t.from on; only re-chosen existing ones are listed.
      if (t && slots) for (const slot of slots) if (slot < t.from) t.changed.push(slot);
      return;
    }
    if (value === null || typeof value !== 'object' || !('hash' in value)) {
      this.badChunks++;
      return;
    }
    const slot = this.addLoose(value as AssetFacts);
    if (t && slot >= 0 && slot < t.from) t.changed.push(slot);
  }
}

const indexes = new WeakMap<Y.Doc, DocFactsIndex>();
/** The doc's facts index, created (and the doc observed) on first use. */
export const factsIndex = (doc: Y.Doc): DocFactsIndex => {
  let index = indexes.get(doc);
  if (!index) indexes.set(doc, (index = new DocFactsIndex(doc)));
  return index;
};

/**
 * Stamps the schema version and migrates forward (SPEC V1–V4): v1 `assets` entries move into
 * facts chunks; facts chunks of an older format (schema v2 wrote format 1) are rewritten in the
 * current one. Idempotent, and safe when two devices migrate the same catalog concurrently.
 * A catalog from a newer schema is refused. Returns the number of assets migrated.
 */
export const initCatalog = (doc: Y.Doc): number => {
  const { meta, assets, facts } = catalogMaps(doc);
  const version = meta.get('schemaVersion');
  if (typeof version === 'number' && version > CATALOG_SCHEMA_VERSION) {
    throw new Error(`catalog schema ${version} is newer than this app's ${CATALOG_SCHEMA_VERSION}; update the app`);
  }
  let migrated = 0;
  doc.transact(() => {
    const legacy: AssetFacts[] = [...assets.values()].map((f) => ({ ...f }));
    migrateChunks(facts, legacy);
    if (legacy.length > 0) {
      for (let i = 0; i < legacy.length; i += CHUNK_TARGET) facts.push([writeFactsChunk(legacy.slice(i, i + CHUNK_TARGET))]);
      assets.clear();
    }
    migrated = legacy.length;
    if (version !== CATALOG_SCHEMA_VERSION) meta.set('schemaVersion', CATALOG_SCHEMA_VERSION);
  });
  return migrated;
};

/**
 * Deletes the readable chunks of an older format, appending their facts to `into` (SPEC V4).
 * A chunk that does not decode stays as it is (F4).
 */
const migrateChunks = (facts: Y.Array<Uint8Array>, into: AssetFacts[]): void => {
  const chunks = facts.toArray();
  for (let i = chunks.length - 1; i >= 0; i--) {
    const chunk = chunks[i]!;
    if (!(chunk instanceof Uint8Array) || factsChunkFormat(chunk) === FACTS_FORMAT) continue;
    let old: AssetFacts[];
    try {
      old = readFactsChunk(chunk);
    } catch {
      continue;
    }
    for (const f of old) into.push(f);
    facts.delete(i, 1);
  }
};

/** Assets per chunk written by compaction and bulk imports. */
export const CHUNK_TARGET = 2048;

/** Adds the assets whose hash is new as one chunk (SPEC F1, F2). Returns the ids added. */
export const addAssets = (doc: Y.Doc, all: readonly AssetFacts[]): AssetId[] => {
  const index = factsIndex(doc);
  const seen = new Set<string>();
  const fresh = all.filter((f) => !index.has(f.hash) && !seen.has(f.hash) && seen.add(f.hash));
  if (fresh.length === 0) return [];
  const { facts } = catalogMaps(doc);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < fresh.length; i += CHUNK_TARGET) chunks.push(writeFactsChunk(fresh.slice(i, i + CHUNK_TARGET)));
  facts.push(chunks);
  return fresh.map((f) => f.hash as string as AssetId);
};

/** Adds an asset unless one with the same hash exists. Returns false for a duplicate. */
export const addAsset = (doc: Y.Doc, facts: AssetFacts): boolean => addAssets(doc, [facts]).length === 1;

/**
 * Rewrites the facts chunks into full chunks of CHUNK_TARGET, dropping duplicates (SPEC F3),
 * when more than `maxSmall` chunks are below half the target. Returns whether it compacted.
 */
export const compactFacts = (doc: Y.Doc, maxSmall = 64): boolean => {
  const { facts } = catalogMaps(doc);
  let small = 0;
  for (const chunk of facts) if (factsChunkCount(chunk) < CHUNK_TARGET / 2) small++;
  const index = factsIndex(doc);
  const duplicates = factsCount(doc) > index.size;
  if (small <= maxSmall && !duplicates) return false;
  const all = Array.from({ length: index.size }, (_, slot) => index.factsAt(slot)).sort((a, b) => (a.takenAt < b.takenAt ? -1 : a.takenAt > b.takenAt ? 1 : a.hash < b.hash ? -1 : 1));
  doc.transact(() => {
    facts.delete(0, facts.length);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < all.length; i += CHUNK_TARGET) chunks.push(writeFactsChunk(all.slice(i, i + CHUNK_TARGET)));
    facts.push(chunks);
  });
  return true;
};

/** Facts records stored, duplicates included (a cheap header read per chunk). */
const factsCount = (doc: Y.Doc): number => {
  let n = 0;
  for (const chunk of catalogMaps(doc).facts) n += factsChunkCount(chunk);
  return n;
};

export const setFavorite = (doc: Y.Doc, id: AssetId, favorite: boolean): void => {
  const { favorite: map } = catalogMaps(doc);
  if (favorite) map.set(id, true);
  else map.delete(id);
};

export const trashAsset = (doc: Y.Doc, id: AssetId, at: number): void => {
  catalogMaps(doc).trashed.set(id, at);
};

export const restoreAsset = (doc: Y.Doc, id: AssetId): void => {
  catalogMaps(doc).trashed.delete(id);
};

export const setArchived = (doc: Y.Doc, id: AssetId, archived: boolean): void => {
  const { archived: map } = catalogMaps(doc);
  if (archived) map.set(id, true);
  else map.delete(id);
};

export const setRating = (doc: Y.Doc, id: AssetId, rating: number): void => {
  if (!Number.isInteger(rating) || rating < 0 || rating > 5) throw new RangeError('rating is 0–5');
  const { rating: map } = catalogMaps(doc);
  if (rating === 0) map.delete(id);
  else map.set(id, rating);
};

export const setDescription = (doc: Y.Doc, id: AssetId, text: string): void => {
  const { description } = catalogMaps(doc);
  if (text === '') description.delete(id);
  else description.set(id, text.slice(0, 4096));
};

export const tagKey = (id: AssetId, tag: string): string => `${id}/${tag}`;
/** Tags are an add-wins set per asset (SPEC S3): a concurrent add survives a remove. */
export const addTag = (doc: Y.Doc, id: AssetId, tag: string): void => {
  if (tag === '' || tag.length > 256) throw new RangeError('a tag is 1–256 characters');
  catalogMaps(doc).tags.set(tagKey(id, tag), true);
};
export const removeTag = (doc: Y.Doc, id: AssetId, tag: string): void => {
  catalogMaps(doc).tags.delete(tagKey(id, tag));
};

export const setTakenOverride = (doc: Y.Doc, id: AssetId, value: TakenOverride | null): void => {
  const { takenOverride } = catalogMaps(doc);
  if (value === null) takenOverride.delete(id);
  else takenOverride.set(id, { takenAt: value.takenAt, utcOffset: value.utcOffset });
};

export const setPlaceOverride = (doc: Y.Doc, id: AssetId, value: PlaceOverride | null): void => {
  const { placeOverride } = catalogMaps(doc);
  if (value === null) placeOverride.delete(id);
  else placeOverride.set(id, { latitude: value.latitude, longitude: value.longitude });
};

/** Puts an asset in a stack (null takes it out); last writer wins per asset. */
export const setStack = (doc: Y.Doc, id: AssetId, stack: string | null): void => {
  const { stacks } = catalogMaps(doc);
  if (stack === null) stacks.delete(id);
  else stacks.set(id, stack);
};

/** Tags of every asset, read in one pass over the tag map, renames followed (SPEC T2). */
export const tagsByAsset = (doc: Y.Doc): Map<string, string[]> => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const out = new Map<string, string[]>();
  for (const key of m.tags.keys()) {
    const cut = key.indexOf('/');
    const id = key.slice(0, cut);
    const tag = resolve(key.slice(cut + 1));
    const list = out.get(id);
    if (list) list.push(tag);
    else out.set(id, [tag]);
  }
  for (const [id, list] of out) out.set(id, [...new Set(list)].sort());
  return out;
};

const tagsOf = (doc: Y.Doc, id: AssetId): string[] => {
  const m = catalogMaps(doc);
  const resolve = createTagResolver(m.tagRenames);
  const prefix = `${id}/`;
  const out = new Set<string>();
  for (const key of m.tags.keys()) if (key.startsWith(prefix)) out.add(resolve(key.slice(prefix.length)));
  return [...out].sort();
};

/** A peer's rating outside 1–5 reads as none set (SPEC R1). */
const validRating = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : undefined);

const compose = (doc: Y.Doc, id: AssetId, facts: AssetFacts, tags: readonly string[]): CatalogAsset => {
  const m = catalogMaps(doc);
  const taken = m.takenOverride.get(id);
  const place = m.placeOverride.get(id);
  const extracted = extractedIndex(doc).records.get(id);
  return {
    ...applyExtracted(facts, extracted),
    ...(taken ? { takenAt: taken.takenAt, utcOffset: taken.utcOffset } : null),
    ...(place ? { latitude: place.latitude, longitude: place.longitude } : null),
    id,
    favorite: m.favorite.get(id) === true,
    trashedAt: m.trashed.get(id) ?? null,
    archived: m.archived.get(id) === true,
    rating: validRating(m.rating.get(id)) ?? (extracted?.rating !== undefined && extracted.rating > 0 ? extracted.rating : 0),
    description: m.description.get(id) ?? '',
    tags,
    stack: m.stacks.get(id) ?? null,
    edits: readEdits(doc, id),
  };
};

/** Whether the asset was deleted permanently (SPEC D1): it shows nowhere. */
export const isDeleted = (doc: Y.Doc, id: string): boolean => catalogMaps(doc).deleted.has(id);

export const getAsset = (doc: Y.Doc, id: AssetId): CatalogAsset | undefined => {
  const facts = factsIndex(doc).get(id);
  if (facts && isDeleted(doc, id)) return undefined;
  return facts && compose(doc, id, facts, catalogMaps(doc).tags.size === 0 ? [] : tagsOf(doc, id));
};

export const listAssets = (doc: Y.Doc): CatalogAsset[] => {
  const tags = tagsByAsset(doc);
  const out: CatalogAsset[] = [];
  const index = factsIndex(doc);
  const { deleted } = catalogMaps(doc);
  for (let slot = 0; slot < index.size; slot++) {
    const id = index.idAt(slot);
    if (deleted.size > 0 && deleted.has(id)) continue;
    out.push(compose(doc, id, index.factsAt(slot), tags.get(id) ?? []));
  }
  return out;
};

/** Above this many new assets in one transaction (a cold load, a first sync) observers get a count, not ids. */
export const BULK_ADDED = 10_000;

/**
 * Calls back once per transaction with the asset ids whose facts or user state it touched
 * (the timeline's incremental feed). Album and people changes are not asset changes. A
 * transaction that adds more than BULK_ADDED assets reports them as `bulkAdded` (their slots
 * are the facts index's newest) instead of building a million id strings.
 */
export const observeAssets = (doc: Y.Doc, onChange: (ids: Set<AssetId>, bulkAdded: number) => void): (() => void) => {
  const index = factsIndex(doc);
  const maps = catalogMaps(doc);
  const keyed = new Set<object>(ASSET_KEYED.map((k) => maps[k]));
  // Extracted metadata (SPEC X1) changes what an asset shows: its chunks' hashes count as touched.
  const extracted = doc.getArray<unknown>(EXTRACTED_KEY);
  const touchedByExtracted = new WeakMap<Y.Transaction, AssetId[]>();
  const onExtracted = (event: Y.YArrayEvent<unknown>): void => {
    const ids: AssetId[] = [];
    for (const item of event.changes.added) for (const chunk of item.content.getContent() as unknown[]) {
      try {
        if (chunk instanceof Uint8Array) for (const r of readExtractedChunk(chunk)) ids.push(assetIdOf(r.hash));
      } catch { /* a malformed chunk is skipped (X5) */ }
    }
    touchedByExtracted.set(event.transaction, ids);
  };
  extracted.observe(onExtracted);
  const onAfter = (tr: Y.Transaction): void => {
    const ids = new Set<AssetId>(touchedByExtracted.get(tr));
    let bulk = 0;
    const added = index.addedIn(tr);
    if (added) {
      for (const slot of added.changed) ids.add(index.idAt(slot));
      if (added.to - added.from > BULK_ADDED) bulk = added.to - added.from;
      else for (let slot = added.from; slot < added.to; slot++) ids.add(index.idAt(slot));
    }
    for (const [type, keys] of tr.changed) {
      if (keyed.has(type)) for (const key of keys) if (key !== null) ids.add(key as AssetId);
      if ((type as unknown) === maps.tags || (type as unknown) === maps.edits) for (const key of keys) if (key !== null) ids.add(key.slice(0, key.indexOf('/')) as AssetId);
    }
    if (ids.size > 0 || bulk > 0) onChange(ids, bulk);
  };
  doc.on('afterTransaction', onAfter);
  return () => {
    doc.off('afterTransaction', onAfter);
    extracted.unobserve(onExtracted);
  };
};

/** Newest first, by the time taken, then by hash so every device orders ties alike. */
export const compareTakenDesc = (a: AssetFacts, b: AssetFacts): number =>
  a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;

/** The day bucket of an asset, `YYYY-MM-DD` of its local time taken. */
export const dayOf = (facts: AssetFacts): string => facts.takenAt.slice(0, 10);
