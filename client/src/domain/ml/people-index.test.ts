import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../../../../protocol/src/random.js';
import { listPeople, personOfFace } from '../../../../protocol/src/index.js';
import type { MlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import { createPeopleIndex, personIdFor } from './people-index.js';

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
