import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addAsset, addTag, catalogMaps, compactFacts, factsIndex, getAsset, initCatalog, listAssets, removeTag, restoreAsset,
  setDescription, setFavorite, setPlaceOverride, setRating, setTakenOverride, trashAsset, CATALOG_SCHEMA_VERSION,
  factsChunkFormat, writeFactsChunk, CHUNK_TARGET, FACTS_FORMAT, type AssetFacts,
} from './catalog.js';
import {
  addToAlbum, assignFace, createAlbum, createPerson, deleteAlbum, listAlbums, mergePeople, moveInAlbum, personOfFace,
  readAlbum, readPerson, removeFromAlbum, renameAlbum, renamePerson,
} from './catalog-albums.js';
import { createFactsGenerator, factsOf, replica, syncReplicas } from './catalog-builders.js';
import { writeFactsChunkV1 } from './catalog-chunk-v1.js';
import { assetIdOf, type AssetId } from './ids.js';

const doc = replica;
const sync = syncReplicas;
const id = (n: number): AssetId => assetIdOf(factsOf(n).hash);
const pair = (...n: number[]): [Y.Doc, Y.Doc] => {
  const a = doc(1);
  const b = doc(2);
  for (const i of n) addAsset(a, factsOf(i));
  sync(a, b);
  return [a, b];
};

describe('catalog SPEC: facts', () => {
  it('[F1] facts are written once; adding a known hash is a no-op', () => {
    const a = doc(1);
    expect(addAsset(a, factsOf(1))).toBe(true);
    expect(addAsset(a, factsOf(1, { name: 'other.jpg' }))).toBe(false);
    expect(getAsset(a, id(1))?.name).toBe('IMG_1.jpg');
    expect(catalogMaps(a).facts.length).toBe(1);
  });

  it('[F2] the same photo imported offline on two devices is one asset, the same record everywhere', () => {
    const a = doc(1);
    const b = doc(2);
    addAsset(a, factsOf(1, { name: 'b.jpg', importedAt: 20 }));
    addAsset(b, factsOf(1, { name: 'a.jpg', importedAt: 20 }));
    setFavorite(a, id(1), true);
    setRating(b, id(1), 4);
    sync(a, b);
    for (const d of [a, b]) {
      expect(listAssets(d)).toHaveLength(1);
      expect(getAsset(d, id(1))).toMatchObject({ name: 'a.jpg', favorite: true, rating: 4 });
    }
    const c = doc(3);
    addAsset(c, factsOf(1, { name: 'z.jpg', importedAt: 10 }));
    sync(a, b, c);
    for (const d of [a, b, c]) expect(getAsset(d, id(1))?.name).toBe('z.jpg');
  });

  it('[F3] compaction keeps every asset, also against a concurrent import and a concurrent compaction', () => {
    const [a, b] = pair();
    for (let i = 0; i < 100; i++) addAsset(a, factsOf(i));
    sync(a, b);
    expect(catalogMaps(a).facts.length).toBe(100);
    expect(compactFacts(a, 10)).toBe(true);
    expect(compactFacts(b, 10)).toBe(true);
    addAsset(b, factsOf(500));
    sync(a, b);
    for (const d of [a, b]) expect(listAssets(d)).toHaveLength(101);
    expect(compactFacts(a, 10)).toBe(true); // duplicates from the concurrent compactions
    sync(a, b);
    expect(catalogMaps(b).facts.length).toBe(1);
    expect(listAssets(b)).toHaveLength(101);
    expect(compactFacts(b, 10)).toBe(false);
    expect(CHUNK_TARGET).toBeGreaterThan(100);
  });

  it('[F4] a malformed chunk from a peer is skipped and counted, the rest stays readable', () => {
    const a = doc(1);
    addAsset(a, factsOf(1));
    const bytes = writeFactsChunk([factsOf(2)]);
    catalogMaps(a).facts.push([bytes.slice(0, 20), new Uint8Array([1, 200, 200, 200, 200, 1])]);
    addAsset(a, factsOf(3));
    expect(listAssets(a).map((x) => x.name).sort()).toEqual(['IMG_1.jpg', 'IMG_3.jpg']);
    expect(factsIndex(a).badChunks).toBe(2);
  });
});

