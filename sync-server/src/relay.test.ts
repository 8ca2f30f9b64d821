import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import {
  Access,
  ErrorReason,
  MessageType,
  PROTOCOL_VERSION,
  SyncStep,
  YWsMessage,
  decodeMessage,
  encodeMessage,
  type Message,
  type RoomId,
} from '../../protocol/src/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { createRelay, type Relay, type SessionId } from './relay.js';
import { createRoomRepository, type RoomRepository } from './room.repository.js';
import { CloseCode } from './socket.js';
import { RecordingSocket, createFakeAuth, createSyncPeer, tempDir, type FakeAuth, type SyncPeer } from './testing.js';

const ROOM = 'catalog:alice' as RoomId;

interface Harness {
  relay: Relay;
  auth: FakeAuth;
  repo: RoomRepository;
  db: SqliteDatabase;
  clock: { now: number };
  connect(token: string, room?: RoomId, doc?: Y.Doc): Client;
  settle(): Promise<void>;
}
interface Client {
  id: SessionId;
  socket: RecordingSocket;
  peer: SyncPeer;
  send(m: Message): void;
  raw(bytes: Uint8Array): void;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.relay.close();
    h.db.close();
  }
});

const createHarness = (options: { compactAfter?: number; dir?: string } = {}): Harness => {
  const db = openDatabase(options.dir ?? tempDir());
  const auth = createFakeAuth();
  const repo = createRoomRepository(db);
  const clock = { now: 0 };
  const relay = createRelay({ auth, rooms: repo, now: () => clock.now, idleUnloadMs: 1000, compactAfter: options.compactAfter });
  const pending: Promise<void>[] = [];
  const h: Harness = {
    relay,
    auth,
    repo,
    db,
    clock,
    connect(token, room = ROOM, doc) {
      const socket = new RecordingSocket();
      const id = relay.connectSync(socket);
      const raw = (bytes: Uint8Array): void => void pending.push(relay.handleMessage(id, bytes));
      const send = (m: Message): void => raw(encodeMessage(m));
      const peer = createSyncPeer(room, send, doc);
      socket.onFrame = (bytes) => peer.receive(decodeMessage(bytes));
      return { id, socket, peer, send, raw };
    },
    async settle() {
      while (pending.length > 0) await pending.shift();
    },
  };
  harnesses.push(h);
  return h;
};

const hello = (token: string): Message => ({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'test' });

const joinedClient = async (h: Harness, token: string, room = ROOM): Promise<Client> => {
  const c = h.connect(token, room);
  c.send(hello(token));
  c.send({ type: MessageType.join, room });
  c.send({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(c.peer.doc) });
  await h.settle();
  return c;
};

const errorsOf = (socket: RecordingSocket) => socket.messages().filter((m) => m.type === MessageType.error);

