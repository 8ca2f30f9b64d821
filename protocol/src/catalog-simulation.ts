/**
 * Seeded multi-replica simulation of the catalog (SPEC I1–I6, C1; migrations V2–V4): replicas make random edits
 * of every kind, go offline, a relay forwards updates through explicit queues with reordering
 * and duplication, and restarts from its persisted log. Invariants are checked after every
 * step and convergence at the end; a failure throws with the seed so it can be pinned.
 *
 *   runCatalogSimulation(42)                       // throws SimulationFailure on a broken rule
 *   runCatalogSimulation(7, { replicas: 8, steps: 400 })
 */
import * as Y from 'yjs';
import {
  addAssets, addTag, compactFacts, factsChunkFormat, factsIndex, initCatalog, FACTS_FORMAT, listAssets, removeTag, restoreAsset, setArchived, setDescription,
  setFavorite, setPlaceOverride, setRating, setStack, setTakenOverride, trashAsset, type AssetFacts,
} from './catalog.js';
import {
  addToAlbum, assignFace, createAlbum, createPerson, deleteAlbum, listAlbums, listPeople, mergePeople, moveInAlbum, readAlbum,
  removeFromAlbum, renameAlbum, renamePerson, setAlbumCover, setPersonHidden,
} from './catalog-albums.js';
import { factsOf } from './catalog-builders.js';
import { writeFactsChunkV1 } from './catalog-chunk-v1.js';
import { createRandom } from './random.js';
import { blobHashOf, type AssetId } from './ids.js';
import { writeExtracted } from './catalog-extracted.js';
import { deleteAssetsPermanently, deletedAssets, emptyTrash, purgeExpiredTrash } from './catalog-deletion.js';
import { revertEdits, rotateAsset, setCrop, setMirror } from './catalog-edits.js';
import { deleteTag, listTags, renameTag, tagAssets } from './catalog-tags.js';
import { setTimeZone, shiftTaken } from './catalog-dates.js';
import { addToStack, readStacks, setStackPrimary, stackAssets, unstack } from './catalog-stacks.js';

export class SimulationFailure extends Error {
  override readonly name = 'SimulationFailure';
  constructor(readonly seed: number, readonly step: number, why: string) {
    super(`catalog simulation seed ${seed} failed at step ${step}: ${why}`);
  }
}

export interface SimulationOptions {
  readonly replicas?: number;
  readonly steps?: number;
  /** Distinct photos; small so that several replicas import the same one (SPEC F2). */
  readonly photos?: number;
}

interface Replica {
  readonly doc: Y.Doc;
  online: boolean;
  /** Needs a state-vector exchange with the relay before it is in step again. */
  stale: boolean;
  inbox: Uint8Array[];
  readonly seen: Set<AssetId>;
}

const REMOTE = Symbol('remote');

/** A comparable snapshot of everything a user sees (C1). */
export const catalogSnapshot = (doc: Y.Doc): string =>
  JSON.stringify({
    assets: listAssets(doc).sort((a, b) => (a.id < b.id ? -1 : 1)),
    albums: listAlbums(doc),
    people: listPeople(doc),
    stacks: [...readStacks(doc).values()],
    tags: listTags(doc),
    deleted: deletedAssets(doc),
  });

