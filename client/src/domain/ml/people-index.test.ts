import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../../../../protocol/src/random.js';
import { listPeople, personOfFace } from '../../../../protocol/src/index.js';
import type { MlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import { createPeopleIndex, NO_PERSON, personIdFor, type PeopleIndex } from './people-index.js';

type Faces = Extract<MlDerivative, { kind: 'faces' }>;

/** Three identities: descriptors scattered tightly around three random unit directions. */
const library = (seed: number, perPerson = 4): Faces[] => {
  const random = createRandom(seed);
  const centres = Array.from({ length: 3 }, () => Array.from({ length: 128 }, () => random() - 0.5));
  const out: Faces[] = [];
  for (let n = 0; n < perPerson; n++) {
    centres.forEach((centre, p) => {
      const hash = `${p}${n}`.padEnd(64, 'a');
      const descriptor = Float32Array.from(centre, (v) => v + (random() - 0.5) * 0.02);
      out.push({ kind: 'faces', assetHash: hash, modelId: 'face-api', width: 400, height: 300, faces: [{ score: 0.9, box: { x: 0.4, y: 0.3, width: 0.2, height: 0.3 }, landmarks: new Float32Array(136), descriptor }] });
    });
  }
  return out;
};

describe('people index', () => {
  it('shows one unnamed person per identity, most photos first', () => {
    const people = createPeopleIndex(new Y.Doc());
    for (const faces of library(1)) people.addFaces(faces);
    const list = people.list();
    expect(list.map((p) => p.assets.length)).toEqual([4, 4, 4]);
    expect(list.every((p) => p.name === '' && p.catalogId === null && p.id.startsWith('cluster:'))).toBe(true);
    // Every person's photos are one identity (the hash's first character).
    for (const p of list) expect(new Set(p.assets.map((a) => a[0])).size).toBe(1);
  });

  it('naming writes the catalog person and its faces; another replica shows the name for its own clustering', () => {
    const docA = new Y.Doc();
    const a = createPeopleIndex(docA);
    for (const faces of library(2)) a.addFaces(faces);
    const target = a.list()[0]!;
    const id = a.name(target.id, '  Penny ');
    expect(id).toBe(personIdFor([...target.faces.map((f) => f.key)].sort()[0]!));
    expect(listPeople(docA).map((p) => [p.id, p.name])).toEqual([[id, 'Penny']]);
    for (const face of target.faces) expect(personOfFace(docA, face.key)).toBe(id);
    expect(a.get(id)?.name).toBe('Penny');

    const docB = new Y.Doc();
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA));
    const b = createPeopleIndex(docB);
    for (const faces of library(2).reverse()) b.addFaces(faces);
    const named = b.list().filter((p) => p.name === 'Penny');
    expect(named).toHaveLength(1);
    expect([...named[0]!.assets].sort()).toEqual([...target.assets].sort());
    // Renaming on B goes to the same catalog person.
    b.name(id, 'Penny Hofstadter');
    Y.applyUpdate(docA, Y.encodeStateAsUpdate(docB));
    expect(a.get(id)?.name).toBe('Penny Hofstadter');
  });

  it('adds each asset once, and waits for minFaces before founding a person', () => {
    const people = createPeopleIndex(new Y.Doc());
    const faces = library(3, 2);
    for (const f of faces) people.addFaces(f);
    people.addFaces(faces[0]!);
    expect(people.faceCount).toBe(6);
    expect(people.list()).toEqual([]);
    for (const f of library(3, 3).slice(6)) people.addFaces(f);
    expect(people.list().map((p) => p.assets.length)).toEqual([3, 3, 3]);
  });
});

/** Two replicas of one library, each with its own clustering (faces added in a different order). */
const twoDevices = (seed: number) => {
  const docA = new Y.Doc();
  const docB = new Y.Doc();
  const a = createPeopleIndex(docA);
  const b = createPeopleIndex(docB);
  for (const faces of library(seed)) a.addFaces(faces);
  for (const faces of library(seed).reverse()) b.addFaces(faces);
  const sync = (): void => {
    const fromA = Y.encodeStateAsUpdate(docA, Y.encodeStateVector(docB));
    const fromB = Y.encodeStateAsUpdate(docB, Y.encodeStateVector(docA));
    Y.applyUpdate(docB, fromA);
    Y.applyUpdate(docA, fromB);
  };
  return { docA, docB, a, b, sync };
};

/** What a device shows: each person's name, hidden flag and sorted photos, in a stable order. */
const shown = (people: PeopleIndex) =>
  people
    .list({ hidden: true })
    .map((p) => ({ name: p.name, hidden: p.hidden, assets: [...p.assets].sort().join(',') }))
    .sort((x, y) => (x.assets < y.assets ? -1 : 1));

const identity = (p: { assets: readonly string[] }): string => p.assets[0]![0]!;

