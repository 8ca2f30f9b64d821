import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ErrorReason, MessageType, PROTOCOL_VERSION, SyncStep, encodeMessage, type Message, type RoomId } from '../../protocol/src/index.js';
import { openDatabase } from './database.js';
import { createRelay, type Relay } from './relay.js';
import { createRoomRepository } from './room.repository.js';
import { CloseCode } from './socket.js';
import { RecordingSocket, createFakeAuth, tempDir, waitFor } from './testing.js';

const ROOM = 'album:limits' as RoomId;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const setup = (options: { maxMessagesPerSecond?: number; now?: () => number } = {}) => {
  const db = openDatabase(tempDir());
  const auth = createFakeAuth();
  const relay: Relay = createRelay({ auth, rooms: createRoomRepository(db), ...options });
  cleanups.push(() => void db.close(), () => relay.close());
  const join = async (token: string) => {
    const socket = new RecordingSocket();
    const id = relay.connectSync(socket);
    const send = (m: Message) => relay.handleMessage(id, encodeMessage(m));
    await send({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'c' });
    await send({ type: MessageType.join, room: ROOM });
    return { socket, send, id };
  };
  return { relay, auth, join };
};

const edit = (key: string): Uint8Array => {
  const doc = new Y.Doc();
  doc.getMap('members').set(key, 1);
  return Y.encodeStateAsUpdate(doc);
};

describe('relay limits and grant revocation', () => {
  it('downgrading a live grant to read refuses the next write at once', async () => {
    const { auth, join } = setup();
    auth.addUser('t', 'alice', { [ROOM]: 'write' });
    const c = await join('t');
    await c.send({ type: MessageType.update, room: ROOM, seq: 1, update: edit('a') });
    expect(c.socket.last()).toEqual({ type: MessageType.ack, room: ROOM, seq: 1 });
    auth.setGrant('alice', ROOM, 'read');
    await c.send({ type: MessageType.update, room: ROOM, seq: 2, update: edit('b') });
    expect(c.socket.last()).toMatchObject({ type: MessageType.error, reason: ErrorReason.readOnly, room: ROOM });
    expect(c.socket.closed).toBeUndefined();
  });

  it('revoking a live grant closes the session with forbidden (4403), leaving other users alone', async () => {
    const { auth, join, relay } = setup();
    auth.addUser('t', 'alice', { [ROOM]: 'write' });
    auth.addUser('u', 'bob', { [ROOM]: 'write' });
    const alice = await join('t');
    const bob = await join('u');
    auth.setGrant('alice', ROOM, undefined);
    await waitFor(() => alice.socket.closed !== undefined, 2000, 'the revoked session closing'); // the grant is re-read first
    expect(alice.socket.last()).toMatchObject({ type: MessageType.error, reason: ErrorReason.forbidden, room: ROOM });
    expect(alice.socket.closed?.code).toBe(CloseCode.forbidden);
    expect(bob.socket.closed).toBeUndefined();
    expect(relay.sessionCount()).toBe(1);
  });

  it('closes a connection that sends faster than its rate limit with rateLimited (1013)', async () => {
    const clock = { now: 0 };
    const { auth, join, relay } = setup({ maxMessagesPerSecond: 10, now: () => clock.now });
    auth.addUser('t', 'alice', { [ROOM]: 'write' });
    const c = await join('t'); // 2 of the burst of 20
    for (let i = 0; i < 18; i++) await c.send({ type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: new Uint8Array([0]) });
    expect(c.socket.closed).toBeUndefined();
    clock.now += 100; // refills one message
    await c.send({ type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: new Uint8Array([0]) });
    expect(c.socket.closed).toBeUndefined();
    await c.send({ type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: new Uint8Array([0]) });
    expect(c.socket.last()).toMatchObject({ type: MessageType.error, reason: ErrorReason.rateLimited });
    expect(c.socket.closed?.code).toBe(CloseCode.tryAgainLater);
    expect(relay.metrics.snapshot().errors_rateLimited).toBe(1);
  });

  it('survives a reconnect storm: 300 sessions connecting, joining and dropping at once', async () => {
    const { auth, join, relay } = setup();
    auth.addUser('t', 'alice', { [ROOM]: 'write' });
    const sessions = await Promise.all(Array.from({ length: 300 }, () => join('t')));
    for (const s of sessions) relay.disconnect(s.id);
    const again = await Promise.all(Array.from({ length: 300 }, () => join('t')));
    expect(again.every((s) => s.socket.closed === undefined)).toBe(true);
    expect(relay.sessionCount()).toBe(300);
    expect(relay.loadedRooms()).toBe(1);
  });
});
