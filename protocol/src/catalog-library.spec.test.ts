import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  addAsset, addAssets, addTag, catalogMaps, getAsset, listAssets, setArchived, setDescription, setFavorite, setRating, setStack, trashAsset,
} from './catalog.js';
import { addToAlbum, createAlbum, readAlbum } from './catalog-albums.js';
import { factsOf, replicaPair, syncReplicas as sync } from './catalog-builders.js';
import { deleteAssetsPermanently, deletedAssets, emptyTrash, purgeExpiredTrash, restoreAssets, trashAssets } from './catalog-deletion.js';
import { setCrop } from './catalog-edits.js';
import { listTags, tagAssets } from './catalog-tags.js';
import { readStacks, stackAssets } from './catalog-stacks.js';
import { assetIdOf, type AssetId } from './ids.js';

const id = (n: number): AssetId => assetIdOf(factsOf(n).hash);
const pair = (...n: number[]): [Y.Doc, Y.Doc] => replicaPair(n.map((i) => factsOf(i)), addAssets);
const DAY = 86_400_000;

describe('catalog SPEC: archive, rating, description', () => {
  it('[AR1] archive and unarchive merge per asset; the shown asset carries the flag', () => {
    const [a, b] = pair(1, 2);
    setArchived(a, id(1), true);
    setArchived(b, id(2), true);
    sync(a, b);
    for (const d of [a, b]) expect(listAssets(d).filter((x) => x.archived).map((x) => x.id).sort()).toEqual([id(1), id(2)].sort());
    setArchived(b, id(1), false);
    sync(a, b);
    expect(getAsset(a, id(1))?.archived).toBe(false);
  });

  it('[AR2] an archived asset trashed and restored is archived again', () => {
    const [a, b] = pair(1);
    setArchived(a, id(1), true);
    trashAsset(b, id(1), 5);
    sync(a, b);
    expect(getAsset(a, id(1))).toMatchObject({ archived: true, trashedAt: 5 });
    restoreAssets(a, [id(1)]);
    sync(a, b);
    expect(getAsset(b, id(1))).toMatchObject({ archived: true, trashedAt: null });
  });

  it('[R1] ratings are 0–5: others are refused, a peer\'s junk reads as unrated, 0 clears', () => {
    const [a] = pair(1);
    expect(() => setRating(a, id(1), 6)).toThrow(RangeError);
    expect(() => setRating(a, id(1), 2.5)).toThrow(RangeError);
    setRating(a, id(1), 5);
    expect(getAsset(a, id(1))?.rating).toBe(5);
    catalogMaps(a).rating.set(id(1), 99);
    expect(getAsset(a, id(1))?.rating).toBe(0);
    setRating(a, id(1), 0);
    expect(catalogMaps(a).rating.has(id(1))).toBe(false);
  });

  it('[DS1] a description is multi-line, capped at 4096 characters, cleared by the empty text', () => {
    const [a, b] = pair(1);
    setDescription(a, id(1), `line one\nline two${'x'.repeat(5000)}`);
    sync(a, b);
    expect(getAsset(b, id(1))?.description.length).toBe(4096);
    expect(getAsset(b, id(1))?.description.startsWith('line one\nline two')).toBe(true);
    setDescription(b, id(1), '');
    sync(a, b);
    expect(getAsset(a, id(1))?.description).toBe('');
  });
});