describe('people management (SPEC PM rules)', () => {
  it('PM1 a removed face shows under nobody, clustering does not bring it back, and a later move shows it there', () => {
    const { a, b, sync } = twoDevices(4);
    const [first, second] = a.list();
    const face = first!.faces[0]!;
    a.removeFace(face.key);
    expect(a.list().find((p) => identity(p) === identity(first!))!.faces).toHaveLength(first!.faces.length - 1);
    expect(a.list().flatMap((p) => p.faces.map((f) => f.key))).not.toContain(face.key);
    sync();
    expect(b.list().flatMap((p) => p.faces.map((f) => f.key))).not.toContain(face.key);
    expect(shown(b)).toEqual(shown(a));
    const to = a.moveFace(face.key, second!.id);
    sync();
    expect(b.get(to)!.faces.map((f) => f.key)).toContain(face.key);
    expect(a.get(to)!.assets).toContain(face.asset);
    expect(shown(b)).toEqual(shown(a));
    expect(() => a.removeFace('nope#0')).toThrow(/no face/);
    expect(() => a.moveFace(face.key, 'cluster:nope')).toThrow(/no person/);
  });

  it('PM2 a moved face shows under its new person even though its cluster votes otherwise', () => {
    const { docA, a } = twoDevices(5);
    const [x, y] = a.list();
    const xId = a.name(x!.id, 'Xena');
    const yId = a.name(y!.id, 'Yuri');
    const face = a.get(xId)!.faces[0]!;
    expect(a.moveFace(face.key, yId)).toBe(yId);
    expect(personOfFace(docA, face.key)).toBe(yId);
    expect(a.get(xId)!.faces.map((f) => f.key)).not.toContain(face.key);
    expect(a.get(yId)!.faces.map((f) => f.key)).toContain(face.key);
    expect(a.get(xId)!.assets).toHaveLength(3);
    expect(a.get(yId)!.assets).toHaveLength(5);
  });

  it('PM3 two devices hiding and naming the same unnamed cluster reach one catalog person', () => {
    const { docA, docB, a, b, sync } = twoDevices(6);
    const onA = a.list()[0]!;
    const onB = b.list().find((p) => identity(p) === identity(onA))!;
    const idA = a.setHidden(onA.id, true);
    const idB = b.name(onB.id, 'Leonard');
    expect(idA).toBe(idB);
    sync();
    expect(listPeople(docA).map((p) => p.id)).toEqual([idA]);
    expect(listPeople(docB).map((p) => p.id)).toEqual([idA]);
    expect(shown(a)).toEqual(shown(b));
  });

  it('PM4 a merge shows one person on both devices; an unnamed survivor takes the name; pages follow the merge', () => {
    const { a, b, sync } = twoDevices(7);
    const [p, q] = a.list();
    const pId = a.name(p!.id, 'Penny');
    sync();
    const qOnB = b.list().find((c) => identity(c) === identity(q!))!;
    const into = b.merge(pId, qOnB.id);
    expect(b.get(into)!.name).toBe('Penny');
    expect(b.get(pId)!.id).toBe(into);
    expect(b.get(into)!.assets).toHaveLength(8);
    sync();
    expect(a.list()).toHaveLength(2);
    expect(a.get(pId)!.id).toBe(into);
    expect(a.get(into)!.assets).toHaveLength(8);
    expect(shown(a)).toEqual(shown(b));
    expect(b.merge(into, pId)).toBe(into);
    // The survivor's tile keeps one of its own faces, not one merged in.
    for (const side of [a, b]) expect(identity({ assets: [side.get(into)!.cover.asset] })).toBe(identity(q!));
  });

  it('PM4 concurrent merges into each other and concurrent renames end as one person, the same on both devices', () => {
    const { a, b, sync } = twoDevices(8);
    const [p, q, r] = a.list();
    const pId = a.name(p!.id, 'Penny');
    const qId = a.name(q!.id, 'Sheldon');
    sync();
    a.merge(qId, pId);
    b.merge(pId, qId);
    a.name(pId, 'Penny A');
    b.name(qId, 'Sheldon B');
    const rOnB = b.list().find((c) => identity(c) === identity(r!))!;
    b.setHidden(rOnB.id, true);
    sync();
    const survivor = [pId, qId].sort()[0]!;
    for (const side of [a, b]) {
      expect(side.get(pId)!.id).toBe(survivor);
      expect(side.get(qId)!.id).toBe(survivor);
      expect(side.get(survivor)!.assets).toHaveLength(8);
      expect(side.list()).toHaveLength(1);
      expect(side.list({ hidden: true })).toHaveLength(2);
    }
    expect(shown(a)).toEqual(shown(b));
  });

  it('PM5 hidden people leave the People page but can be listed and shown again', () => {
    const { a } = twoDevices(9);
    const target = a.list()[1]!;
    const id = a.setHidden(target.id, true);
    expect(a.list().map((p) => p.id)).not.toContain(id);
    expect(a.list({ hidden: true }).find((p) => p.id === id)?.hidden).toBe(true);
    a.setHidden(id, false);
    expect(a.list().map((p) => p.id)).toContain(id);
  });

  it('finds named people by the words of their name; a removed face is stored as the reserved id', () => {
    const { docA, a } = twoDevices(10);
    const id = a.name(a.list()[0]!.id, 'Amy Farrah Fowler');
    a.name(a.list()[1]!.id, 'Raj');
    expect(a.findByName('amy fow').map((p) => p.id)).toEqual([id]);
    expect(a.findByName('  ')).toEqual([]);
    expect(a.findByName('bernadette')).toEqual([]);
    const face = a.get(id)!.faces[0]!;
    a.removeFace(face.key);
    expect(docA.getMap('faces').get(face.key)).toBe(NO_PERSON);
  });
});
