/**
 * The document of a shared album's room (`album:<id>`, SPEC SH*): name, cover, an add-wins set of
 * members with order positions, per member the immutable facts a recipient needs to draw and open
 * it (recipients cannot read the owner's catalog), and who added what. The owner's device mirrors
 * its catalog album into it; members with write access add their own photos.
 *
 *   mirrorAlbum(roomDoc, readAlbum(catalog, id)!, (a) => factsOf(a), ownerId, 'Ada')
 *   readSharedAlbum(roomDoc).members.map((m) => m.facts.hash)
 */
import type * as Y from 'yjs';
import { assertFacts, AssetKind, type AssetFacts } from './catalog-facts.js';
import { isBlobHash, type AssetId, type BlobHash, type UserId } from './ids.js';

/** Top-level shared types of an album room's Y.Doc (SH1). */
export const SharedAlbumKey = { meta: 'meta', members: 'members', facts: 'facts', addedBy: 'addedBy' } as const;

export interface SharedAlbumMember {
  readonly facts: AssetFacts;
  /** The user whose add put it there (SH5), with the time of that add (ms). */
  readonly addedBy: UserId | null;
  readonly addedAt: number;
}

export interface SharedAlbum {
  readonly name: string;
  readonly cover: BlobHash | null;
  readonly owner: UserId | null;
  readonly ownerName: string;
  /** Members in album order (position, then hash), with valid facts only (SH8). */
  readonly members: readonly SharedAlbumMember[];
}

export interface AddedBy {
  readonly user: string;
  readonly at: number;
}

const parts = (doc: Y.Doc) => ({
  meta: doc.getMap<unknown>(SharedAlbumKey.meta),
  members: doc.getMap<number>(SharedAlbumKey.members),
  facts: doc.getMap<unknown>(SharedAlbumKey.facts),
  addedBy: doc.getMap<AddedBy>(SharedAlbumKey.addedBy),
});

const FACT_KEYS = [
  'hash', 'kind', 'mime', 'name', 'size', 'width', 'height', 'orientation', 'takenAt', 'utcOffset', 'importedAt',
  'latitude', 'longitude', 'make', 'model', 'duration', 'lens', 'thumbhash',
] as const;

/** Only the known fields of facts (a catalog asset carries user state that must not leak into the room). */
const factsOnly = (facts: AssetFacts): AssetFacts => {
  const out: Record<string, unknown> = {};
  for (const key of FACT_KEYS) out[key] = facts[key] ?? null;
  return out as unknown as AssetFacts;
};

/**
 * Facts written by another user are untrusted: a plain object with the fact fields and valid
 * values (assertFacts), whose hash is the member's key; anything else reads as absent (SH8).
 */
export const readSharedFacts = (value: unknown, hash: string): AssetFacts | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const f = value as Record<string, unknown>;
  if (f.hash !== hash || !isBlobHash(hash)) return undefined;
  const strings = ['mime', 'name', 'takenAt'] as const;
  if (strings.some((k) => typeof f[k] !== 'string')) return undefined;
  const nullable = ['make', 'model', 'lens', 'thumbhash'] as const;
  if (nullable.some((k) => f[k] !== undefined && f[k] !== null && typeof f[k] !== 'string')) return undefined;
  const numbers = ['utcOffset', 'latitude', 'longitude', 'duration'] as const;
  if (numbers.some((k) => f[k] !== null && typeof f[k] !== 'number')) return undefined;
  const facts = factsOnly(f as unknown as AssetFacts);
  try {
    assertFacts(facts);
  } catch {
    return undefined;
  }
  return facts.kind === AssetKind.image || facts.kind === AssetKind.video ? facts : undefined;
};

/** Sets the album's name, cover and owner; writes only what changed (per-field LWW, SH6). */
export const setSharedAlbumInfo = (doc: Y.Doc, info: { name?: string; cover?: BlobHash | null; owner?: UserId; ownerName?: string }): void => {
  const { meta } = parts(doc);
  doc.transact(() => {
    if (info.name !== undefined && meta.get('name') !== info.name.slice(0, 256)) meta.set('name', info.name.slice(0, 256));
    if (info.owner !== undefined && meta.get('owner') !== info.owner) meta.set('owner', info.owner);
    if (info.ownerName !== undefined && meta.get('ownerName') !== info.ownerName.slice(0, 256)) meta.set('ownerName', info.ownerName.slice(0, 256));
    if (info.cover === null && meta.has('cover')) meta.delete('cover');
    else if (info.cover && meta.get('cover') !== info.cover) meta.set('cover', info.cover);
  });
};

