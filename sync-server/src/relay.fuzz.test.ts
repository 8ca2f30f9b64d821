import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION, SyncStep, encodeMessage, type Message, type RoomId, createRandom } from '../../protocol/src/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { createRelay, type Relay, type SessionId } from './relay.js';
import { createRoomRepository } from './room.repository.js';
import { RecordingSocket, createFakeAuth, tempDir } from './testing.js';

const ROOM = 'catalog:fuzz' as RoomId;
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const FRAMES = process.env.SHOEBOX_SOAK === '1' ? 100_000 : 4000;

const prng = createRandom;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  vi.restoreAllMocks();
});

const validFrames = (): Uint8Array[] => {
  const doc = new Y.Doc();
  doc.getMap('tags').set('k', 'v');
  const update = Y.encodeStateAsUpdate(doc);
  const messages: Message[] = [
    { type: MessageType.hello, versions: [PROTOCOL_VERSION], token: 'tok', clientId: 'c' },
    { type: MessageType.join, room: ROOM },
    { type: MessageType.leave, room: ROOM },
    { type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: Y.encodeStateVector(doc) },
    { type: MessageType.sync, room: ROOM, step: SyncStep.step2, payload: update },
    { type: MessageType.update, room: ROOM, seq: 7, update },
    { type: MessageType.awareness, room: ROOM, update: new Uint8Array([1, 1, 1, 2, 2, 123, 125]) },
  ];
  return messages.map(encodeMessage);
};

const mutate = (rand: () => number, frame: Uint8Array): Uint8Array => {
  const bytes = Array.from(frame);
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    switch (Math.floor(rand() * 4)) {
      case 0: bytes[at] = Math.floor(rand() * 256); break;
      case 1: bytes.splice(at, 1); break;
      case 2: bytes.splice(at, 0, Math.floor(rand() * 256)); break;
      default: bytes.length = at;
    }
  }
  return new Uint8Array(bytes.filter((b) => b !== undefined));
};

/** A frame of a valid message type, header intact, with a random body: reaches Yjs and awareness decoders. */
const randomBody = (rand: () => number): Uint8Array => {
  const junk = new Uint8Array(Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
  const pick = Math.floor(rand() * 3);
  if (pick === 0) return encodeMessage({ type: MessageType.update, room: ROOM, seq: 1, update: junk });
  if (pick === 1) return encodeMessage({ type: MessageType.sync, room: ROOM, step: Math.floor(rand() * 3) as SyncStep, payload: junk });
  return encodeMessage({ type: MessageType.awareness, room: ROOM, update: junk });
};

describe('relay fuzz', () => {
  it(`survives ${FRAMES} random and mutated frames on both protocols (seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const dir = tempDir();
    const db: SqliteDatabase = openDatabase(dir);
    const auth = createFakeAuth();
    auth.addUser('tok', 'fuzz', { [ROOM]: 'admin' });
    let relay: Relay = createRelay({ auth, rooms: createRoomRepository(db) });
    cleanups.push(async () => {
      await relay.close();
      db.close();
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const valid = validFrames();
    const fresh = (): { id: SessionId; socket: RecordingSocket } => {
      const socket = new RecordingSocket();
      if (rand() < 0.3) return { id: relay.connectYws(socket, ROOM, 'tok'), socket };
      const id = relay.connectSync(socket);
      void relay.handleMessage(id, valid[0]!);
      void relay.handleMessage(id, valid[1]!);
      return { id, socket };
    };
    let session = fresh();
    try {
      for (let i = 0; i < FRAMES; i++) {
        if (session.socket.closed) session = fresh();
        const r = rand();
        const frame =
          r < 0.3
            ? new Uint8Array(Math.floor(rand() * 48)).map(() => Math.floor(rand() * 256))
            : r < 0.7
              ? mutate(rand, valid[Math.floor(rand() * valid.length)]!)
              : r < 0.9
                ? randomBody(rand)
                : valid[Math.floor(rand() * valid.length)]!;
        await expect(relay.handleMessage(session.id, frame)).resolves.toBeUndefined();
      }
    } catch (err) {
      throw new Error(`fuzz failed with seed ${SEED}: ${(err as Error).message}`);
    }
    // No internal errors: every bad frame was classified as the client's fault.
    expect(errors.mock.calls.filter((c) => String(c[0]).includes('failed'))).toEqual([]);

    // Whatever Yjs accepted was persisted in a form that still loads, and the relay still works.
    await relay.close();
    relay = createRelay({ auth, rooms: createRoomRepository(db) });
    const socket = new RecordingSocket();
    const id = relay.connectSync(socket);
    await relay.handleMessage(id, valid[0]!);
    await relay.handleMessage(id, valid[1]!);
    await relay.handleMessage(id, valid[3]!);
    expect(socket.messages().map((m) => m.type)).toEqual([MessageType.welcome, MessageType.joined, MessageType.sync, MessageType.sync]);
    expect(socket.closed).toBeUndefined();
  });
});
