import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addAsset, addAssets, addTag, catalogMaps, getAsset, setTakenOverride, writeExtracted, factsIndex } from './catalog.js';
import { factsOf, replicaPair, syncReplicas as sync } from './catalog-builders.js';
import { clearTaken, setTaken, setTimeZone, shiftTaken, takenInstant } from './catalog-dates.js';
import { editedSize, readEdits, revertEdits, rotateAsset, setCrop, setMirror } from './catalog-edits.js';
import { createTagResolver, normalizeTag } from './catalog-tag-path.js';
import { assetsTagged, deleteTag, listTags, renameTag, tagAssets, untagAssets } from './catalog-tags.js';
import { addToStack, readStacks, removeFromStack, setStackPrimary, stackAssets, unstack } from './catalog-stacks.js';
import { deleteAssetsPermanently } from './catalog-deletion.js';
import { assetIdOf, type AssetId } from './ids.js';

const id = (n: number): AssetId => assetIdOf(factsOf(n).hash);
const pair = (...n: number[]): [Y.Doc, Y.Doc] => replicaPair(n.map((i) => factsOf(i, { takenAt: '2024-03-10T12:00:00', utcOffset: 60 })), addAssets);
const taken = (d: Y.Doc, n: number) => {
  const x = getAsset(d, id(n))!;
  return { takenAt: x.takenAt, utcOffset: x.utcOffset };
};

describe('catalog SPEC: hierarchical tags', () => {
  it('[T1] tag paths are normalized and a tag page includes the levels below', () => {
    expect(normalizeTag(' Travel / Japan//Kyoto ')).toBe('Travel/Japan/Kyoto');
    expect(() => normalizeTag(' / ')).toThrow(RangeError);
    expect(() => normalizeTag(Array.from({ length: 17 }, () => 'a').join('/'))).toThrow(RangeError);
    const [a] = pair(1, 2, 3);
    tagAssets(a, [id(1), id(2)], 'Travel/Japan/Kyoto');
    tagAssets(a, [id(3)], 'Travel/Japan');
    untagAssets(a, [id(2)], 'Travel/Japan/Kyoto');
    expect(assetsTagged(a, 'Travel')).toEqual([id(1), id(3)].sort());
    expect(listTags(a)).toEqual([
      { tag: 'Travel', count: 2, direct: 0 },
      { tag: 'Travel/Japan', count: 2, direct: 1 },
      { tag: 'Travel/Japan/Kyoto', count: 1, direct: 1 },
    ]);
  });

  it('[T2] a tag renamed while another device tags with the old name: the late tag lands on the new name', () => {
    const [a, b] = pair(1, 2, 3);
    tagAssets(a, [id(1)], 'Travel/Japan/Kyoto');
    sync(a, b);
    expect(renameTag(a, 'Travel', 'Trips')).toBe(1);
    addTag(b, id(2), 'Travel/Japan'); // offline, old name
    tagAssets(b, [id(3)], 'Travel');
    sync(a, b);
    for (const d of [a, b]) {
      expect(listTags(d).map((t) => t.tag)).toEqual(['Trips', 'Trips/Japan', 'Trips/Japan/Kyoto']);
      expect(getAsset(d, id(2))?.tags).toEqual(['Trips/Japan']);
    }
    tagAssets(a, [id(2)], 'Travel/Osaka'); // a device that has seen the rename, typing the old name
    expect(getAsset(a, id(2))?.tags).toEqual(['Trips/Japan', 'Trips/Osaka']);
    renameTag(a, 'Trips', 'Travel'); // the old name in use again
    sync(a, b);
    expect(listTags(b).map((t) => t.tag)).toEqual(['Travel', 'Travel/Japan', 'Travel/Japan/Kyoto', 'Travel/Osaka']);
    expect(() => renameTag(a, 'Travel', 'Travel/Sub')).toThrow(RangeError);
  });

  it('[T3] concurrent renames forming a cycle resolve to the smallest name; renames to two names keep both', () => {
    expect(createTagResolver(new Map([['A', 'B'], ['B', 'A']]))('A/x')).toBe('A/x');
    expect(createTagResolver(new Map([['B', 'C'], ['C', 'B']]))('B')).toBe('B');
    const [a, b] = pair(1, 2);
    tagAssets(a, [id(1)], 'A');
    tagAssets(a, [id(2)], 'B');
    sync(a, b);
    renameTag(a, 'A', 'B');
    renameTag(b, 'B', 'A');
    sync(a, b);
    expect(listTags(a)).toEqual(listTags(b));
    expect(listTags(a).map((t) => t.tag)).toEqual(['A']);
    const [c, d] = pair(1);
    tagAssets(c, [id(1)], 'X');
    sync(c, d);
    renameTag(c, 'X', 'Y');
    renameTag(d, 'X', 'Z');
    sync(c, d);
    expect(getAsset(c, id(1))?.tags).toEqual(['Y', 'Z']);
    expect(getAsset(d, id(1))?.tags).toEqual(['Y', 'Z']);
  });

  it('[T4] deleting a tag removes it and its children; a concurrent add survives', () => {
    const [a, b] = pair(1, 2);
    tagAssets(a, [id(1)], 'Pets/Dog');
    tagAssets(a, [id(2)], 'Pets');
    sync(a, b);
    expect(deleteTag(a, 'Pets')).toBe(2);
    tagAssets(b, [id(2)], 'Pets/Cat');
    sync(a, b);
    for (const d of [a, b]) expect(listTags(d).map((t) => t.tag)).toEqual(['Pets', 'Pets/Cat']);
  });
});

