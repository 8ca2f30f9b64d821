/**
 * The contract every RoomRepository implementation passes (embedded SQLite, PostgreSQL):
 * durable ordered appends, isolation between rooms, reopening, concurrent writers, and
 * compaction that never loses an update or lets an older snapshot win.
 *
 *   runRoomStoreContractTests('sqlite', async () => ({ open: async () => createRoomRepository(db), dispose }))
 *   runRoomStoreContractTests('postgres', async () => ({ open: () => createPostgresRoomRepository(url), dispose }))
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RoomId } from '../../protocol/src/index.js';
import type { RoomRepository, StoredRoom } from './room.repository.js';
import { useStoreFixtures, type StoreFixture } from './store-fixture.js';

export type RoomStoreFixture = StoreFixture<RoomRepository>;

const ROOM = 'album:contract' as RoomId;
const OTHER = 'catalog:contract' as RoomId;

/** A Yjs update setting `key` in map `m`, on top of `base` when given. */
export const mapUpdate = (key: string, value: unknown, base?: Y.Doc): Uint8Array => {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(doc);
  doc.getMap('m').set(key, value);
  return Y.encodeStateAsUpdate(doc, sv);
};

export const docOf = (stored: StoredRoom): Y.Doc => {
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
  });
  return doc;
};

const keysOf = (stored: StoredRoom): string[] => Object.keys(docOf(stored).getMap('m').toJSON()).sort();

export const runRoomStoreContractTests = (name: string, factory: () => Promise<RoomStoreFixture>): void => {
  describe(`room store contract: ${name}`, () => {
    const fixture = useStoreFixtures(factory);
    const setup = async (): Promise<{ store: RoomRepository; reopen(): Promise<RoomRepository> }> => {
      const { store, open: more } = await fixture();
      return { store, reopen: more };
    };

    it('loads a room never written as empty', async () => {
      const { store } = await setup();
      expect(await store.load(ROOM)).toEqual({ snapshot: undefined, updates: [], through: 0 });
    });

    it('returns appended updates byte for byte, in commit order, with growing log counts', async () => {
      const { store } = await setup();
      const updates = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(70_000).map((_, i) => i % 251)];
      const counts: number[] = [];
      for (const u of updates) counts.push(await store.append(ROOM, u));
      expect(counts).toEqual([1, 2, 3]);
      const stored = await store.load(ROOM);
      expect(stored.updates.map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
      expect(stored.through).toBeGreaterThan(0);
    });

    it('keeps rooms apart', async () => {
      const { store } = await setup();
      await store.append(ROOM, mapUpdate('a', 1));
      await store.append(OTHER, mapUpdate('b', 2));
      expect(keysOf(await store.load(ROOM))).toEqual(['a']);
      expect(keysOf(await store.load(OTHER))).toEqual(['b']);
    });

    it('keeps every acknowledged append across a reopen', async () => {
      const { store, reopen } = await setup();
      for (let i = 0; i < 20; i++) await store.append(ROOM, mapUpdate(`k${i}`, i));
      await store.close();
      const again = await reopen();
      expect(keysOf(await again.load(ROOM))).toHaveLength(20);
    });

    it('stores every one of many concurrent appends, from two store instances', async () => {
      const { store, reopen } = await setup();
      const second = await reopen();
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? store : second).append(i % 3 ? ROOM : OTHER, mapUpdate(`k${i}`, i))));
      const a = keysOf(await store.load(ROOM));
      const b = keysOf(await second.load(OTHER));
      expect(a.length + b.length).toBe(200);
      expect(a.length).toBe(133);
    });

    it('compacts into a snapshot, keeping updates appended after the horizon', async () => {
      const { store, reopen } = await setup();
      for (let i = 0; i < 10; i++) await store.append(ROOM, mapUpdate(`k${i}`, i));
      const before = await store.load(ROOM);
      await store.append(ROOM, mapUpdate('late', true)); // lands while the compactor works
      const snapshot = Y.encodeStateAsUpdate(docOf(before));
      expect(await store.compact(ROOM, snapshot, before.through)).toBe(true);
      const after = await (await reopen()).load(ROOM);
      expect(after.snapshot).toBeDefined();
      expect(after.updates).toHaveLength(1);
      expect(after.through).toBeGreaterThan(before.through);
      expect(keysOf(after)).toEqual([...Array.from({ length: 10 }, (_, i) => `k${i}`), 'late'].sort());
      expect(await store.append(ROOM, mapUpdate('next', 1))).toBe(2);
    });

    it('ignores a compaction older than the stored snapshot', async () => {
      const { store } = await setup();
      await store.append(ROOM, mapUpdate('a', 1));
      const old = await store.load(ROOM);
      await store.append(ROOM, mapUpdate('b', 2));
      const newer = await store.load(ROOM);
      expect(await store.compact(ROOM, Y.encodeStateAsUpdate(docOf(newer)), newer.through)).toBe(true);
      expect(await store.compact(ROOM, Y.encodeStateAsUpdate(docOf(old)), old.through)).toBe(false);
      expect(keysOf(await store.load(ROOM))).toEqual(['a', 'b']);
    });

    it('compacting twice to the same horizon changes nothing', async () => {
      const { store } = await setup();
      await store.append(ROOM, mapUpdate('a', 1));
      const stored = await store.load(ROOM);
      const snapshot = Y.encodeStateAsUpdate(docOf(stored));
      expect(await store.compact(ROOM, snapshot, stored.through)).toBe(true);
      expect(await store.compact(ROOM, snapshot, stored.through)).toBe(false);
      expect(keysOf(await store.load(ROOM))).toEqual(['a']);
    });
  });
};
