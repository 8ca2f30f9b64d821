import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { RoomId } from '../../protocol/src/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { loadRoom } from './room.js';
import { createRoomRepository } from './room.repository.js';
import { tempDir } from './testing.js';

const ROOM = 'album:trip' as RoomId;
const dbs: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
const open = (dir: string): SqliteDatabase => {
  const db = openDatabase(dir);
  dbs.push(db);
  return db;
};

const editUpdate = (fn: (doc: Y.Doc) => void, base?: Y.Doc): Uint8Array => {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const sv = Y.encodeStateVector(doc);
  fn(doc);
  return Y.encodeStateAsUpdate(doc, sv);
};

describe('room persistence', () => {
  it('opens the database in WAL mode with synchronous=FULL', () => {
    const db = open(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('applying the same update twice is harmless', async () => {
    const db = open(tempDir());
    const room = await loadRoom(ROOM, createRoomRepository(db), { compactAfter: 500 });
    const update = editUpdate((d) => d.getMap('members').set('once', 1));
    await room.applyUpdate(update);
    await room.applyUpdate(update);
    expect(room.doc.getMap('members').toJSON()).toEqual({ once: 1 });
    room.destroy();
    const reloaded = await loadRoom(ROOM, createRoomRepository(db), { compactAfter: 500 });
    expect(reloaded.doc.getMap('members').toJSON()).toEqual({ once: 1 });
    reloaded.destroy();
  });

  it('survives reopening the database, including updates whose dependencies come later', async () => {
    const dir = tempDir();
    // Two edits of one device (the relay accepts a gap in a client's own clocks, not a missing
    // dependency on another client's structs: update-check.ts).
    const first = new Y.Doc();
    const edits: Uint8Array[] = [];
    first.on('update', (u: Uint8Array) => edits.push(u));
    first.getMap('members').set('a', 'abc');
    first.getMap('members').set('a', 'abcdef');
    const [u1, u2] = edits as [Uint8Array, Uint8Array];
    let room = await loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    await room.applyUpdate(u2); // arrives before the update it builds on: stays pending
    expect(room.doc.getMap('members').get('a')).toBeUndefined();
    room.destroy();
    dbs.pop()!.close();
    room = await loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    await room.applyUpdate(u1);
    expect(room.doc.getMap('members').get('a')).toBe('abcdef');
    room.destroy();
  });

  it('compacts the log into a snapshot once it exceeds the threshold, losing nothing', async () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = await loadRoom(ROOM, repo, { compactAfter: 20 });
    for (let i = 0; i < 45; i++) await room.applyUpdate(editUpdate((d) => d.getMap('addedBy').set(`k${i}`, i), room.doc));
    await room.settled(); // compaction runs in the background
    const stored = await repo.load(ROOM);
    expect(stored.snapshot).toBeDefined();
    expect(stored.updates.length).toBeLessThanOrEqual(20);
    room.destroy();
    const reloaded = await loadRoom(ROOM, createRoomRepository(db), { compactAfter: 20 });
    expect(Object.keys(reloaded.doc.getMap('addedBy').toJSON())).toHaveLength(45);
    reloaded.destroy();
  });

  it('keeps empty handshake diffs out of the log', async () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = await loadRoom(ROOM, repo, { compactAfter: 500 });
    expect(await room.applyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
    expect((await repo.load(ROOM)).updates).toHaveLength(0);
    room.destroy();
  });

  it('stores nothing for an update Yjs cannot read', async () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = await loadRoom(ROOM, repo, { compactAfter: 500 });
    await expect(room.applyUpdate(new Uint8Array([200, 1, 2, 3]))).rejects.toThrow(/undecodable/);
    expect((await repo.load(ROOM)).updates).toHaveLength(0);
    room.destroy();
  });
});
