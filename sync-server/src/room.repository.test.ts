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
    const update = editUpdate((d) => d.getArray('a').push(['once']));
    await room.applyUpdate(update);
    await room.applyUpdate(update);
    expect(room.doc.getArray('a').toArray()).toEqual(['once']);
    room.destroy();
    const reloaded = await loadRoom(ROOM, createRoomRepository(db), { compactAfter: 500 });
    expect(reloaded.doc.getArray('a').toArray()).toEqual(['once']);
    reloaded.destroy();
  });

  it('survives reopening the database, including updates whose dependencies come later', async () => {
    const dir = tempDir();
    const first = new Y.Doc();
    const u1 = editUpdate((d) => d.getText('t').insert(0, 'abc'), first);
    Y.applyUpdate(first, u1);
    const u2 = editUpdate((d) => d.getText('t').insert(3, 'def'), first);
    let room = await loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    await room.applyUpdate(u2); // arrives before the update it builds on: stays pending
    expect(room.doc.getText('t').toString()).toBe('');
    room.destroy();
    dbs.pop()!.close();
    room = await loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    await room.applyUpdate(u1);
    expect(room.doc.getText('t').toString()).toBe('abcdef');
    room.destroy();
  });

  it('compacts the log into a snapshot once it exceeds the threshold, losing nothing', async () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = await loadRoom(ROOM, repo, { compactAfter: 20 });
    for (let i = 0; i < 45; i++) await room.applyUpdate(editUpdate((d) => d.getMap('m').set(`k${i}`, i), room.doc));
    await room.settled(); // compaction runs in the background
    const stored = await repo.load(ROOM);
    expect(stored.snapshot).toBeDefined();
    expect(stored.updates.length).toBeLessThanOrEqual(20);
    room.destroy();
    const reloaded = await loadRoom(ROOM, createRoomRepository(db), { compactAfter: 20 });
    expect(Object.keys(reloaded.doc.getMap('m').toJSON())).toHaveLength(45);
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
