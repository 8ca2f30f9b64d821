import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { ErrorReason, ProtocolError } from './errors.js';
import { parseRoomId } from './ids.js';
import {
  Access,
  LIMITS,
  MessageType,
  SyncStep,
  decodeMessage,
  encodeMessage,
  negotiateVersion,
  type Message,
} from './messages.js';

const room = parseRoomId('catalog:u_123');
const bytes = (...values: number[]) => Uint8Array.from(values);

/** One builder per message type: every type the protocol defines must appear here. */
const samples: Record<keyof typeof MessageType, Message[]> = {
  hello: [
    { type: MessageType.hello, versions: [1], token: 'tok', clientId: 'device-a' },
    { type: MessageType.hello, versions: [1, 2, 300], token: '', clientId: 'ü ñ 📷' },
  ],
  welcome: [{ type: MessageType.welcome, version: 1, userId: 'u_123', sessionId: 's1' }],
  join: [{ type: MessageType.join, room }],
  joined: [
    { type: MessageType.joined, room, access: Access.read },
    { type: MessageType.joined, room: parseRoomId('album:abc-DEF_9'), access: Access.admin },
  ],
  leave: [{ type: MessageType.leave, room }],
  sync: [
    { type: MessageType.sync, room, step: SyncStep.step1, payload: bytes(0) },
    { type: MessageType.sync, room, step: SyncStep.step2, payload: bytes(1, 2, 3) },
    { type: MessageType.sync, room, step: SyncStep.update, payload: new Uint8Array(70_000).fill(7) },
  ],
  update: [
    { type: MessageType.update, room, seq: 0, update: bytes() },
    { type: MessageType.update, room, seq: 2 ** 40, update: bytes(9, 9) },
  ],
  ack: [{ type: MessageType.ack, room, seq: 12345 }],
  awareness: [{ type: MessageType.awareness, room, update: bytes(4, 5) }],
  error: [
    { type: MessageType.error, reason: ErrorReason.forbidden, room, message: 'no grant for room' },
    { type: MessageType.error, reason: ErrorReason.clientTooOld, room: '', message: 'need v1' },
  ],
};

describe('protocol v1 messages round-trip', () => {
  for (const [name, messages] of Object.entries(samples)) {
    it(`${name}: decode(encode(m)) equals m`, () => {
      for (const message of messages) expect(decodeMessage(encodeMessage(message))).toEqual(message);
    });
  }

  it('covers every message type', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(MessageType).sort());
  });

  it('encodes join exactly as the grammar in PROTOCOL.md says', () => {
    // join(room) := varUint(2) • varString(room)
    const encoded = encodeMessage({ type: MessageType.join, room });
    expect(Array.from(encoded)).toEqual([2, room.length, ...new TextEncoder().encode(room)]);
  });
});

describe('protocol v1 rejects bad frames', () => {
  const rejects = (frame: Uint8Array, reason: ErrorReason) => {
    try {
      decodeMessage(frame);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).reason).toBe(reason);
      return;
    }
    throw new Error('frame was accepted');
  };

  it('rejects an empty frame, an unknown type and trailing bytes', () => {
    rejects(bytes(), ErrorReason.malformed);
    rejects(bytes(99), ErrorReason.malformed);
    rejects(Uint8Array.from([...encodeMessage({ type: MessageType.leave, room }), 0]), ErrorReason.malformed);
  });

  it('rejects truncated frames of every type', () => {
    for (const messages of Object.values(samples)) {
      for (const message of messages) {
        const full = encodeMessage(message);
        for (let cut = 1; cut < Math.min(full.length, 40); cut++) {
          expect(() => decodeMessage(full.subarray(0, cut))).toThrow(ProtocolError);
        }
      }
    }
  });

  it('rejects invalid room ids and unknown error reasons', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.join);
    encoding.writeVarString(e, '../etc/passwd');
    rejects(encoding.toUint8Array(e), ErrorReason.malformed);
    const e2 = encoding.createEncoder();
    encoding.writeVarUint(e2, MessageType.error);
    encoding.writeVarString(e2, 'whatever');
    encoding.writeVarString(e2, '');
    encoding.writeVarString(e2, 'x');
    rejects(encoding.toUint8Array(e2), ErrorReason.malformed);
  });

  it('rejects oversized strings before allocating them', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.hello);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, 'x'.repeat(LIMITS.maxStringBytes + 1));
    encoding.writeVarString(e, 'c');
    rejects(encoding.toUint8Array(e), ErrorReason.tooLarge);
  });

  it('never throws anything but ProtocolError on random or mutated frames (seeded fuzz)', () => {
    let seed = 0x5eed;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const corpus = Object.values(samples).flat().map(encodeMessage);
    for (let i = 0; i < 20_000; i++) {
      let frame: Uint8Array;
      if (i % 2 === 0) {
        frame = Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      } else {
        frame = Uint8Array.from(corpus[Math.floor(random() * corpus.length)]!.subarray(0, 200));
        for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
          frame[Math.floor(random() * frame.length)] = Math.floor(random() * 256);
        }
      }
      try {
        const message = decodeMessage(frame);
        // Whatever decodes must re-encode to the same bytes: no lossy acceptance.
        expect(encodeMessage(message)).toEqual(frame);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw new Error(`seed iteration ${i}: ${String(err)}`);
      }
    }
  });
});

describe('version negotiation', () => {
  it('picks the newest common version', () => {
    expect(negotiateVersion([1, 2], [1, 2, 3])).toEqual({ version: 2 });
  });
  it('names which side is too old', () => {
    expect(negotiateVersion([1], [2, 3])).toEqual({ reason: ErrorReason.clientTooOld });
    expect(negotiateVersion([5], [2, 3])).toEqual({ reason: ErrorReason.serverTooOld });
  });
});