describe('relay core: /sync', () => {
  it('welcomes a valid hello and answers join with joined, then its state vector', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const c = await joinedClient(h, 't1');
    const [welcome, joined, step1] = c.socket.messages();
    expect(welcome).toMatchObject({ type: MessageType.welcome, version: PROTOCOL_VERSION, userId: 'alice', sessionId: c.id });
    expect(joined).toEqual({ type: MessageType.joined, room: ROOM, access: Access.admin });
    expect(step1).toMatchObject({ type: MessageType.sync, room: ROOM, step: SyncStep.step1 });
    expect(c.socket.closed).toBeUndefined();
  });

  it('two sessions converge, and a late joiner catches up', async () => {
    const h = createHarness();
    h.auth.addUser('ta', 'alice', { [ROOM]: 'admin' });
    h.auth.addUser('tb', 'bob', { [ROOM]: 'write' });
    const a = await joinedClient(h, 'ta');
    const b = await joinedClient(h, 'tb');
    a.peer.doc.getMap('tags').set('from-a', 1);
    b.peer.doc.getMap('tags').set('from-b', 2);
    await h.settle();
    expect(a.peer.doc.getMap('tags').toJSON()).toEqual({ 'from-a': 1, 'from-b': 2 });
    expect(b.peer.doc.getMap('tags').toJSON()).toEqual({ 'from-a': 1, 'from-b': 2 });

    const offline = new Y.Doc();
    offline.getMap('tags').set('offline', 3); // edited before connecting: arrives as the step2 reply
    const late = h.connect('tb', ROOM, offline);
    late.send(hello('tb'));
    late.send({ type: MessageType.join, room: ROOM });
    late.send({ type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: Y.encodeStateVector(late.peer.doc) });
    await h.settle();
    const expected = { 'from-a': 1, 'from-b': 2, offline: 3 };
    for (const c of [a, b, late]) expect(c.peer.doc.getMap('tags').toJSON()).toEqual(expected);
  });

  it('acks an update only after it is committed', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const c = await joinedClient(h, 't1');
    let committedAtAck: unknown;
    c.socket.onFrame = (bytes) => {
      const m = decodeMessage(bytes);
      if (m.type === MessageType.ack) {
        const doc = new Y.Doc(); // read synchronously, at the moment the ack goes out
        for (const row of h.db.prepare<[string], { data: Buffer }>('SELECT data FROM room_updates WHERE room = ?').all(ROOM)) Y.applyUpdate(doc, row.data);
        committedAtAck = doc.getMap('tags').get('k');
      }
      c.peer.receive(m);
    };
    c.peer.doc.getMap('tags').set('k', 'v');
    await h.settle();
    expect(c.peer.acked.has(c.peer.seq())).toBe(true);
    expect(committedAtAck).toBe('v');
  });

  it('refuses writes on a read-only grant without closing, and still serves reads', async () => {
    const h = createHarness();
    h.auth.addUser('tw', 'alice', { [ROOM]: 'admin' });
    h.auth.addUser('tr', 'reader', { [ROOM]: 'read' });
    const writer = await joinedClient(h, 'tw');
    writer.peer.doc.getMap('tags').set('x', 1);
    const reader = await joinedClient(h, 'tr');
    expect(reader.socket.messages()[1]).toEqual({ type: MessageType.joined, room: ROOM, access: Access.read });
    reader.peer.doc.getMap('tags').set('evil', true);
    await h.settle();
    expect(errorsOf(reader.socket).map((m) => m.type === MessageType.error && m.reason)).toContain(ErrorReason.readOnly);
    expect(reader.socket.closed).toBeUndefined();
    expect(reader.peer.acked.size).toBe(0);
    expect(writer.peer.doc.getMap('tags').has('evil')).toBe(false);
    expect(reader.peer.doc.getMap('tags').get('x')).toBe(1);
  });

  it.each([
    ['a truncated frame', new Uint8Array([MessageType.update, 3])],
    ['an unknown message type', new Uint8Array([77])],
    ['an empty frame', new Uint8Array([])],
    ['trailing bytes', new Uint8Array([...encodeMessage({ type: MessageType.join, room: ROOM }), 0])],
  ])('answers %s with error malformed and closes', async (_name, frame) => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const c = await joinedClient(h, 't1');
    c.raw(frame);
    await h.settle();
    expect(c.socket.last()).toMatchObject({ type: MessageType.error, reason: ErrorReason.malformed });
    expect(c.socket.closed?.code).toBe(CloseCode.malformed);
  });

  it('closes a session that skips hello, sends a bad token, or speaks no common version', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const noHello = h.connect('t1');
    noHello.send({ type: MessageType.join, room: ROOM });
    const badToken = h.connect('nope');
    badToken.send(hello('nope'));
    const future = h.connect('t1');
    future.send({ type: MessageType.hello, versions: [PROTOCOL_VERSION + 5], token: 't1', clientId: 'x' });
    const ancient = h.connect('t1');
    ancient.send({ type: MessageType.hello, versions: [0], token: 't1', clientId: 'x' });
    await h.settle();
    expect(noHello.socket.last()).toMatchObject({ reason: ErrorReason.helloRequired });
    expect(badToken.socket.last()).toMatchObject({ reason: ErrorReason.unauthorized });
    expect(future.socket.last()).toMatchObject({ reason: ErrorReason.serverTooOld });
    expect(ancient.socket.last()).toMatchObject({ reason: ErrorReason.clientTooOld });
    for (const c of [noHello, badToken, future, ancient]) expect(c.socket.closed).toBeDefined();
    expect(badToken.socket.closed?.code).toBe(CloseCode.unauthorized);
  });

  it('refuses rooms without a grant and messages for unjoined rooms, keeping the session', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const c = await joinedClient(h, 't1');
    const other = 'catalog:bob' as RoomId;
    c.send({ type: MessageType.join, room: other });
    c.send({ type: MessageType.update, room: other, seq: 1, update: new Uint8Array([0, 0]) });
    await h.settle();
    expect(errorsOf(c.socket)).toEqual([
      { type: MessageType.error, reason: ErrorReason.forbidden, room: other, message: expect.any(String) },
      { type: MessageType.error, reason: ErrorReason.notJoined, room: other, message: expect.any(String) },
    ]);
    expect(c.socket.closed).toBeUndefined();
  });

  it('closes live sessions at once when their token is revoked', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    h.auth.addUser('t2', 'bob', { [ROOM]: 'admin' });
    const a = await joinedClient(h, 't1');
    const b = await joinedClient(h, 't2');
    h.auth.revoke('t1');
    expect(a.socket.last()).toMatchObject({ type: MessageType.error, reason: ErrorReason.unauthorized });
    expect(a.socket.closed?.code).toBe(CloseCode.unauthorized);
    expect(b.socket.closed).toBeUndefined();
  });

  it('relays awareness to the other sessions and announces departures', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const a = await joinedClient(h, 't1');
    const b = await joinedClient(h, 't1');
    const presence = new awarenessProtocol.Awareness(a.peer.doc);
    presence.setLocalState({ name: 'alice' });
    const update = awarenessProtocol.encodeAwarenessUpdate(presence, [a.peer.doc.clientID]);
    a.send({ type: MessageType.awareness, room: ROOM, update });
    await h.settle();
    expect(b.socket.last()).toEqual({ type: MessageType.awareness, room: ROOM, update });
    a.send({ type: MessageType.leave, room: ROOM });
    await h.settle();
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(seen, update, null);
    const gone = b.socket.last();
    expect(gone?.type).toBe(MessageType.awareness);
    if (gone?.type === MessageType.awareness) awarenessProtocol.applyAwarenessUpdate(seen, gone.update, null);
    expect(seen.getStates().has(a.peer.doc.clientID)).toBe(false);
    presence.destroy();
    seen.destroy();
  });

  it('drops a consumer whose send buffer is over the limit', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const a = await joinedClient(h, 't1');
    const slow = await joinedClient(h, 't1');
    slow.socket.buffered = 64 * 1024 * 1024;
    a.peer.doc.getMap('tags').set('k', 1);
    await h.settle();
    expect(slow.socket.closed?.code).toBe(CloseCode.tryAgainLater);
    expect(a.socket.closed).toBeUndefined();
  });

  it('unloads idle rooms and reloads them from storage', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const a = await joinedClient(h, 't1');
    a.peer.doc.getMap('tags').set('kept', true);
    await h.settle();
    expect(h.relay.sweepIdleRooms()).toBe(0);
    h.relay.disconnect(a.id);
    h.clock.now += 999;
    expect(h.relay.sweepIdleRooms()).toBe(0);
    h.clock.now += 1;
    expect(h.relay.sweepIdleRooms()).toBe(1);
    expect(h.relay.loadedRooms()).toBe(0);
    const b = await joinedClient(h, 't1');
    expect(b.peer.doc.getMap('tags').get('kept')).toBe(true);
  });
});