describe('catalog SPEC: date and time zone', () => {
  it('[DT1] date and offset are one value; a selection is set in one transaction', () => {
    const [a, b] = pair(1, 2);
    let n = 0;
    a.on('afterTransaction', () => n++);
    setTaken(a, [id(1), id(2)], { takenAt: '2020-01-01T08:00:00', utcOffset: 540 });
    expect(n).toBe(1);
    setTakenOverride(b, id(1), { takenAt: '2021-06-06T06:06:06', utcOffset: null });
    sync(a, b);
    const shown = taken(a, 1);
    expect([{ takenAt: '2020-01-01T08:00:00', utcOffset: 540 }, { takenAt: '2021-06-06T06:06:06', utcOffset: null }]).toContainEqual(shown);
    expect(taken(b, 1)).toEqual(shown);
    expect(() => setTaken(a, [id(1)], { takenAt: '2020-01-01', utcOffset: 0 })).toThrow(RangeError);
    expect(() => setTaken(a, [id(1)], { takenAt: '2020-01-01T00:00:00', utcOffset: 2000 })).toThrow(RangeError);
  });

  it('[DT2] edit date offline on two devices: the same shift applies once; different shifts pick one per asset everywhere', () => {
    const [a, b] = pair(1, 2);
    shiftTaken(a, [id(1), id(2)], 60);
    shiftTaken(b, [id(1), id(2)], 60);
    sync(a, b);
    for (const d of [a, b]) expect(taken(d, 1)).toEqual({ takenAt: '2024-03-10T13:00:00', utcOffset: 60 });
    shiftTaken(a, [id(1), id(2)], -24 * 60);
    shiftTaken(b, [id(1)], 30);
    sync(a, b);
    expect(taken(a, 1)).toEqual(taken(b, 1));
    expect(['2024-03-09T13:00:00', '2024-03-10T13:30:00']).toContain(taken(a, 1).takenAt);
    expect(taken(b, 2).takenAt).toBe('2024-03-09T13:00:00');
    // The shift starts from the date shown, ExifTool's reading included (X1).
    writeExtracted(a, [{ hash: factsOf(3).hash, takenAt: '2010-01-01T00:00:00', utcOffset: 0 }], (h) => factsIndex(a).get(h as AssetId));
    addAsset(a, factsOf(3));
    shiftTaken(a, [id(3)], 90);
    expect(taken(a, 3)).toEqual({ takenAt: '2010-01-01T01:30:00', utcOffset: 0 });
  });

  it('[DT3] a time zone change keeps the instant or the wall clock', () => {
    const [a] = pair(1, 2);
    const before = takenInstant(taken(a, 1));
    setTimeZone(a, [id(1)], 540, 'instant');
    expect(taken(a, 1)).toEqual({ takenAt: '2024-03-10T20:00:00', utcOffset: 540 });
    expect(takenInstant(taken(a, 1))).toBe(before);
    setTimeZone(a, [id(2)], -300, 'wallClock');
    expect(taken(a, 2)).toEqual({ takenAt: '2024-03-10T12:00:00', utcOffset: -300 });
  });

  it('[DT4] clearing shows the imported date again; a concurrent edit survives the clear', () => {
    const [a, b] = pair(1, 2);
    shiftTaken(a, [id(1), id(2)], 10);
    sync(a, b);
    clearTaken(a, [id(1), id(2)]);
    shiftTaken(b, [id(2)], 5);
    sync(a, b);
    expect(taken(b, 1)).toEqual({ takenAt: '2024-03-10T12:00:00', utcOffset: 60 });
    expect(taken(a, 2).takenAt).toBe('2024-03-10T12:15:00');
  });
});

