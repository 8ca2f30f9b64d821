/**
 * People from the faces this device knows (computed or downloaded): every face goes into the
 * incremental clusterer (models' DBSCAN-style clustering with the face pack's defaults), and
 * each cluster is shown as the catalog person most of its faces are assigned to (the catalog's
 * person-name CRDT, synced between devices), or as an unnamed person. Naming an unnamed cluster
 * creates its catalog person (id derived from its first face, so devices agree) and assigns the
 * cluster's faces to it, in one transaction.
 *
 *   const people = createPeopleIndex(doc); people.addFaces(derivative); people.list();
 *   people.name(people.list()[0].id, 'Penny');
 */
import type * as Y from 'yjs';
import { createFaceClusterer, FACE_API_CLUSTERING } from '../../../../models/src/faces/clustering.js';
import type { MlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import { assignFace, createPerson, personOfFace, readPerson, renamePerson, resolvePerson, type AssetId } from '../../../../protocol/src/index.js';

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
  /** The catalog person id when the cluster has one, else a cluster id (`cluster:<first face>`). */
  readonly id: string;
  readonly catalogId: string | null;
  readonly name: string;
  readonly faces: readonly FaceRef[];
  /** Distinct photos, in the order their faces were found. */
  readonly assets: readonly AssetId[];
  /** The largest confident face, for the tile. */
  readonly cover: FaceRef;
}

export interface PeopleIndex {
  /** Adds a faces derivative's faces (once per asset); clustering happens on the next `list()`. */
  addFaces(derivative: Extract<MlDerivative, { kind: 'faces' }>): void;
  /** Persons with at least one photo, most photos first. */
  list(): PersonCluster[];
  get(id: string): PersonCluster | undefined;
  /** Names a person (creating its catalog person when needed); returns the catalog person id. */
  name(id: string, name: string): string;
  readonly faceCount: number;
}

/** A catalog person id every device derives alike from a cluster's smallest face key. */
export const personIdFor = (faceKey: string): string => `f-${faceKey.replace(/[^A-Za-z0-9]/g, '').slice(0, 60)}`;

export const createPeopleIndex = (doc: Y.Doc, options = FACE_API_CLUSTERING): PeopleIndex => {
  const clusterer = createFaceClusterer(options);
  const faces = new Map<string, FaceRef>();
  const assets = new Set<string>();
  let dirty = false;

  const clusters = (): PersonCluster[] => {
    if (dirty) {
      clusterer.run();
      dirty = false;
    }
    const out: PersonCluster[] = [];
    for (const keys of clusterer.persons().values()) {
      const refs = keys.map((k) => faces.get(k) as FaceRef);
      const votes = new Map<string, number>();
      for (const { key } of refs) {
        const person = personOfFace(doc, key);
        if (person !== undefined) votes.set(person, (votes.get(person) ?? 0) + 1);
      }
      const catalogId = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
      const first = [...keys].sort()[0] as string;
      const cover = [...refs].sort((a, b) => b.box.width * b.width * b.score - a.box.width * a.width * a.score)[0] as FaceRef;
      out.push({
        id: catalogId ?? `cluster:${first}`,
        catalogId,
        name: catalogId === null ? '' : (readPerson(doc, resolvePerson(doc, catalogId))?.name ?? ''),
        faces: refs,
        assets: [...new Set(refs.map((r) => r.asset))],
        cover,
      });
    }
    return out.sort((a, b) => b.assets.length - a.assets.length || (a.id < b.id ? -1 : 1));
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
    list: clusters,
    get: (id) => clusters().find((c) => c.id === id),
    name(id, name) {
      const cluster = clusters().find((c) => c.id === id);
      if (cluster === undefined) throw new RangeError(`no person ${id}`);
      const target = cluster.catalogId ?? personIdFor([...cluster.faces.map((f) => f.key)].sort()[0] as string);
      doc.transact(() => {
        if (cluster.catalogId === null) {
          if (readPerson(doc, target) === undefined) createPerson(doc, target);
          for (const face of cluster.faces) if (personOfFace(doc, face.key) === undefined) assignFace(doc, face.key, target);
        }
        renamePerson(doc, resolvePerson(doc, target), name.trim());
      });
      return target;
    },
    get faceCount() {
      return faces.size;
    },
  };
};