describe('catalog SPEC: per-asset user state', () => {
  it('[S1] different fields and different assets merge independently', () => {
    const [a, b] = pair(1, 2);
    setFavorite(a, id(1), true);
    setDescription(b, id(1), 'beach');
    setRating(a, id(2), 3);
    trashAsset(b, id(2), 9);
    sync(a, b);
    for (const d of [a, b]) {
      expect(getAsset(d, id(1))).toMatchObject({ favorite: true, description: 'beach', rating: 0 });
      expect(getAsset(d, id(2))).toMatchObject({ rating: 3, trashedAt: 9 });
    }
  });

  it('[S2] concurrent writes of one field pick the same value everywhere; a later write replaces', () => {
    const [a, b] = pair(1);
    setRating(a, id(1), 2);
    setRating(b, id(1), 5);
    sync(a, b);
    expect(getAsset(a, id(1))?.rating).toBe(getAsset(b, id(1))?.rating);
    setRating(a, id(1), 1);
    sync(a, b);
    expect(getAsset(b, id(1))?.rating).toBe(1);
  });

  it('[S3] tags are add-wins: a concurrent remove does not drop an add', () => {
    const [a, b] = pair(1);
    addTag(a, id(1), 'sea');
    sync(a, b);
    removeTag(a, id(1), 'sea');
    addTag(b, id(1), 'sea');
    addTag(b, id(1), 'dog');
    sync(a, b);
    for (const d of [a, b]) expect(getAsset(d, id(1))?.tags).toEqual(['dog', 'sea']);
  });

  it('[S4] an asset edited on one device while trashed on another is trashed and keeps the edit', () => {
    const [a, b] = pair(1);
    const album = createAlbum(a, 'Trip', 'album1');
    sync(a, b);
    trashAsset(a, id(1), 100);
    setFavorite(b, id(1), true);
    setDescription(b, id(1), 'keep me');
    addTag(b, id(1), 'x');
    addToAlbum(b, album, id(1));
    sync(a, b);
    for (const d of [a, b]) expect(getAsset(d, id(1))).toMatchObject({ trashedAt: 100, favorite: true, description: 'keep me', tags: ['x'] });
    restoreAsset(a, id(1));
    sync(a, b);
    expect(getAsset(b, id(1))).toMatchObject({ trashedAt: null, favorite: true, description: 'keep me' });
    expect(readAlbum(b, album)?.assets).toEqual([id(1)]);
  });

  it('[S5] date and place overrides replace the facts as shown and clear back to them', () => {
    const [a, b] = pair(1);
    setTakenOverride(a, id(1), { takenAt: '1999-12-31T23:59:00', utcOffset: -300 });
    setPlaceOverride(b, id(1), { latitude: 1.5, longitude: 2.5 });
    sync(a, b);
    expect(getAsset(b, id(1))).toMatchObject({ takenAt: '1999-12-31T23:59:00', utcOffset: -300, latitude: 1.5, longitude: 2.5 });
    setTakenOverride(b, id(1), null);
    sync(a, b);
    expect(getAsset(a, id(1))?.takenAt).toBe(factsOf(1).takenAt);
  });
});

