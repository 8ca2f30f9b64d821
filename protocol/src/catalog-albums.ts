/**
 * Albums and people in catalog v2: per-field mergeable user state that is not keyed by asset.
 * Album membership is an add-wins set with an order position per member; person names are a
 * multi-value register so concurrent renames are both kept (SPEC A*, P*).
 *
 *   const album = createAlbum(doc, 'Holiday', newId()); addToAlbum(doc, album, assetId)
 *   renamePerson(doc, person, 'Ada'); readPerson(doc, person)?.name
 */
import * as Y from 'yjs';
import type { AssetId } from './ids.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const checkId = (what: string, id: string): void => {
  if (!ID.test(id)) throw new RangeError(`${what} id must be 1–64 url-safe characters`);
};

const types = (doc: Y.Doc) => ({
  albums: doc.getMap<Y.Map<unknown>>('albums'),
  albumItems: doc.getMap<Y.Map<number>>('albumItems'),
  people: doc.getMap<Y.Map<unknown>>('people'),
  personMerges: doc.getMap<string>('personMerges'),
  faces: doc.getMap<string>('faces'),
});

export interface Album {
  readonly id: string;
  readonly name: string;
  readonly cover: AssetId | null;
  readonly createdAt: number;
  /** Members in album order (position, then id). */
  readonly assets: readonly AssetId[];
}

/**
 * Creates an album with its member map in one transaction, so only the creator ever creates
 * the nested types (two devices creating one nested Y.Map concurrently would lose one).
 */
export const createAlbum = (doc: Y.Doc, name: string, id: string, at = Date.now()): string => {
  checkId('album', id);
  const { albums, albumItems } = types(doc);
  if (albums.has(id)) throw new RangeError(`album ${id} exists`);
  doc.transact(() => {
    const meta = new Y.Map<unknown>();
    albums.set(id, meta);
    meta.set('name', name.slice(0, 256));
    meta.set('createdAt', at);
    albumItems.set(id, new Y.Map<number>());
  });
  return id;
};

const albumParts = (doc: Y.Doc, id: string) => {
  const { albums, albumItems } = types(doc);
  const meta = albums.get(id);
  const items = albumItems.get(id);
  if (!(meta instanceof Y.Map) || !(items instanceof Y.Map)) throw new RangeError(`no album ${id}`);
  return { meta, items };
};

export const renameAlbum = (doc: Y.Doc, id: string, name: string): void => {
  albumParts(doc, id).meta.set('name', name.slice(0, 256));
};

export const setAlbumCover = (doc: Y.Doc, id: string, cover: AssetId | null): void => {
  const { meta } = albumParts(doc, id);
  if (cover === null) meta.delete('cover');
  else meta.set('cover', cover);
};

/** Appends an asset (a re-add of a member keeps it where it is). Revives a deleted album (A2). */
export const addToAlbum = (doc: Y.Doc, id: string, asset: AssetId): void => {
  const { meta, items } = albumParts(doc, id);
  doc.transact(() => {
    if (meta.get('deleted') === true) meta.delete('deleted');
    if (items.has(asset)) return;
    let max = 0;
    for (const p of items.values()) if (p > max) max = p;
    items.set(asset, max + 1);
  });
};

/** Appends many assets in one transaction, in the given order (members already in it stay where they are). */
export const addAssetsToAlbum = (doc: Y.Doc, id: string, assets: Iterable<AssetId>): void => {
  const { meta, items } = albumParts(doc, id);
  doc.transact(() => {
    if (meta.get('deleted') === true) meta.delete('deleted');
    let max = 0;
    for (const p of items.values()) if (p > max) max = p;
    for (const asset of assets) if (!items.has(asset)) items.set(asset, ++max);
  });
};

export const removeFromAlbum = (doc: Y.Doc, id: string, asset: AssetId): void => {
  albumParts(doc, id).items.delete(asset);
};

/** Moves a member before another (or to the end when `before` is null); LWW per member (A4). */
export const moveInAlbum = (doc: Y.Doc, id: string, asset: AssetId, before: AssetId | null): void => {
  const { items } = albumParts(doc, id);
  if (!items.has(asset)) return;
  const order = albumOrder(items).filter((a) => a !== asset);
  const at = before === null ? order.length : order.indexOf(before);
  if (at < 0) return;
  const prev = at > 0 ? items.get(order[at - 1]!)! : (items.get(order[0]!) ?? 1) - 1;
  const next = at < order.length ? items.get(order[at]!)! : prev + 2;
  items.set(asset, (prev + next) / 2);
};

/**
 * Deletes an album: removes the members this device has seen and marks it deleted. A member
 * added concurrently elsewhere survives and brings the album back (SPEC A2).
 */
export const deleteAlbum = (doc: Y.Doc, id: string): void => {
  const { meta, items } = albumParts(doc, id);
  doc.transact(() => {
    for (const key of [...items.keys()]) items.delete(key);
    meta.set('deleted', true);
  });
};

const albumOrder = (items: Y.Map<number>): AssetId[] =>
  [...items.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k as AssetId);

