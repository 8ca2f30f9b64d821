/**
 * Catalog schema v1: what each Yjs shared type of a `catalog:<user>` room holds, and the
 * only functions that read or write it, so client and servers agree on one layout.
 *
 *   addAsset(doc, facts); setFavorite(doc, id, true); trashAsset(doc, id, Date.now())
 *   for (const asset of listAssets(doc)) …   // facts + favorite + trashedAt
 */
import type * as Y from 'yjs';
import type { AssetId, BlobHash } from './ids.js';

export const CATALOG_SCHEMA_VERSION = 1;

/** Names of the top-level shared types; documented in PROTOCOL.md § Catalog schema. */
export const CatalogKey = {
  meta: 'meta',
  assets: 'assets',
  favorite: 'favorite',
  trashed: 'trashed',
} as const;

export const AssetKind = { image: 'image', video: 'video' } as const;
export type AssetKind = (typeof AssetKind)[keyof typeof AssetKind];

/**
 * Immutable content facts of an original. Written once under the asset id (= blob hash);
 * two devices importing the same file write equal facts under the same key.
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
  /** Seconds, videos only. */
  readonly duration: number | null;
}

/** An asset as the app shows it: facts plus the mutable user state. */
export interface CatalogAsset extends AssetFacts {
  readonly id: AssetId;
  readonly favorite: boolean;
  readonly trashedAt: number | null;
}

export const catalogMaps = (doc: Y.Doc) => ({
  meta: doc.getMap<unknown>(CatalogKey.meta),
  assets: doc.getMap<AssetFacts>(CatalogKey.assets),
  favorite: doc.getMap<boolean>(CatalogKey.favorite),
  trashed: doc.getMap<number>(CatalogKey.trashed),
});

/** Stamps the schema version on a new catalog; a catalog from a newer schema is refused. */
export const initCatalog = (doc: Y.Doc): void => {
  const { meta } = catalogMaps(doc);
  const version = meta.get('schemaVersion');
  if (typeof version === 'number' && version > CATALOG_SCHEMA_VERSION) {
    throw new Error(`catalog schema ${version} is newer than this app's ${CATALOG_SCHEMA_VERSION}; update the app`);
  }
  if (version !== CATALOG_SCHEMA_VERSION) meta.set('schemaVersion', CATALOG_SCHEMA_VERSION);
};

/** Adds an asset unless one with the same hash exists. Returns false for a duplicate. */
export const addAsset = (doc: Y.Doc, facts: AssetFacts): boolean => {
  const { assets } = catalogMaps(doc);
  if (assets.has(facts.hash)) return false;
  assets.set(facts.hash, facts);
  return true;
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

export const getAsset = (doc: Y.Doc, id: AssetId): CatalogAsset | undefined => {
  const { assets, favorite, trashed } = catalogMaps(doc);
  const facts = assets.get(id);
  if (!facts) return undefined;
  return { ...facts, id, favorite: favorite.get(id) === true, trashedAt: trashed.get(id) ?? null };
};

export const listAssets = (doc: Y.Doc): CatalogAsset[] => {
  const { assets, favorite, trashed } = catalogMaps(doc);
  const out: CatalogAsset[] = [];
  for (const [id, facts] of assets) {
    out.push({ ...facts, id: id as AssetId, favorite: favorite.get(id) === true, trashedAt: trashed.get(id) ?? null });
  }
  return out;
};

/** Newest first, by the time taken, then by hash so every device orders ties alike. */
export const compareTakenDesc = (a: AssetFacts, b: AssetFacts): number =>
  a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;

/** The day bucket of an asset, `YYYY-MM-DD` of its local time taken. */
export const dayOf = (facts: AssetFacts): string => facts.takenAt.slice(0, 10);