/**
 * Adds photos (appended in the given order); a member already there keeps its place and adder.
 * Facts are written once per hash and never deleted, so a racing removal cannot strand a member
 * without facts (SH2, SH4). Returns the hashes that were new.
 */
export const addToSharedAlbum = (doc: Y.Doc, photos: readonly AssetFacts[], user: UserId, at = Date.now()): BlobHash[] => {
  const { members, facts, addedBy } = parts(doc);
  const added: BlobHash[] = [];
  doc.transact(() => {
    let max = 0;
    for (const p of members.values()) if (p > max) max = p;
    for (const photo of photos) {
      assertFacts(photo);
      if (members.has(photo.hash)) continue;
      if (!facts.has(photo.hash)) facts.set(photo.hash, factsOnly(photo));
      members.set(photo.hash, ++max);
      addedBy.set(photo.hash, { user, at });
      added.push(photo.hash);
    }
  });
  return added;
};

/** Removes members this device has seen; a concurrent add of the same photo wins (SH4). */
export const removeFromSharedAlbum = (doc: Y.Doc, hashes: readonly string[]): BlobHash[] => {
  const { members, addedBy } = parts(doc);
  const removed: BlobHash[] = [];
  doc.transact(() => {
    for (const hash of hashes) {
      if (!members.has(hash)) continue;
      members.delete(hash);
      addedBy.delete(hash);
      removed.push(hash as BlobHash);
    }
  });
  return removed;
};

export const readSharedAlbum = (doc: Y.Doc): SharedAlbum => {
  const { meta, members, facts, addedBy } = parts(doc);
  const ordered = [...members.entries()]
    .filter(([, p]) => typeof p === 'number' && Number.isFinite(p))
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const list: SharedAlbumMember[] = [];
  for (const [hash] of ordered) {
    const f = readSharedFacts(facts.get(hash), hash);
    if (!f) continue;
    const by = addedBy.get(hash);
    const valid = typeof by === 'object' && by !== null && typeof by.user === 'string' && typeof by.at === 'number';
    list.push({ facts: f, addedBy: valid ? (by.user as UserId) : null, addedAt: valid ? by.at : 0 });
  }
  const name = meta.get('name');
  const cover = meta.get('cover');
  const owner = meta.get('owner');
  const ownerName = meta.get('ownerName');
  return {
    name: typeof name === 'string' ? name : '',
    cover: isBlobHash(cover) ? cover : null,
    owner: typeof owner === 'string' ? (owner as UserId) : null,
    ownerName: typeof ownerName === 'string' ? ownerName : '',
    members: list,
  };
};

export interface MirrorSource {
  readonly name: string;
  readonly cover: AssetId | null;
  readonly assets: readonly AssetId[];
}

/**
 * The owner's device makes the room follow its catalog album (SH6): name and cover, its members
 * added (with their facts), and the members the owner added that left the catalog album removed.
 * Members other users added stay. One transaction; returns what was added and removed so the
 * caller can register and unregister blobs.
 */
export const mirrorAlbum = (
  doc: Y.Doc, album: MirrorSource, factsOf: (id: AssetId) => AssetFacts | undefined, owner: UserId, ownerName: string, at = Date.now(),
): { added: BlobHash[]; removed: BlobHash[] } => {
  const { members, addedBy } = parts(doc);
  let added: BlobHash[] = [];
  let removed: BlobHash[] = [];
  doc.transact(() => {
    setSharedAlbumInfo(doc, { name: album.name, cover: album.cover === null ? null : (album.cover as string as BlobHash), owner, ownerName });
    const keep = new Set<string>(album.assets);
    const gone = [...members.keys()].filter((hash) => !keep.has(hash) && addedBy.get(hash)?.user === owner);
    removed = removeFromSharedAlbum(doc, gone);
    const missing = album.assets.filter((id) => !members.has(id)).flatMap((id) => factsOf(id) ?? []);
    added = addToSharedAlbum(doc, missing, owner, at);
  });
  return { added, removed };
};