describe('catalog SPEC: albums', () => {
  it('[A1] concurrent adds from several devices are all kept', () => {
    const [a, b] = pair(1, 2, 3);
    const c = doc(3);
    createAlbum(a, 'Trip', 'al');
    sync(a, b, c);
    addToAlbum(a, 'al', id(1));
    addToAlbum(b, 'al', id(2));
    addToAlbum(c, 'al', id(3));
    sync(a, b, c);
    for (const d of [a, b, c]) expect(new Set(readAlbum(d, 'al')?.assets)).toEqual(new Set([id(1), id(2), id(3)]));
    expect(readAlbum(a, 'al')?.assets).toEqual(readAlbum(c, 'al')?.assets);
  });

  it('[A2] an album deleted while another device adds to it keeps the added photo, not the seen ones', () => {
    const [a, b] = pair(1, 2);
    createAlbum(a, 'Trip', 'al');
    addToAlbum(a, 'al', id(1));
    sync(a, b);
    deleteAlbum(a, 'al');
    addToAlbum(b, 'al', id(2));
    sync(a, b);
    for (const d of [a, b]) expect(readAlbum(d, 'al')).toMatchObject({ name: 'Trip', assets: [id(2)] });
    deleteAlbum(b, 'al');
    sync(a, b);
    expect(listAlbums(a)).toEqual([]);
  });

  it('[A3] membership is add-wins', () => {
    const [a, b] = pair(1);
    createAlbum(a, 'x', 'al');
    addToAlbum(a, 'al', id(1));
    sync(a, b);
    removeFromAlbum(a, 'al', id(1));
    moveInAlbum(b, 'al', id(1), null);
    addToAlbum(b, 'al', id(1));
    sync(a, b);
    expect(readAlbum(a, 'al')?.assets).toEqual([id(1)]);
  });

  it('[A4] order is by position then id, identical everywhere, moves are per member', () => {
    const [a, b] = pair(1, 2, 3, 4);
    createAlbum(a, 'x', 'al');
    sync(a, b);
    addToAlbum(a, 'al', id(1));
    addToAlbum(b, 'al', id(2)); // same position as id(1): tie by id
    sync(a, b);
    addToAlbum(a, 'al', id(3));
    moveInAlbum(a, 'al', id(3), id(1));
    moveInAlbum(b, 'al', id(1), null);
    sync(a, b);
    expect(readAlbum(a, 'al')?.assets).toEqual(readAlbum(b, 'al')?.assets);
    expect(readAlbum(a, 'al')?.assets).toEqual([id(3), id(2), id(1)]);
  });

  it('[A5] name and cover merge per field', () => {
    const [a, b] = pair(1);
    createAlbum(a, 'x', 'al');
    sync(a, b);
    renameAlbum(a, 'al', 'Summer');
    addToAlbum(b, 'al', id(1));
    sync(a, b);
    expect(readAlbum(b, 'al')).toMatchObject({ name: 'Summer', assets: [id(1)] });
    expect(() => createAlbum(b, 'y', 'al')).toThrow(/exists/);
  });
});

describe('catalog SPEC: people', () => {
  it('[P1] two devices renaming the same person keep both names, show the newest', () => {
    const [a, b] = pair();
    createPerson(a, 'p1');
    sync(a, b);
    renamePerson(a, 'p1', 'Ada', 100);
    renamePerson(b, 'p1', 'Ada Lovelace', 200);
    sync(a, b);
    for (const d of [a, b]) expect(readPerson(d, 'p1')).toMatchObject({ name: 'Ada Lovelace', names: ['Ada Lovelace', 'Ada'] });
    renamePerson(a, 'p1', 'Augusta', 50);
    sync(a, b);
    expect(readPerson(b, 'p1')?.names).toEqual(['Augusta']);
  });

  it('[P2] merges are followed; a concurrent cycle resolves to the smallest id', () => {
    const [a, b] = pair();
    for (const p of ['p1', 'p2', 'p3']) createPerson(a, p);
    sync(a, b);
    mergePeople(a, 'p1', 'p2');
    mergePeople(b, 'p2', 'p1');
    mergePeople(b, 'p3', 'p2');
    sync(a, b);
    for (const d of [a, b]) {
      expect(readPerson(d, 'p3')?.mergedInto).toBe('p1');
      expect(readPerson(d, 'p2')?.mergedInto).toBe('p1');
      expect(readPerson(d, 'p1')?.mergedInto).toBeNull();
    }
  });

  it('[P3] face reassignment is per face and resolves through merges', () => {
    const [a, b] = pair();
    createPerson(a, 'p1');
    createPerson(a, 'p2');
    sync(a, b);
    assignFace(a, `${id(1)}#0`, 'p1');
    assignFace(b, `${id(1)}#1`, 'p1');
    mergePeople(b, 'p1', 'p2');
    sync(a, b);
    expect(personOfFace(a, `${id(1)}#0`)).toBe('p2');
    expect(personOfFace(a, `${id(1)}#1`)).toBe('p2');
  });
});