describe('catalog SPEC: stacks', () => {
  it('[ST1] an asset is in one stack; stacking members of stacks merges them', () => {
    const [a] = pair(1, 2, 3, 4);
    const s1 = stackAssets(a, [id(1), id(2)], id(1));
    stackAssets(a, [id(3), id(4)], id(4), 's2');
    const s3 = stackAssets(a, [id(2), id(3)], id(3));
    expect(s1).toMatch(/^st-/);
    expect([...readStacks(a).values()]).toEqual([{ id: s3, primary: id(3), members: [id(1), id(2), id(3), id(4)].sort() }]);
    expect(() => stackAssets(a, [id(1)], id(2))).toThrow(RangeError);
  });

  it('[ST2] the primary is the recorded member, else the smallest member id', () => {
    const [a, b] = pair(1, 2, 3);
    stackAssets(a, [id(1), id(2), id(3)], id(3), 's');
    sync(a, b);
    setStackPrimary(b, 's', id(2));
    expect(() => setStackPrimary(b, 's', id(4))).toThrow(RangeError);
    removeFromStack(a, [id(2)]);
    sync(a, b);
    for (const d of [a, b]) expect(readStacks(d).get('s')).toEqual({ id: 's', primary: id(1), members: [id(1), id(3)] });
  });

  it('[ST3] stack and unstack concurrently: what the unstacker saw leaves, a concurrent member stays, a lone member is no stack', () => {
    const [a, b] = pair(1, 2, 3, 4);
    stackAssets(a, [id(1), id(2)], id(1), 's');
    sync(a, b);
    unstack(a, 's');
    addToStack(b, 's', [id(3)]); // b adds 3 to the same stack meanwhile
    sync(a, b);
    for (const d of [a, b]) expect(readStacks(d).size).toBe(0); // 3 is alone in it
    addToStack(b, 's', [id(4)]);
    sync(a, b);
    for (const d of [a, b]) expect(readStacks(d).get('s')).toEqual({ id: 's', primary: id(3), members: [id(3), id(4)] });
    unstack(b, 's');
    sync(a, b);
    for (const d of [a, b]) expect(readStacks(d).size).toBe(0);
    stackAssets(a, [id(1), id(2)], id(1), 't');
    deleteAssetsPermanently(b, [id(2)]);
    sync(a, b);
    expect(readStacks(a).size).toBe(0);
  });

  it('[ST4] two devices stacking overlapping photos agree on one set of stacks', () => {
    const [a, b] = pair(1, 2, 3);
    stackAssets(a, [id(1), id(2)], id(1), 'sa');
    stackAssets(b, [id(2), id(3)], id(3), 'sb');
    sync(a, b);
    expect([...readStacks(a).values()]).toEqual([...readStacks(b).values()]);
    const all = [...readStacks(a).values()].flatMap((s) => s.members);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('catalog SPEC: non-destructive edits', () => {
  it('[E1] crop and rotate concurrently both survive; the facts do not change', () => {
    const [a, b] = pair(1);
    const before = getAsset(a, id(1))!;
    rotateAsset(a, id(1), 1);
    setCrop(b, id(1), { x: 0.25, y: 0, width: 0.5, height: 1 });
    setMirror(b, id(1), true);
    sync(a, b);
    for (const d of [a, b]) expect(getAsset(d, id(1))?.edits).toEqual({ rotate: 1, mirror: true, crop: { x: 0.25, y: 0, width: 0.5, height: 1 } });
    expect({ ...getAsset(a, id(1))!, edits: undefined }).toEqual({ ...before, edits: undefined });
  });

  it('[E2] rotation is absolute (two concurrent quarter turns give one) and the edited size follows crop then rotate', () => {
    const [a, b] = pair(1);
    rotateAsset(a, id(1), 1);
    rotateAsset(b, id(1), 1);
    sync(a, b);
    expect(readEdits(a, id(1)).rotate).toBe(1);
    rotateAsset(a, id(1), -2);
    expect(readEdits(a, id(1)).rotate).toBe(3);
    expect(editedSize(4000, 3000, { rotate: 1, mirror: false, crop: { x: 0, y: 0, width: 0.5, height: 1 } })).toEqual({ width: 3000, height: 2000 });
  });

  it('[E3] revert to original removes the edits seen; a concurrent edit survives', () => {
    const [a, b] = pair(1);
    rotateAsset(a, id(1), 2);
    sync(a, b);
    revertEdits(a, id(1));
    setMirror(b, id(1), true);
    sync(a, b);
    for (const d of [a, b]) expect(readEdits(d, id(1))).toEqual({ rotate: 0, mirror: true, crop: null });
  });

  it('[E4] malformed edits from a peer read as none; invalid writes are refused', () => {
    const [a] = pair(1);
    expect(() => setCrop(a, id(1), { x: 0.8, y: 0, width: 0.5, height: 1 })).toThrow(RangeError);
    expect(() => rotateAsset(a, id(1), 0.5)).toThrow(RangeError);
    const m = catalogMaps(a).edits;
    m.set(`${id(1)}/rotate`, 7);
    m.set(`${id(1)}/crop`, { x: -1 });
    m.set(`${id(1)}/mirror`, 'yes');
    expect(readEdits(a, id(1))).toEqual({ rotate: 0, mirror: false, crop: null });
  });
});
