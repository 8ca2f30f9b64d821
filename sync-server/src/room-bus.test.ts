import { describe, expect, it } from 'vitest';
import { createRandom } from '../../protocol/src/index.js';
import { BusKind, decodeBusMessage, encodeBusMessage, type BusMessage } from './room-bus.js';

const SOAK = process.env.SHOEBOX_SOAK === '1';
const FRAMES = SOAK ? 200_000 : 5000;

const prng = createRandom;

const samples: BusMessage[] = [
  { kind: BusKind.update, origin: 'node-a', room: 'catalog:abc', payload: new Uint8Array([1, 2, 3]) },
  { kind: BusKind.awareness, origin: 'b', room: 'album:x_y-z', payload: new Uint8Array(0) },
  { kind: BusKind.tokenRevoked, origin: 'c', room: '', payload: new TextEncoder().encode('hash') },
  { kind: BusKind.grantChanged, origin: 'ü', room: 'album:a', payload: new TextEncoder().encode('user') },
];

describe('room bus codec', () => {
  it.each(samples)('round-trips kind $kind', (m) => {
    expect(decodeBusMessage(encodeBusMessage(m))).toEqual(m);
  });

  it('refuses unknown kinds, truncation and trailing bytes', () => {
    const good = encodeBusMessage(samples[0]!);
    expect(() => decodeBusMessage(new Uint8Array([9, ...good.subarray(1)]))).toThrow(/unknown bus message kind/);
    expect(() => decodeBusMessage(good.subarray(0, good.length - 1))).toThrow();
    expect(() => decodeBusMessage(new Uint8Array([...good, 0]))).toThrow(/trailing/);
  });

  it(`decodes ${FRAMES} random and mutated frames to a message or an Error, nothing else`, () => {
    const rand = prng(0xb05);
    const valid = samples.map(encodeBusMessage);
    let decoded = 0;
    for (let i = 0; i < FRAMES; i++) {
      let frame: Uint8Array;
      if (rand() < 0.5) frame = new Uint8Array(Math.floor(rand() * 40)).map(() => Math.floor(rand() * 256));
      else {
        const bytes = Array.from(valid[Math.floor(rand() * valid.length)]!);
        for (let e = 0; e < 1 + Math.floor(rand() * 3); e++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        frame = new Uint8Array(bytes);
      }
      try {
        const m = decodeBusMessage(frame);
        expect(Object.values(BusKind)).toContain(m.kind);
        expect(decodeBusMessage(encodeBusMessage(m))).toEqual(m);
        decoded++;
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