describe('relay core: y-websocket sessions', () => {
  const ywsFrame = (write: (e: encoding.Encoder) => void): Uint8Array => {
    const e = encoding.createEncoder();
    write(e);
    return encoding.toUint8Array(e);
  };

  it('authorises at open, syncs both ways with /sync sessions, and drops read-only writes', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    h.auth.addUser('tr', 'reader', { [ROOM]: 'read' });
    const syncClient = await joinedClient(h, 't1');
    syncClient.peer.doc.getText('description').insert(0, 'hello');
    await h.settle();

    const socket = new RecordingSocket();
    const id = h.relay.connectYws(socket, ROOM, 't1');
    const doc = new Y.Doc();
    await h.relay.handleMessage(id, ywsFrame((e) => (encoding.writeVarUint(e, YWsMessage.sync), syncProtocol.writeSyncStep1(e, doc))));
    const [step1, step2] = socket.frames;
    expect(step1![0]).toBe(YWsMessage.sync);
    // The reply to our step1 carries the /sync client's edit.
    syncProtocol.readSyncMessage(
      (await import('lib0/decoding')).createDecoder(step2!.subarray(1)),
      encoding.createEncoder(),
      doc,
      'remote',
    );
    expect(doc.getText('description').toString()).toBe('hello');

    const edit = new Y.Doc();
    Y.applyUpdate(edit, Y.encodeStateAsUpdate(doc));
    edit.getText('description').insert(5, ' world');
    const update = Y.encodeStateAsUpdate(edit, Y.encodeStateVector(doc));
    await h.relay.handleMessage(id, ywsFrame((e) => (encoding.writeVarUint(e, YWsMessage.sync), syncProtocol.writeUpdate(e, update))));
    await h.settle();
    expect(syncClient.peer.doc.getText('description').toString()).toBe('hello world');

    const readerSocket = new RecordingSocket();
    const readerId = h.relay.connectYws(readerSocket, ROOM, 'tr');
    edit.getText('description').insert(0, '!');
    const sneaky = Y.encodeStateAsUpdate(edit);
    await h.relay.handleMessage(readerId, ywsFrame((e) => (encoding.writeVarUint(e, YWsMessage.sync), syncProtocol.writeUpdate(e, sneaky))));
    await h.settle();
    expect(syncClient.peer.doc.getText('description').toString()).toBe('hello world');
    expect(readerSocket.closed).toBeUndefined();
  });

  it('closes with 4401 for a bad token, 4403 without a grant, 4400 for a bad room or frame', async () => {
    const h = createHarness();
    h.auth.addUser('t1', 'alice', { [ROOM]: 'admin' });
    const cases: [string, string | undefined, number][] = [
      [ROOM, 'bad', CloseCode.unauthorized],
      [ROOM, undefined, CloseCode.unauthorized],
      ['catalog:bob', 't1', CloseCode.forbidden],
      ['../etc', 't1', CloseCode.malformed],
    ];
    for (const [room, token, code] of cases) {
      const socket = new RecordingSocket();
      h.relay.connectYws(socket, room, token);
      await h.settle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(socket.closed?.code, `${room} ${token}`).toBe(code);
    }
    const socket = new RecordingSocket();
    const id = h.relay.connectYws(socket, ROOM, 't1');
    await h.relay.handleMessage(id, new Uint8Array([9, 9, 9]));
    expect(socket.closed?.code).toBe(CloseCode.malformed);
  });
});