/** A visible album: not deleted, or deleted but holding members added concurrently (A2). */
export const readAlbum = (doc: Y.Doc, id: string): Album | undefined => {
  const { albums, albumItems } = types(doc);
  const meta = albums.get(id);
  const items = albumItems.get(id);
  if (!(meta instanceof Y.Map) || !(items instanceof Y.Map)) return undefined;
  // An asset deleted permanently shows in no album, even one added to it concurrently (SPEC D2).
  const deleted = doc.getMap<number>('deleted');
  const assets = deleted.size === 0 ? albumOrder(items) : albumOrder(items).filter((a) => !deleted.has(a));
  if (meta.get('deleted') === true && assets.length === 0) return undefined;
  const name = meta.get('name');
  const createdAt = meta.get('createdAt');
  const cover = meta.get('cover');
  return {
    id,
    name: typeof name === 'string' ? name : '',
    createdAt: typeof createdAt === 'number' ? createdAt : 0,
    cover: typeof cover === 'string' && !deleted.has(cover) ? (cover as AssetId) : null,
    assets,
  };
};

export const listAlbums = (doc: Y.Doc): Album[] =>
  [...types(doc).albums.keys()].sort().flatMap((id) => readAlbum(doc, id) ?? []);

export interface Person {
  readonly id: string;
  /** The newest name; ties broken by writer. '' when unnamed. */
  readonly name: string;
  /** Every concurrently written name (SPEC P1), newest first; length > 1 means a conflict to show. */
  readonly names: readonly string[];
  readonly hidden: boolean;
  /** The person this one was merged into, after following merges (SPEC P2). */
  readonly mergedInto: string | null;
}

export const createPerson = (doc: Y.Doc, id: string): string => {
  checkId('person', id);
  const { people } = types(doc);
  if (people.has(id)) throw new RangeError(`person ${id} exists`);
  doc.transact(() => {
    const meta = new Y.Map<unknown>();
    people.set(id, meta);
    meta.set('names', new Y.Map<unknown>());
  });
  return id;
};

const personNames = (doc: Y.Doc, id: string) => {
  const meta = types(doc).people.get(id);
  const names = meta instanceof Y.Map ? meta.get('names') : undefined;
  if (!(meta instanceof Y.Map) || !(names instanceof Y.Map)) throw new RangeError(`no person ${id}`);
  return { meta, names: names as Y.Map<{ name: string; at: number }> };
};

/** Replaces every name this device has seen with its own entry; a concurrent rename survives (P1). */
export const renamePerson = (doc: Y.Doc, id: string, name: string, at = Date.now()): void => {
  const { names } = personNames(doc, id);
  doc.transact(() => {
    for (const key of [...names.keys()]) names.delete(key);
    names.set(String(doc.clientID), { name: name.slice(0, 256), at });
  });
};

export const setPersonHidden = (doc: Y.Doc, id: string, hidden: boolean): void => {
  personNames(doc, id).meta.set('hidden', hidden);
};

/** Merges `from` into `into`: faces of `from` show under `into` (P2). */
export const mergePeople = (doc: Y.Doc, from: string, into: string): void => {
  if (from === into) return;
  types(doc).personMerges.set(from, into);
};

/** Reassigns one face (`<asset id>#<n>`) to a person; last writer wins per face (P3). */
export const assignFace = (doc: Y.Doc, face: string, person: string): void => {
  types(doc).faces.set(face, person);
};

/**
 * Follows merges to the surviving person. A cycle made by concurrent merges (a→b here, b→a
 * there) resolves to the smallest id on the cycle, the same on every replica (P2).
 */
export const resolvePerson = (doc: Y.Doc, id: string): string => {
  const { personMerges } = types(doc);
  const path: string[] = [];
  let at = id;
  while (personMerges.has(at)) {
    if (path.includes(at)) {
      const cycle = path.slice(path.indexOf(at));
      return cycle.sort()[0]!;
    }
    path.push(at);
    at = personMerges.get(at)!;
  }
  return at;
};

export const readPerson = (doc: Y.Doc, id: string): Person | undefined => {
  const meta = types(doc).people.get(id);
  if (!(meta instanceof Y.Map)) return undefined;
  const names = meta.get('names');
  const entries = names instanceof Y.Map ? [...(names as Y.Map<{ name: string; at: number }>).entries()] : [];
  entries.sort((a, b) => b[1].at - a[1].at || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const target = resolvePerson(doc, id);
  return {
    id,
    name: entries[0]?.[1].name ?? '',
    names: entries.map(([, v]) => v.name),
    hidden: meta.get('hidden') === true,
    mergedInto: target === id ? null : target,
  };
};

export const listPeople = (doc: Y.Doc): Person[] => [...types(doc).people.keys()].sort().flatMap((id) => readPerson(doc, id) ?? []);

/** The person a face shows under, after merges; undefined when unassigned. */
export const personOfFace = (doc: Y.Doc, face: string): string | undefined => {
  const person = types(doc).faces.get(face);
  return person === undefined ? undefined : resolvePerson(doc, person);
};
