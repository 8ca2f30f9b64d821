/**
 * People from the faces this device knows (computed or downloaded). Every face goes into the
 * incremental clusterer (models' DBSCAN-style clustering, the face pack's defaults); a face then
 * shows under, in order: the catalog person it is assigned to (after merges, SPEC P2/P3); nobody,
 * when it was removed from its person (SPEC PM1); the catalog person most of its cluster's assigned
 * faces belong to; else its cluster as an unnamed person. Naming, hiding, merging or moving a face
 * into an unnamed cluster first creates its catalog person (id derived from the cluster's smallest
 * face key, so devices agree) and assigns the cluster's unassigned faces to it, in one transaction.
 *
 *   const people = createPeopleIndex(doc); people.addFaces(derivative); people.list();
 *   people.name(people.list()[0].id, 'Penny'); people.merge(b.id, a.id); people.setHidden(a.id, true);
 */
import type * as Y from 'yjs';
import { createFaceClusterer, FACE_API_CLUSTERING } from '../../../../models/src/faces/clustering.js';
import type { MlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import { assignFace, createPerson, mergePeople, personOfFace, readPerson, renamePerson, resolvePerson, setPersonHidden, type AssetId } from '../../../../protocol/src/index.js';

export interface FaceRef {
  /** `<asset id>#<n>`, the catalog's face key. */
  readonly key: string;
  readonly asset: AssetId;
  readonly score: number;
  /** Relative to the image (0..1). */
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Pixel size of the image the box is relative to. */
  readonly width: number;
  readonly height: number;
}

export interface PersonCluster {
  /** The catalog person id when the person has one, else a cluster id (`cluster:<first face>`). */
  readonly id: string;
  readonly catalogId: string | null;
  readonly name: string;
  readonly hidden: boolean;
  readonly faces: readonly FaceRef[];
  /** Distinct photos, in the order their faces were found. */
  readonly assets: readonly AssetId[];
  /** The largest confident face, for the tile. */
  readonly cover: FaceRef;
}

export interface PeopleIndex {
  /** Adds a faces derivative's faces (once per asset); clustering happens on the next `list()`. */
  addFaces(derivative: Extract<MlDerivative, { kind: 'faces' }>): void;
  /** Persons with at least one photo, most photos first; hidden persons only when asked. */
  list(options?: { readonly hidden?: boolean }): PersonCluster[];
  /** A person by id; a catalog id merged away resolves to the person it was merged into. */
  get(id: string): PersonCluster | undefined;
  /** Names a person (creating its catalog person when needed); returns the catalog person id. */
  name(id: string, name: string): string;
  /** Hides or shows a person on the People page; returns the catalog person id. */
  setHidden(id: string, hidden: boolean): string;
  /** Merges `from` into `into` (its faces show under `into`; an unnamed `into` takes `from`'s name); returns `into`'s catalog id. */
  merge(from: string, into: string): string;
  /** Takes one face away from whoever it shows under; clustering does not bring it back. */
  removeFace(faceKey: string): void;
  /** Moves one face to another person; returns that person's catalog id. */
  moveFace(faceKey: string, to: string): string;
  /** Persons (hidden ones included) whose name contains every word of `text`, most photos first. */
  findByName(text: string): PersonCluster[];
  readonly faceCount: number;
}

/** A catalog person id every device derives alike from a cluster's smallest face key. */
export const personIdFor = (faceKey: string): string => `f-${faceKey.replace(/[^A-Za-z0-9]/g, '').slice(0, 60)}`;

/** The person a face removed from its person is assigned to (SPEC PM1); no catalog person has this id. */
export const NO_PERSON = '~none';

const CLUSTER = 'cluster:';

export const createPeopleIndex = (doc: Y.Doc, options = FACE_API_CLUSTERING): PeopleIndex => {
  const clusterer = createFaceClusterer(options);
  const faces = new Map<string, FaceRef>();
  const assets = new Set<string>();
  let dirty = false;
  /** Face → person as written (before merges): the catalog's face assignments (SPEC P3). */
  const assigned = doc.getMap<string>('faces');

  const explicitPerson = (key: string): string | undefined => {
    const person = personOfFace(doc, key);
    return person === NO_PERSON || person === undefined || readPerson(doc, person) !== undefined ? person : undefined;
  };

  const groups = (): PersonCluster[] => {
    if (dirty) {
      clusterer.run();
      dirty = false;
    }
    const byPerson = new Map<string, { catalogId: string | null; faces: FaceRef[] }>();
    const put = (id: string, catalogId: string | null, face: FaceRef): void => {
      const group = byPerson.get(id) ?? { catalogId, faces: [] };
      group.faces.push(face);
      byPerson.set(id, group);
    };
    for (const keys of clusterer.persons().values()) {
      const explicit = keys.map(explicitPerson);
      const votes = new Map<string, number>();
      for (const person of explicit) if (person !== undefined && person !== NO_PERSON) votes.set(person, (votes.get(person) ?? 0) + 1);
      const voted = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
      const first = [...keys].sort()[0] as string;
      keys.forEach((key, i) => {
        const person = explicit[i] ?? voted;
        if (person === NO_PERSON) return;
        put(person ?? `${CLUSTER}${first}`, person, faces.get(key) as FaceRef);
      });
    }
    // Faces the clusterer left waiting (no core point yet) still show under a person they were assigned to by hand.
    const clustered = new Set([...clusterer.persons().values()].flat());
    for (const [key, face] of faces) {
      if (clustered.has(key)) continue;
      const person = explicitPerson(key);
      if (person !== undefined && person !== NO_PERSON) put(person, person, face);
    }
    const out: PersonCluster[] = [];
    for (const [id, { catalogId, faces: refs }] of byPerson) {
      const person = catalogId === null ? undefined : readPerson(doc, catalogId);
      // The cover is the person's own face (not one merged in or moved over): the largest confident one.
      const own = (f: FaceRef): number => (catalogId !== null && assigned.get(f.key) === catalogId ? 1 : 0);
      const cover = [...refs].sort((a, b) => own(b) - own(a) || b.box.width * b.width * b.score - a.box.width * a.width * a.score || (a.key < b.key ? -1 : 1))[0] as FaceRef;
      out.push({ id, catalogId, name: person?.name ?? '', hidden: person?.hidden ?? false, faces: refs, assets: [...new Set(refs.map((r) => r.asset))], cover });
    }
    return out.sort((a, b) => b.assets.length - a.assets.length || (a.id < b.id ? -1 : 1));
  };

  const find = (id: string): PersonCluster | undefined => {
    const all = groups();
    const resolved = id.startsWith(CLUSTER) ? id : resolvePerson(doc, id);
    return all.find((c) => c.id === resolved);
  };

  /** The person's catalog id, creating it (and claiming the cluster's unassigned faces) for an unnamed cluster. */
  const materialize = (id: string): string => {
    const cluster = find(id);
    if (cluster === undefined) throw new RangeError(`no person ${id}`);
    if (cluster.catalogId !== null) return cluster.catalogId;
    const target = personIdFor([...cluster.faces.map((f) => f.key)].sort()[0] as string);
    doc.transact(() => {
      if (readPerson(doc, target) === undefined) createPerson(doc, target);
      for (const face of cluster.faces) if (personOfFace(doc, face.key) === undefined) assignFace(doc, face.key, target);
    });
    return resolvePerson(doc, target);
  };

  return {
    addFaces(derivative) {
      if (assets.has(derivative.assetHash)) return;
      assets.add(derivative.assetHash);
      derivative.faces.forEach((face, i) => {
        const key = `${derivative.assetHash}#${i}`;
        faces.set(key, { key, asset: derivative.assetHash as AssetId, score: face.score, box: face.box, width: derivative.width, height: derivative.height });
        clusterer.add(key, face.descriptor);
      });
      dirty ||= derivative.faces.length > 0;
    },
    list: (opts = {}) => groups().filter((c) => opts.hidden === true || !c.hidden),
    get: find,
    name(id, name) {
      let target = '';
      doc.transact(() => {
        target = materialize(id);
        renamePerson(doc, target, name.trim());
      });
      return target;
    },
    setHidden(id, hidden) {
      let target = '';
      doc.transact(() => {
        target = materialize(id);
        setPersonHidden(doc, target, hidden);
      });
      return target;
    },
    merge(from, into) {
      let target = '';
      doc.transact(() => {
        const source = materialize(from);
        target = materialize(into);
        if (source === target) return;
        const sourceName = readPerson(doc, source)?.name ?? '';
        if ((readPerson(doc, target)?.name ?? '') === '' && sourceName !== '') renamePerson(doc, target, sourceName);
        mergePeople(doc, source, target);
      });
      return resolvePerson(doc, target);
    },
    removeFace(faceKey) {
      if (!faces.has(faceKey)) throw new RangeError(`no face ${faceKey}`);
      assignFace(doc, faceKey, NO_PERSON);
    },
    moveFace(faceKey, to) {
      if (!faces.has(faceKey)) throw new RangeError(`no face ${faceKey}`);
      let target = '';
      doc.transact(() => {
        target = materialize(to);
        assignFace(doc, faceKey, target);
      });
      return target;
    },
    findByName(text) {
      const words = text.toLowerCase().split(/\s+/).filter(Boolean);
      if (words.length === 0) return [];
      return groups().filter((c) => c.name !== '' && words.every((w) => c.name.toLowerCase().includes(w)));
    },
    get faceCount() {
      return faces.size;
    },
  };
};