describe('catalog SPEC: trash and permanent deletion', () => {
  it('[D1] a permanently deleted asset shows nowhere, and its facts stay', () => {
    const [a, b] = pair(1, 2, 3);
    const album = createAlbum(a, 'Trip', 'trip');
    addToAlbum(a, album, id(1));
    addToAlbum(a, album, id(2));
    tagAssets(a, [id(1)], 'Travel');
    stackAssets(a, [id(1), id(3)], id(1), 'st1');
    sync(a, b);
    deleteAssetsPermanently(a, [id(1)], 1000);
    sync(a, b);
    for (const d of [a, b]) {
      expect(getAsset(d, id(1))).toBeUndefined();
      expect(listAssets(d).map((x) => x.id).sort()).toEqual([id(2), id(3)].sort());
      expect(readAlbum(d, album)?.assets).toEqual([id(2)]);
      expect(listTags(d)).toEqual([]);
      expect(readStacks(d).size).toBe(0);
      expect(deletedAssets(d)).toEqual([{ id: id(1), at: 1000 }]);
    }
    addAsset(b, factsOf(1)); // importing the same file again is a no-op (F1)
    expect(getAsset(b, id(1))).toBeUndefined();
  });

  it('[D2] rate on one device while another deletes permanently: the offline edits do not bring it back', () => {
    const [a, b] = pair(1, 2);
    const album = createAlbum(a, 'Trip', 'trip');
    sync(a, b);
    trashAsset(a, id(1), 10);
    sync(a, b);
    // b goes offline and edits; a deletes permanently meanwhile.
    setRating(b, id(1), 4);
    setFavorite(b, id(1), true);
    restoreAssets(b, [id(1)]);
    addTag(b, id(1), 'late');
    addToAlbum(b, album, id(1));
    setStack(b, id(1), 'stk');
    setStack(b, id(2), 'stk');
    setCrop(b, id(1), { x: 0, y: 0, width: 0.5, height: 0.5 });
    deleteAssetsPermanently(a, [id(1)], 20);
    sync(a, b);
    for (const d of [a, b]) {
      expect(getAsset(d, id(1))).toBeUndefined();
      expect(listAssets(d).map((x) => x.id)).toEqual([id(2)]);
      expect(readAlbum(d, album)?.assets).toEqual([]);
      expect(readStacks(d).size).toBe(0);
      expect(listTags(d)).toEqual([]);
    }
    // An edit made after the deletion arrived does not bring it back either.
    setRating(b, id(1), 2);
    sync(a, b);
    expect(getAsset(a, id(1))).toBeUndefined();
  });

  it('[D3] the deleting device drops the state it has seen in the same transaction', () => {
    const [a] = pair(1, 2);
    setFavorite(a, id(1), true);
    setRating(a, id(1), 3);
    addTag(a, id(1), 'x');
    addTag(a, id(2), 'x');
    setCrop(a, id(1), { x: 0, y: 0, width: 1, height: 0.5 });
    let transactions = 0;
    a.on('afterTransaction', () => transactions++);
    expect(deleteAssetsPermanently(a, [id(1), id(1)])).toBe(1);
    expect(transactions).toBe(1);
    const m = catalogMaps(a);
    expect([m.favorite.size, m.rating.size, m.edits.size, [...m.tags.keys()].length]).toEqual([0, 0, 0, 1]);
    expect(deleteAssetsPermanently(a, [id(1)])).toBe(0);
  });

  it('[D4] empty trash deletes what this device sees in the trash; a concurrent trash stays; the expiry job purges old trash only', () => {
    const [a, b] = pair(1, 2, 3, 4);
    trashAssets(a, [id(1), id(2)], 100);
    sync(a, b);
    trashAssets(b, [id(3)], 200);
    expect(emptyTrash(a)).toBe(2);
    sync(a, b);
    for (const d of [a, b]) {
      expect(listAssets(d).map((x) => x.id).sort()).toEqual([id(3), id(4)].sort());
      expect(getAsset(d, id(3))?.trashedAt).toBe(200);
    }
    const now = 200 + 31 * DAY;
    trashAssets(b, [id(4)], now - 5 * DAY);
    sync(a, b);
    expect(purgeExpiredTrash(a, now, 30)).toBe(1);
    expect(purgeExpiredTrash(b, now, 30)).toBe(1); // concurrently on the other device
    sync(a, b);
    for (const d of [a, b]) expect(listAssets(d).map((x) => x.id)).toEqual([id(4)]);
    expect(purgeExpiredTrash(a, now, 30)).toBe(0);
    expect(() => purgeExpiredTrash(a, now, -1)).toThrow(RangeError);
  });

  it('[D5] deletedAssets lists every tombstone once, oldest first, on every device', () => {
    const [a, b] = pair(1, 2, 3);
    deleteAssetsPermanently(a, [id(2)], 50);
    deleteAssetsPermanently(b, [id(1)], 40);
    deleteAssetsPermanently(b, [id(2)], 60);
    sync(a, b);
    const list = deletedAssets(a);
    expect(list.map((x) => x.id)).toEqual([id(1), id(2)]);
    expect(deletedAssets(b)).toEqual(list);
  });
});
