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

  it('applying the same update twice is harmless', () => {
    const db = open(tempDir());
    const room = loadRoom(ROOM, createRoomRepository(db), { compactAfter: 500 });
    const update = editUpdate((d) => d.getArray('a').push(['once']));
    room.applyUpdate(update);
    room.applyUpdate(update);
    expect(room.doc.getArray('a').toArray()).toEqual(['once']);
    room.destroy();
    const reloaded = loadRoom(ROOM, createRoomRepository(db), { compactAfter: 500 });
    expect(reloaded.doc.getArray('a').toArray()).toEqual(['once']);
    reloaded.destroy();
  });

  it('survives reopening the database, including updates whose dependencies come later', () => {
    const dir = tempDir();
    const first = new Y.Doc();
    const u1 = editUpdate((d) => d.getText('t').insert(0, 'abc'), first);
    Y.applyUpdate(first, u1);
    const u2 = editUpdate((d) => d.getText('t').insert(3, 'def'), first);
    let room = loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    room.applyUpdate(u2); // arrives before the update it builds on: stays pending
    expect(room.doc.getText('t').toString()).toBe('');
    room.destroy();
    dbs.pop()!.close();
    room = loadRoom(ROOM, createRoomRepository(open(dir)), { compactAfter: 500 });
    room.applyUpdate(u1);
    expect(room.doc.getText('t').toString()).toBe('abcdef');
    room.destroy();
  });

  it('compacts the log into a snapshot once it exceeds the threshold, losing nothing', () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = loadRoom(ROOM, repo, { compactAfter: 20 });
    for (let i = 0; i < 45; i++) room.applyUpdate(editUpdate((d) => d.getMap('m').set(`k${i}`, i), room.doc));
    const stored = repo.load(ROOM);
    expect(stored.snapshot).toBeDefined();
    expect(stored.updates.length).toBeLessThanOrEqual(20);
    room.destroy();
    const reloaded = loadRoom(ROOM, createRoomRepository(db), { compactAfter: 20 });
    expect(Object.keys(reloaded.doc.getMap('m').toJSON())).toHaveLength(45);
    reloaded.destroy();
  });

  it('keeps empty handshake diffs out of the log', () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = loadRoom(ROOM, repo, { compactAfter: 500 });
    expect(room.applyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false);
    expect(repo.load(ROOM).updates).toHaveLength(0);
    room.destroy();
  });

  it('stores nothing for an update Yjs cannot read', () => {
    const db = open(tempDir());
    const repo = createRoomRepository(db);
    const room = loadRoom(ROOM, repo, { compactAfter: 500 });
    expect(() => room.applyUpdate(new Uint8Array([200, 1, 2, 3]))).toThrow(/undecodable/);
    expect(repo.load(ROOM).updates).toHaveLength(0);
    room.destroy();
  });
});