export const runCatalogSimulation = (seed: number, options: SimulationOptions = {}): { steps: number; assets: number } => {
  const rand = createRandom(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : list[int(list.length)]);
  const replicaCount = options.replicas ?? 5;
  const steps = options.steps ?? 60;
  const photos = options.photos ?? 24;
  let step = 0;
  const fail = (why: string): never => {
    throw new SimulationFailure(seed, step, why);
  };

  let relay = new Y.Doc();
  let relayLog: Uint8Array[] = [];
  const relayInbox: Uint8Array[] = [];
  relay.on('update', (u: Uint8Array) => relayLog.push(u));

  const replicas: Replica[] = [];
  for (let i = 0; i < replicaCount; i++) {
    const doc = new Y.Doc();
    doc.clientID = 1 + int(0x7fffffff);
    const r: Replica = { doc, online: true, stale: false, inbox: [], seen: new Set() };
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !r.online || r.stale) return;
      relayInbox.push(u);
      if (rand() < 0.1) relayInbox.push(u); // duplicated delivery
    });
    factsIndex(doc);
    replicas.push(r);
  }

  const apply = (doc: Y.Doc, u: Uint8Array): void => Y.applyUpdate(doc, u, REMOTE);
  const exchange = (r: Replica): void => {
    apply(relay, Y.encodeStateAsUpdate(r.doc, Y.encodeStateVector(relay)));
    apply(r.doc, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(r.doc)));
    r.stale = false;
    forward(Y.encodeStateAsUpdate(relay), r);
  };
  const forward = (u: Uint8Array, except: Replica | null): void => {
    for (const o of replicas) if (o !== except && o.online && !o.stale) o.inbox.push(u);
  };
  const deliverRelay = (): void => {
    const i = int(relayInbox.length); // reordered delivery
    const [u] = relayInbox.splice(i, 1);
    apply(relay, u!);
    forward(u!, null);
  };
  const deliverReplica = (r: Replica): void => {
    const i = int(r.inbox.length);
    const u = r.inbox[i]!;
    if (rand() < 0.85) r.inbox.splice(i, 1); // else delivered again later
    apply(r.doc, u);
  };
  const restartRelay = (): void => {
    const merged = Y.mergeUpdates(relayLog);
    relay.destroy();
    relay = new Y.Doc();
    apply(relay, merged);
    relayLog = [merged];
    relay.on('update', (u: Uint8Array) => relayLog.push(u));
    relayInbox.length = 0; // in-flight frames die with the connections
    for (const r of replicas) {
      r.inbox = [];
      r.stale = true;
    }
  };

  const pool: AssetFacts[] = Array.from({ length: photos }, (_, n) => factsOf(n + 1));
  let counter = 0;
  const newId = (prefix: string): string => `${prefix}${seed.toString(36)}_${(counter++).toString(36)}`;

  const edit = (r: Replica): void => {
    const d = r.doc;
    const ids = [...factsIndex(d).ids()];
    const asset = pick(ids);
    const albums = listAlbums(d).map((a) => a.id).concat([...d.getMap('albums').keys()]);
    const people = [...d.getMap('people').keys()];
    const op = int(22);
    if (op <= 2) {
      const batch = Array.from({ length: 1 + int(3) }, () => {
        const f = pick(pool)!;
        return rand() < 0.4 ? { ...f, importedAt: f.importedAt + int(5), name: `${int(3)}${f.name}` } : f;
      });
      addAssets(d, batch);
      // Often the blob store's reading follows the import: another offset, a lens (SPEC X1, X4).
      if (step % 4 === 0) writeExtracted(d, [{ hash: batch[0]!.hash, takenAt: batch[0]!.takenAt, utcOffset: step % 8 ? -300 : null, lens: `L${step % 3}` }], (h) => factsIndex(d).get(h as AssetId));
      return;
    }
    if (op === 3 && rand() < 0.3) {
      // An older device: schema v1 writes the legacy map (SPEC V3), schema v2 a format-1 facts
      // chunk (V4); the next current open migrates either. (Chosen by step, not by a draw, so
      // pinned seeds keep their random stream.)
      const f = pick(pool)!;
      if (factsIndex(d).has(f.hash)) return;
      if (step % 2 === 0) d.getMap<AssetFacts>('assets').set(f.hash, f);
      else d.getArray<Uint8Array>('facts').push([writeFactsChunkV1([f])]);
      return;
    }
    if (op === 4) {
      // Every third such step a replica plays the blob store writing ExifTool's reading (SPEC X1, X2, X6); values from the step, not draws, so pinned seeds keep their stream.
      if (rand() < 0.5) {
        if (step % 3 === 0 && asset !== undefined) writeExtracted(d, [{ hash: blobHashOf(asset), takenAt: `2019-0${1 + (step % 9)}-0${1 + (step % 7)}T08:00:00`, utcOffset: step % 2 ? 120 : null, make: `Cam${step % 4}`, rating: step % 6 }], (h) => factsIndex(d).get(h as AssetId));
        else initCatalog(d);
      } else compactFacts(d, int(4));
      return;
    }
    if (asset !== undefined && op <= 12) {
      switch (op) {
        case 5: return setFavorite(d, asset, rand() < 0.6);
        case 6: {
          // Every sixth trash is a permanent deletion, every fourth restore empties or expires the trash (SPEC D1–D4).
          if (rand() < 0.6) return step % 6 === 0 ? void deleteAssetsPermanently(d, [asset], 3000 + int(1000)) : trashAsset(d, asset, 1000 + int(1000));
          if (step % 4 !== 0) return restoreAsset(d, asset);
          return void (step % 8 === 0 ? emptyTrash(d, 4000 + step) : purgeExpiredTrash(d, 1500 + step, 0));
        }
        case 7: return setArchived(d, asset, rand() < 0.5);
        case 8: return setRating(d, asset, int(6));
        case 9: {
          // Every third such step edits the picture instead (SPEC E1–E4).
          if (rand() < 0.2) return step % 3 === 0 ? revertEdits(d, asset) : setDescription(d, asset, '');
          const k = int(9);
          if (step % 3 !== 0) return setDescription(d, asset, `note ${k}`);
          if (k < 3) return rotateAsset(d, asset, k + 1);
          if (k < 6) return setMirror(d, asset, k % 2 === 0);
          return setCrop(d, asset, k === 8 ? null : { x: k / 40, y: 0.1, width: 0.5, height: 0.25 * (k - 5) });
        }
        case 10: {
          const coin = rand();
          const k = int(4);
          if (step % 4 !== 0) return coin < 0.6 ? addTag(d, asset, `t${k}`) : removeTag(d, asset, `t${k}`);
          // Renames (also into cycles and below a parent), hierarchical tags, deleting a tag (SPEC T1–T4).
          if (coin < 0.5) return void renameTag(d, `t${k}`, step % 8 === 0 ? `T/t${k}` : `t${(k + 1) % 4}`);
          return void (coin < 0.8 ? tagAssets(d, [asset], `T/t${k}`) : deleteTag(d, `t${k}`));
        }
        case 11: {
          if (rand() < 0.5) {
            // Date edits on a selection: shifts and time zones (SPEC DT1–DT3).
            if (step % 3 === 0) return void (step % 2 ? shiftTaken(d, [asset, ids[(step * 7) % ids.length]!], 60 * ((step % 5) - 2)) : setTimeZone(d, [asset], 60 * (step % 4), step % 8 < 4 ? 'instant' : 'wallClock'));
            return setTakenOverride(d, asset, rand() < 0.7 ? { takenAt: `20${10 + int(10)}-0${1 + int(9)}-1${int(10)}T12:00:00`, utcOffset: rand() < 0.5 ? null : 60 } : null);
          }
          return setPlaceOverride(d, asset, rand() < 0.7 ? { latitude: int(90), longitude: -int(180) } : null);
        }
        case 12: {
          const coin = rand();
          if (step % 2 !== 0) return setStack(d, asset, coin < 0.7 ? `s${int(3)}` : null);
          // Stacks with a primary, stacked and unstacked concurrently (SPEC ST1–ST4).
          const stack = `s${step % 3}`;
          const other = ids[(step * 7) % ids.length]!;
          if (coin < 0.4) return void (other !== asset && stackAssets(d, [asset, other], asset, stack));
          if (coin < 0.6) return unstack(d, stack);
          const current = d.getMap<string>('stacks').get(asset);
          return current === undefined ? addToStack(d, stack, [asset]) : setStackPrimary(d, current, asset);
        }
      }
    }
    if (op <= 18) {
      const album = pick(albums);
      if (op === 13 || album === undefined) {
        createAlbum(d, `Album ${int(100)}`, newId('al'), 1000 + step);
        return;
      }
      switch (op) {
        case 14: return rand() < 0.5 ? renameAlbum(d, album, `Name ${int(5)}`) : setAlbumCover(d, album, asset ?? null);
        case 15: if (asset) addToAlbum(d, album, asset); return;
        case 16: if (asset) removeFromAlbum(d, album, asset); return;
        case 17: {
          const members = readAlbum(d, album)?.assets ?? [];
          const m = pick(members);
          if (m) moveInAlbum(d, album, m, rand() < 0.3 ? null : (pick(members) ?? null));
          return;
        }
        case 18: return deleteAlbum(d, album);
      }
    }
    const person = pick(people);
    if (op === 19 || person === undefined) {
      createPerson(d, newId('p'));
      return;
    }
    if (op === 20) return rand() < 0.8 ? renamePerson(d, person, `Person ${int(4)}`, 1000 + int(50)) : setPersonHidden(d, person, rand() < 0.5);
    if (rand() < 0.5) mergePeople(d, person, pick(people)!);
    else if (asset) assignFace(d, `${asset}#${int(3)}`, person);
  };

  const check = (r: Replica, full: boolean): void => {
    const ids = new Set<AssetId>(factsIndex(r.doc).ids());
    if (ids.size !== factsIndex(r.doc).size) fail('I1: an asset id is indexed twice');
    if (full) {
      for (const a of listAssets(r.doc)) if (a.id !== (a.hash as string)) fail(`I1: asset ${a.id} holds facts of ${a.hash}`);
    }
    for (const id of r.seen) if (!ids.has(id)) fail(`I4: asset ${id} disappeared`);
    for (const id of ids) r.seen.add(id);
    for (const album of listAlbums(r.doc)) {
      if (new Set(album.assets).size !== album.assets.length) fail(`I2: album ${album.id} has duplicate members`);
    }
    for (const p of listPeople(r.doc)) if (p.mergedInto !== null && p.mergedInto === p.id) fail(`I3: person ${p.id} merged into itself`);
    const deleted = new Set<string>(deletedAssets(r.doc).map((x) => x.id));
    if (full) for (const a of listAssets(r.doc)) if (deleted.has(a.id)) fail(`I5: deleted asset ${a.id} is listed`);
    for (const album of listAlbums(r.doc)) for (const a of album.assets) if (deleted.has(a)) fail(`I5: deleted asset ${a} in album ${album.id}`);
    for (const stack of readStacks(r.doc).values()) {
      if (stack.members.length < 2 || !stack.members.includes(stack.primary)) fail(`I6: stack ${stack.id} is malformed`);
      for (const a of stack.members) if (deleted.has(a)) fail(`I5: deleted asset ${a} in stack ${stack.id}`);
    }
  };

  for (step = 0; step < steps; step++) {
    const roll = rand();
    const r = pick(replicas)!;
    if (roll < 0.5) edit(r);
    else if (roll < 0.7 && relayInbox.length > 0) deliverRelay();
    else if (roll < 0.88 && r.inbox.length > 0) deliverReplica(r);
    else if (roll < 0.95) {
      r.online = !r.online;
      if (!r.online) r.inbox = [];
      else r.stale = true;
    } else if (roll < 0.97) restartRelay();
    else if (r.online && r.stale) exchange(r);
    for (const x of replicas) if (x.online && x.stale && rand() < 0.3) exchange(x);
    for (const x of replicas) check(x, step % 10 === 0);
  }

  // Heal: everyone online, every queue drained, a final state-vector exchange each way.
  for (const r of replicas) r.online = true;
  while (relayInbox.length > 0) deliverRelay();
  for (const r of replicas) while (r.inbox.length > 0) deliverReplica(r);
  for (const r of replicas) exchange(r);
  for (const r of replicas) exchange(r);
  for (const r of replicas) check(r, true);
  const expected = catalogSnapshot(relay);
  for (const [i, r] of replicas.entries()) {
    if (catalogSnapshot(r.doc) !== expected) fail(`C1: replica ${i} differs from the relay`);
    // The incremental facts index must equal one built from scratch.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(r.doc));
    if (catalogSnapshot(fresh) !== expected) fail(`C1: replica ${i}'s incremental index differs from a rebuild`);
    if (r.doc.store.pendingStructs !== null) fail(`C1: replica ${i} still has pending updates`);
  }
  // Every replica migrates what older devices wrote; nothing shown changes (V2–V4).
  for (const r of replicas) initCatalog(r.doc);
  for (const r of replicas) exchange(r);
  for (const r of replicas) exchange(r);
  for (const [i, r] of replicas.entries()) {
    if (catalogSnapshot(r.doc) !== expected) fail(`V4: replica ${i} shows something else after migrating`);
    if (r.doc.getMap('assets').size > 0 || r.doc.getArray<Uint8Array>('facts').toArray().some((c) => factsChunkFormat(c) !== FACTS_FORMAT)) {
      fail(`V4: replica ${i} kept facts in an old format`);
    }
  }
  const assets = factsIndex(relay).size;
  relay.destroy();
  for (const r of replicas) r.doc.destroy();
  return { steps, assets };
};
