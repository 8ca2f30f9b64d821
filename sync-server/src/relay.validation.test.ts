import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CATALOG_SCHEMA_VERSION,
  ErrorReason,
  MessageType,
  PROTOCOL_VERSION,
  SyncStep,
  decodeMessage,
  encodeMessage,
  initCatalog,
  type Message,
  type RoomId,
} from '../../protocol/src/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { clockBomb, rawItem } from './hostile-updates.js';
import { createRelay, type Relay, type SessionId } from './relay.js';
import { createRoomRepository, type RoomRepository } from './room.repository.js';
import { CloseCode } from './socket.js';
import { RecordingSocket, createFakeAuth, createSyncPeer, tempDir, type FakeAuth, type SyncPeer } from './testing.js';
import { ywsSyncStep1, ywsUpdate } from './yws.codec.js';

const CATALOG = 'catalog:alice' as RoomId;
const ALBUM = 'album:trip' as RoomId;

interface Harness {
  relay: Relay;
  auth: FakeAuth;
  repo: RoomRepository;
  dir: string;
  join(room?: RoomId, doc?: Y.Doc): Promise<Client>;
  settle(): Promise<void>;
  restart(): Promise<void>;
}
interface Client {
  id: SessionId;
  socket: RecordingSocket;
  peer: SyncPeer;
  raw(bytes: Uint8Array): void;
}

const open: { relay: Relay; db: SqliteDatabase }[] = [];
afterEach(async () => {
  for (const { relay, db } of open.splice(0)) {
    await relay.close();
    db.close();
  }
});

const createHarness = (options: { compactAfter?: number; failAppend?: () => boolean } = {}): Harness => {
  const dir = tempDir('shoebox-validate-');
  const auth = createFakeAuth();
  auth.addUser('tok', 'alice', { [CATALOG]: 'admin', [ALBUM]: 'write' });
  const pending: Promise<void>[] = [];
  const start = () => {
    const db = openDatabase(dir);
    const store = createRoomRepository(db);
    // A store whose appends fail on demand, as on a full disk.
    const repo: RoomRepository = {
      ...store,
      load: (room) => store.load(room),
      compact: (room, snapshot, through) => store.compact(room, snapshot, through),
      append: (room, update) => (options.failAppend?.() ? Promise.reject(new Error('ENOSPC: no space left on device')) : store.append(room, update)),
    };
    const relay = createRelay({ auth, rooms: repo, compactAfter: options.compactAfter });
    open.push({ relay, db });
    return { relay, repo };
  };
  const h: Harness = {
    ...start(),
    auth,
    dir,
    async join(room = CATALOG, doc) {
      const socket = new RecordingSocket();
      const id = h.relay.connectSync(socket);
      const raw = (bytes: Uint8Array): void => void pending.push(h.relay.handleMessage(id, bytes));
      const send = (m: Message): void => raw(encodeMessage(m));
      const peer = createSyncPeer(room, send, doc);
      socket.onFrame = (bytes) => peer.receive(decodeMessage(bytes));
      send({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token: 'tok', clientId: 'test' });
      send({ type: MessageType.join, room });
      send({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(peer.doc) });
      await h.settle();
      return { id, socket, peer, raw };
    },
    async settle() {
      while (pending.length > 0) await pending.shift();
    },
    async restart() {
      const { relay, db } = open.pop()!;
      await relay.close();
      db.close();
      Object.assign(h, start());
    },
  };
  return h;
};

const update = (room: RoomId, bytes: Uint8Array, seq = 1000): Uint8Array => encodeMessage({ type: MessageType.update, room, seq, update: bytes });
const errorsOf = (c: Client) => c.socket.messages().filter((m) => m.type === MessageType.error);
const updatesTo = (c: Client) => c.socket.messages().filter((m) => m.type === MessageType.sync && m.step === SyncStep.update);

/** What a stock reader does with the room: decode every stored update and read the state vector back. */
const readableByStockClient = async (repo: RoomRepository, room: RoomId): Promise<Y.Doc> => {
  const stored = await repo.load(room);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  Y.decodeStateVector(Y.encodeStateVector(copy));
  return copy;
};