describe('catalog SPEC: versions', () => {
  const v1 = (clientID: number, facts: AssetFacts[]): Y.Doc => {
    const d = doc(clientID);
    const assets = d.getMap<AssetFacts>('assets');
    d.getMap('meta').set('schemaVersion', 1);
    for (const f of facts) assets.set(f.hash, f);
    d.getMap('favorite').set(facts[0]!.hash, true);
    return d;
  };

  it('[V1] stamps the version and refuses a newer catalog', () => {
    const a = doc(1);
    initCatalog(a);
    expect(catalogMaps(a).meta.get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
    catalogMaps(a).meta.set('schemaVersion', CATALOG_SCHEMA_VERSION + 1);
    expect(() => initCatalog(a)).toThrow(/newer/);
  });

  it('[V2] a v1 catalog migrates forward, keeping user state; concurrent migrations converge', () => {
    const a = v1(1, [factsOf(1), factsOf(2)]);
    const b = doc(2);
    sync(a, b);
    expect(listAssets(a)).toHaveLength(2); // a v2 reader reads v1 before migrating
    expect(initCatalog(a)).toBe(2);
    expect(initCatalog(b)).toBe(2);
    expect(initCatalog(a)).toBe(0);
    sync(a, b);
    for (const d of [a, b]) {
      expect(catalogMaps(d).assets.size).toBe(0);
      expect(catalogMaps(d).meta.get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
      expect(listAssets(d).map((x) => [x.name, x.favorite]).sort()).toEqual([['IMG_1.jpg', true], ['IMG_2.jpg', false]]);
    }
  });

  it('[V3] a v1 device writing after the migration is read at once and migrated next open', () => {
    const old = v1(1, [factsOf(1)]);
    const fresh = doc(2);
    sync(old, fresh);
    initCatalog(fresh);
    sync(old, fresh);
    old.getMap<AssetFacts>('assets').set(factsOf(5).hash, factsOf(5));
    sync(old, fresh);
    expect(getAsset(fresh, id(5))?.name).toBe('IMG_5.jpg');
    expect(initCatalog(fresh)).toBe(1);
    expect(listAssets(fresh)).toHaveLength(2);
  });
  it('[V4] format-1 facts chunks (schema v2) are rewritten in the current format; concurrent migrations and late format-1 writers converge', () => {
    const gen = createFactsGenerator(4);
    const facts = Array.from({ length: 300 }, () => gen.next());
    const v2 = (clientID: number): Y.Doc => {
      const d = doc(clientID);
      d.getMap('meta').set('schemaVersion', 2);
      d.getArray<Uint8Array>('facts').push([writeFactsChunkV1(facts.slice(0, 200)), writeFactsChunkV1(facts.slice(200))]);
      d.getMap('favorite').set(facts[7]!.hash, true);
      return d;
    };
    const a = v2(1);
    const b = doc(2);
    const late = doc(3);
    sync(a, b, late);
    const before = listAssets(b).map((x) => JSON.stringify(x)).sort();
    expect(before).toHaveLength(300); // read before migrating
    const v1Bytes = Y.encodeStateAsUpdate(a).length;
    expect(initCatalog(a)).toBe(300);
    expect(initCatalog(b)).toBe(300);
    expect(initCatalog(a)).toBe(0);
    // A device still on schema v2 adds a format-1 chunk after the others migrated.
    late.getArray<Uint8Array>('facts').push([writeFactsChunkV1([factsOf(9001)])]);
    sync(a, b, late);
    for (const d of [a, b]) {
      expect(catalogMaps(d).meta.get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
      expect(getAsset(d, id(9001))?.name).toBe('IMG_9001.jpg');
      expect(initCatalog(d)).toBeGreaterThan(0);
    }
    sync(a, b, late);
    for (const d of [a, b]) {
      expect(initCatalog(d)).toBe(0);
      expect(catalogMaps(d).facts.toArray().every((c) => factsChunkFormat(c) === FACTS_FORMAT)).toBe(true);
      compactFacts(d, 0);
    }
    sync(a, b);
    const after = listAssets(a).map((x) => JSON.stringify(x));
    expect(after.filter((x) => !x.includes(id(9001))).sort()).toEqual(before);
    expect(listAssets(b).map((x) => JSON.stringify(x)).sort()).toEqual([...after].sort());
    expect(getAsset(b, facts[7]!.hash as string as AssetId)?.favorite).toBe(true);
    // Format 2 is smaller: rebuild a fresh doc from the migrated facts only.
    const fresh = doc(4);
    fresh.getArray<Uint8Array>('facts').push([writeFactsChunk(facts)]);
    expect(Y.encodeStateAsUpdate(fresh).length).toBeLessThan(v1Bytes * 0.85);
  });
});
