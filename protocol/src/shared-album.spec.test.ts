import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { factsOf, replica, syncReplicas } from './catalog-builders.js';
import { assetIdOf, type AssetId, type UserId } from './ids.js';
import {
  addToSharedAlbum, mirrorAlbum, readSharedAlbum, readSharedFacts, removeFromSharedAlbum, setSharedAlbumInfo, SharedAlbumKey,
} from './shared-album.js';

const owner = 'u-owner' as UserId;
const kid = 'u-kid' as UserId;
const gran = 'u-gran' as UserId;

const doc = replica;
const sync = syncReplicas;
const id = (n: number): AssetId => assetIdOf(factsOf(n).hash);
const hashes = (d: Y.Doc): string[] => readSharedAlbum(d).members.map((m) => m.facts.hash);
const catalogFacts = (id: AssetId) => [1, 2, 3, 4, 5, 6].map((n) => factsOf(n)).find((f) => f.hash === (id as string));

describe('shared album SPEC', () => {
  it('[SH1] a room doc carries name, cover, owner and members with the facts to draw them', () => {
    const room = doc(1);
    mirrorAlbum(room, { name: 'Summer', cover: id(2), assets: [id(1), id(2)] }, catalogFacts, owner, 'Olga');
    const read = readSharedAlbum(room);
    expect(read).toMatchObject({ name: 'Summer', cover: factsOf(2).hash, owner, ownerName: 'Olga' });
    expect(read.members.map((m) => m.facts)).toEqual([factsOf(1), factsOf(2)].map((f) => ({ ...f, lens: f.lens ?? null, thumbhash: f.thumbhash ?? null })));
    expect([...room.share.keys()].sort()).toEqual(Object.values(SharedAlbumKey).sort());
  });

  it('[SH2] the same photo added by two users offline is one member (keyed by hash)', () => {
    const [a, b] = [doc(1), doc(2)];
    addToSharedAlbum(a, [factsOf(1)], owner, 10);
    addToSharedAlbum(b, [factsOf(1), factsOf(2)], kid, 20);
    sync(a, b);
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(a).filter((h) => h === factsOf(1).hash)).toHaveLength(1);
    expect(hashes(a)).toHaveLength(2);
  });

  it('[SH3] concurrent offline adds by two contributors are all kept, ordered identically', () => {
    const [a, b, c] = [doc(1), doc(2), doc(3)];
    addToSharedAlbum(a, [factsOf(1)], owner);
    sync(a, b, c);
    addToSharedAlbum(b, [factsOf(2), factsOf(3)], kid);
    addToSharedAlbum(c, [factsOf(4)], gran);
    sync(a, b, c);
    expect(new Set(hashes(a))).toEqual(new Set([1, 2, 3, 4].map((n) => factsOf(n).hash)));
    expect(hashes(b)).toEqual(hashes(a));
    expect(hashes(c)).toEqual(hashes(a));
    expect(hashes(a)[0]).toBe(factsOf(1).hash);
  });

  it('[SH4] a removal racing an add of the same photo keeps it, with its facts', () => {
    const [a, b] = [doc(1), doc(2)];
    addToSharedAlbum(a, [factsOf(1), factsOf(2)], owner);
    sync(a, b);
    removeFromSharedAlbum(a, [factsOf(1).hash]);
    removeFromSharedAlbum(b, [factsOf(1).hash]);
    addToSharedAlbum(b, [factsOf(1)], kid);
    sync(a, b);
    expect(hashes(a)).toContain(factsOf(1).hash);
    expect(hashes(b)).toEqual(hashes(a));
    expect(readSharedAlbum(a).members.find((m) => m.facts.hash === factsOf(1).hash)?.addedBy).toBe(kid);
    // A removal that raced nothing holds.
    removeFromSharedAlbum(a, [factsOf(2).hash]);
    sync(a, b);
    expect(hashes(b)).not.toContain(factsOf(2).hash);
  });

  it('[SH5] each member records who added it; a re-add keeps the first adder and place', () => {
    const a = doc(1);
    addToSharedAlbum(a, [factsOf(1)], owner, 5);
    addToSharedAlbum(a, [factsOf(2)], kid, 6);
    expect(addToSharedAlbum(a, [factsOf(1)], kid, 7)).toEqual([]);
    expect(readSharedAlbum(a).members.map((m) => [m.addedBy, m.addedAt])).toEqual([[owner, 5], [kid, 6]]);
  });

  it('[SH6] mirroring follows the catalog album but never drops what others added', () => {
    const [ownerRoom, kidRoom] = [doc(1), doc(2)];
    mirrorAlbum(ownerRoom, { name: 'Trip', cover: null, assets: [id(1), id(2)] }, catalogFacts, owner, 'Olga');
    sync(ownerRoom, kidRoom);
    addToSharedAlbum(kidRoom, [factsOf(5)], kid);
    sync(ownerRoom, kidRoom);
    const { added, removed } = mirrorAlbum(ownerRoom, { name: 'Trip 2024', cover: id(3), assets: [id(2), id(3)] }, catalogFacts, owner, 'Olga');
    expect(added).toEqual([factsOf(3).hash]);
    expect(removed).toEqual([factsOf(1).hash]);
    sync(ownerRoom, kidRoom);
    expect(new Set(hashes(kidRoom))).toEqual(new Set([2, 3, 5].map((n) => factsOf(n).hash)));
    expect(readSharedAlbum(kidRoom)).toMatchObject({ name: 'Trip 2024', cover: factsOf(3).hash });
    // Nothing changed: a second mirror writes nothing.
    const before = Y.encodeStateVector(ownerRoom);
    mirrorAlbum(ownerRoom, { name: 'Trip 2024', cover: id(3), assets: [id(2), id(3)] }, catalogFacts, owner, 'Olga');
    expect(Y.encodeStateVector(ownerRoom)).toEqual(before);
  });

  it('[SH7] a name or cover change by the owner and a contributor add made offline both survive', () => {
    const [a, b] = [doc(1), doc(2)];
    mirrorAlbum(a, { name: 'Party', cover: null, assets: [id(1)] }, catalogFacts, owner, 'Olga');
    sync(a, b);
    setSharedAlbumInfo(a, { name: 'Birthday', cover: factsOf(1).hash });
    addToSharedAlbum(b, [factsOf(6)], kid);
    sync(a, b);
    expect(readSharedAlbum(b)).toMatchObject({ name: 'Birthday', cover: factsOf(1).hash });
    expect(hashes(a)).toEqual([factsOf(1).hash, factsOf(6).hash]);
  });

  it('[SH8] malformed facts or members written by a peer are skipped, not shown or thrown', () => {
    const a = doc(1);
    addToSharedAlbum(a, [factsOf(1)], owner);
    const facts = a.getMap<unknown>(SharedAlbumKey.facts);
    const members = a.getMap<unknown>(SharedAlbumKey.members);
    const bad = factsOf(2).hash;
    members.set(bad, 2);
    facts.set(bad, { ...factsOf(2), width: -1 });
    members.set(factsOf(3).hash, 3);
    facts.set(factsOf(3).hash, { ...factsOf(4) }); // hash differs from its key
    members.set(factsOf(4).hash, 'x');
    facts.set(factsOf(4).hash, factsOf(4));
    a.getMap<unknown>(SharedAlbumKey.meta).set('cover', '../etc');
    expect(readSharedAlbum(a).members.map((m) => m.facts.hash)).toEqual([factsOf(1).hash]);
    expect(readSharedAlbum(a).cover).toBeNull();
    expect(readSharedFacts('x', bad)).toBeUndefined();
    expect(readSharedFacts({ ...factsOf(2), make: 5 }, bad)).toBeUndefined();
    expect(readSharedFacts({ ...factsOf(2), __proto__: { evil: 1 } }, bad)).toEqual({ ...factsOf(2), lens: null, thumbhash: null });
    expect(() => addToSharedAlbum(a, [{ ...factsOf(5), hash: 'nope' } as never], owner)).toThrow(RangeError);
  });
});