describe('relay validates every update before it stores, acks or relays it', () => {
  it('[clock bomb] on /sync: refused with invalidUpdate, not relayed, the room readable after compaction and restart', async () => {
    const h = createHarness({ compactAfter: 3 });
    const a = await h.join();
    const b = await h.join();
    a.peer.doc.getMap('tags').set('before', true);
    await h.settle();
    a.raw(update(CATALOG, clockBomb(), 77));
    await h.settle();
    expect(errorsOf(a)).toMatchObject([{ type: MessageType.error, reason: ErrorReason.invalidUpdate, room: CATALOG }]);
    expect(a.socket.closed).toBeUndefined(); // the session stays: the client resynchronises
    expect(a.peer.acked.has(77)).toBe(false);
    expect(updatesTo(b)).toHaveLength(1); // only 'before'
    // More edits: compaction runs over the log, then the relay restarts from the store.
    for (let i = 0; i < 5; i++) a.peer.doc.getMap('tags').set(`after${i}`, true);
    await h.settle();
    await h.restart();
    expect((await readableByStockClient(h.repo, CATALOG)).getMap('tags').toJSON()).toEqual({ before: true, after0: true, after1: true, after2: true, after3: true, after4: true });
    const late = await h.join();
    expect(late.peer.doc.getMap('tags').size).toBe(6);
    Y.decodeStateVector(Y.encodeStateVector(late.peer.doc));
  });

  it('[clock bomb] on /yjs: the socket closes 4422 with the reason, nothing stored or relayed', async () => {
    const h = createHarness();
    const watcher = await h.join();
    const socket = new RecordingSocket();
    const id = h.relay.connectYws(socket, CATALOG, 'tok');
    await h.relay.handleMessage(id, ywsSyncStep1(new Uint8Array([0])));
    await h.relay.handleMessage(id, ywsUpdate(clockBomb()));
    expect(socket.closed?.code).toBe(CloseCode.invalidUpdate);
    expect(socket.closed?.reason).toBe(ErrorReason.invalidUpdate);
    expect(updatesTo(watcher)).toEqual([]);
    expect((await h.repo.load(CATALOG)).updates).toEqual([]);
    const doc = await readableByStockClient(h.repo, CATALOG);
    expect(Y.encodeStateVector(doc)).toEqual(new Uint8Array([0]));
  });

  it('refuses other out-of-bound clocks, 64-bit client ids and subdocuments, raw or through Yjs', async () => {
    const h = createHarness();
    const a = await h.join();
    const sub = new Y.Doc();
    sub.getMap('tags').set('doc', new Y.Doc());
    const refused = [
      clockBomb(1, 2 ** 41), // readable, but far past any real clock
      rawItem({ client: 2 ** 33, clock: 0, parent: 'tags', key: 'k' }),
      rawItem({ client: 7, clock: 2 ** 40, parent: 'tags', key: 'k' }),
      Y.encodeStateAsUpdate(sub),
    ];
    refused.forEach((bytes, i) => a.raw(update(CATALOG, bytes, i + 1)));
    await h.settle();
    expect(errorsOf(a).map((m) => (m as { reason: string }).reason)).toEqual(refused.map(() => ErrorReason.invalidUpdate));
    expect(a.peer.acked.size).toBe(0);
    expect((await h.repo.load(CATALOG)).updates).toEqual([]);
  });

  it('[schema] a device cannot set meta.schemaVersion=999; the refused edit is never served to a second client', async () => {
    const h = createHarness();
    const a = await h.join();
    initCatalog(a.peer.doc); // stamps the current version: allowed
    await h.settle();
    expect(a.peer.acked.size).toBe(1);
    const watching = await h.join();
    a.peer.doc.getMap('meta').set('schemaVersion', 999);
    await h.settle();
    expect(errorsOf(a)).toMatchObject([{ reason: ErrorReason.invalidUpdate, room: CATALOG }]);
    expect((errorsOf(a)[0] as { message: string }).message).toMatch(/schemaVersion 999/);
    expect(updatesTo(watching)).toEqual([]);
    expect(watching.peer.doc.getMap('meta').get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
    const late = await h.join();
    expect(late.peer.doc.getMap('meta').get('schemaVersion')).toBe(CATALOG_SCHEMA_VERSION);
    expect(() => initCatalog(late.peer.doc)).not.toThrow();
    // The sender's replica has diverged: its later structs depend on the refused one and stay
    // pending in the room until it resynchronises from a fresh replica, whose edits go through.
    a.peer.doc.getMap('tags').set('stranded', true);
    const fresh = await h.join();
    fresh.peer.doc.getMap('tags').set('fresh', true);
    await h.settle();
    expect(late.peer.doc.getMap('tags').toJSON()).toEqual({ fresh: true });
  });

  it('[schema] a bad meta value parked behind a gap is refused when its origin arrives', async () => {
    const h = createHarness();
    const a = await h.join();
    const device = new Y.Doc();
    const updates: Uint8Array[] = [];
    device.on('update', (u: Uint8Array) => updates.push(u));
    device.getMap('meta').set('schemaVersion', CATALOG_SCHEMA_VERSION);
    device.getMap('meta').set('schemaVersion', 999); // its origin is the struct above
    a.raw(update(CATALOG, updates[1]!, 1)); // waits for its origin: held pending, not in meta
    a.raw(update(CATALOG, updates[0]!, 2)); // valid alone, but would let 999 in
    await h.settle();
    expect(errorsOf(a)).toMatchObject([{ reason: ErrorReason.invalidUpdate, message: expect.stringMatching(/schemaVersion 999/) }]);
    const late = await h.join();
    expect(late.peer.doc.getMap('meta').get('schemaVersion')).toBeUndefined();
  });

  it('[schema] a room keeps its kind: no unknown top-level types or meta fields, album meta values checked', async () => {
    const h = createHarness();
    const album = await h.join(ALBUM);
    album.peer.doc.getMap('meta').set('name', 'Trip');
    album.peer.doc.getMap('members').set('x', 1);
    await h.settle();
    expect(errorsOf(album)).toEqual([]);
    // Each from a fresh replica: a refused struct strands the sender's later ones.
    const edits: ((doc: Y.Doc) => void)[] = [
      (doc) => doc.getMap('meta').set('owner', '../../etc'),
      (doc) => doc.getMap('meta').set('admin', true),
      (doc) => doc.getMap('favorite').set('x', true), // a catalog type, not an album's
    ];
    const messages: string[] = [];
    for (const edit of edits) {
      const c = await h.join(ALBUM);
      edit(c.peer.doc);
      await h.settle();
      messages.push(...errorsOf(c).map((m) => (m as { message: string }).message));
    }
    album.raw(update(ALBUM, rawItem({ client: 99, clock: 0, parent: 'evil' })));
    await h.settle();
    messages.push(...errorsOf(album).map((m) => (m as { message: string }).message));
    expect(messages).toEqual([
      expect.stringMatching(/meta\.owner/),
      expect.stringMatching(/meta field "admin"/),
      expect.stringMatching(/top-level type "favorite"/),
      expect.stringMatching(/top-level type "evil"/),
    ]);
    const late = await h.join(ALBUM);
    expect(late.peer.doc.getMap('meta').toJSON()).toEqual({ name: 'Trip' });
  });

  it('[disk full] an edit the store refused is not kept in the room and not served to later clients', async () => {
    let full = false;
    const h = createHarness({ failAppend: () => full });
    const a = await h.join();
    a.peer.doc.getMap('tags').set('kept', true);
    await h.settle();
    full = true;
    a.peer.doc.getMap('tags').set('lost', true);
    await h.settle();
    expect(errorsOf(a)).toMatchObject([{ reason: ErrorReason.internal }]);
    expect(a.socket.closed?.code).toBe(CloseCode.tryAgainLater);
    full = false;
    const late = await h.join();
    expect(late.peer.doc.getMap('tags').toJSON()).toEqual({ kept: true });
  });
});
