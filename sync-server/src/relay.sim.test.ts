import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION, SyncStep, decodeMessage, encodeMessage, type Message, type RoomId, createRandom } from '../../protocol/src/index.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { createRelay, type Relay, type SessionId } from './relay.js';
import { loadRoom } from './room.js';
import { createRoomRepository, type RoomRepository } from './room.repository.js';
import { RecordingSocket, createFakeAuth, tempDir } from './testing.js';

/**
 * Seeded simulation: replicas edit at random while frames move through explicit queues that
 * are flushed partially, and replicas disconnect (losing whatever was queued) and reconnect.
 * Invariants: an acked update is durable; at the end every replica and the stored room agree.
 */
const ROOM = 'album:sim' as RoomId;
const SEEDS = Number(process.env.SIM_SEEDS ?? 12);
const STEPS = 250;

const prng = createRandom;

interface Replica {
  readonly doc: Y.Doc;
  session: SessionId | undefined;
  inbox: Uint8Array[];
  outbox: Uint8Array[];
  seq: number;
  readonly sent: Map<number, Uint8Array>;
  readonly acked: Uint8Array[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const storedDoc = async (repo: RoomRepository): Promise<Y.Doc> => {
  const room = await loadRoom(ROOM, repo, { compactAfter: Infinity });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
  room.destroy();
  return doc;
};

const contentOf = (doc: Y.Doc) => ({ map: doc.getMap('members').toJSON(), text: doc.getText('addedBy').toString() });

const simulate = async (seed: number): Promise<void> => {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const db: SqliteDatabase = openDatabase(tempDir('shoebox-sim-'));
  const auth = createFakeAuth();
  auth.addUser('tok', 'sim', { [ROOM]: 'write' });
  const repo = createRoomRepository(db);
  const relay: Relay = createRelay({ auth, rooms: repo, compactAfter: 40 });
  cleanups.push(async () => {
    await relay.close();
    db.close();
  });

  const replicas: Replica[] = Array.from({ length: 3 }, () => ({ doc: new Y.Doc(), session: undefined, inbox: [], outbox: [], seq: 0, sent: new Map(), acked: [] }));
  const enqueue = (r: Replica, m: Message) => void r.outbox.push(encodeMessage(m));
  for (const r of replicas) {
    r.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote' || !r.session) return; // offline edits travel in the next handshake
      r.sent.set(++r.seq, update);
      enqueue(r, { type: MessageType.update, room: ROOM, seq: r.seq, update });
    });
  }
  const connect = (r: Replica) => {
    const socket = new RecordingSocket();
    socket.onFrame = (bytes) => r.inbox.push(bytes);
    r.session = relay.connectSync(socket);
    r.inbox = [];
    r.outbox = [];
    enqueue(r, { type: MessageType.hello, versions: [PROTOCOL_VERSION], token: 'tok', clientId: String(r.doc.clientID) });
    enqueue(r, { type: MessageType.join, room: ROOM });
    enqueue(r, { type: MessageType.sync, room: ROOM, step: SyncStep.step1, payload: Y.encodeStateVector(r.doc) });
  };
  const disconnect = (r: Replica) => {
    if (r.session) relay.disconnect(r.session);
    r.session = undefined;
    r.inbox = [];
    r.outbox = [];
  };
  const flushOut = async (r: Replica, count: number) => {
    for (const frame of r.outbox.splice(0, count)) if (r.session) await relay.handleMessage(r.session, frame);
  };
  const deliverIn = (r: Replica, count: number) => {
    for (const frame of r.inbox.splice(0, count)) {
      const m = decodeMessage(frame);
      if (m.type === MessageType.error) throw new Error(`replica got error ${m.reason}: ${m.message}`);
      if (m.type === MessageType.ack) r.acked.push(r.sent.get(m.seq)!);
      if (m.type !== MessageType.sync) continue;
      if (m.step === SyncStep.step1) enqueue(r, { type: MessageType.sync, room: ROOM, step: SyncStep.step2, payload: Y.encodeStateAsUpdate(r.doc, m.payload) });
      else Y.applyUpdate(r.doc, m.payload, 'remote');
    }
  };
  const ackedAreDurable = async () => {
    const stored = await storedDoc(repo);
    for (const r of replicas) {
      for (const update of r.acked) {
        const before = Y.encodeStateVector(stored);
        Y.applyUpdate(stored, update);
        expect(Y.encodeStateVector(stored), 'an acked update was not stored').toEqual(before);
      }
    }
  };

  for (const r of replicas) connect(r);
  for (let step = 0; step < STEPS; step++) {
    const r = replicas[int(replicas.length)]!;
    const op = rand();
    if (op < 0.3) {
      if (rand() < 0.5) r.doc.getMap('members').set(`k${int(8)}`, step);
      else r.doc.getText('addedBy').insert(int(r.doc.getText('addedBy').length + 1), String.fromCharCode(97 + int(26)));
    } else if (op < 0.6) await flushOut(r, 1 + int(4));
    else if (op < 0.9) deliverIn(r, 1 + int(4));
    else if (r.session) disconnect(r);
    else connect(r);
    if (step % 50 === 0) await ackedAreDurable();
  }

  for (const r of replicas) if (!r.session) connect(r);
  while (replicas.some((r) => r.outbox.length > 0 || r.inbox.length > 0)) {
    for (const r of replicas) {
      await flushOut(r, r.outbox.length);
      deliverIn(r, r.inbox.length);
    }
  }
  await ackedAreDurable();
  const expected = contentOf(await storedDoc(repo));
  for (const r of replicas) expect(contentOf(r.doc)).toEqual(expected);
};

describe('relay simulation', () => {
  it(`converges across ${SEEDS} seeds with partial flushes and disconnects`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      try {
        await simulate(seed);
      } catch (err) {
        throw new Error(`simulation failed with seed ${seed}: ${(err as Error).message}`, { cause: err });
      }
    }
  });
});
