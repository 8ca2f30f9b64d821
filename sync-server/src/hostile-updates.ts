/**
 * Raw Yjs v1 update bytes a hostile client could send, written with lib0 rather than through the
 * Yjs API (which never produces them): the audit's clock bomb, and random or mutated updates for
 * the hostile-client fuzzer. Test support only.
 *
 *   relay.handleMessage(id, encodeMessage({ type: MessageType.update, room, seq: 1, update: clockBomb() }))
 *   const bytes = hostileUpdate(rand, validUpdates)
 */
import * as encoding from 'lib0/encoding';

/**
 * Two GC structs of length 3·2^54 from clock 0: the client's clock ends at 3·2^55, which lib0
 * writes into every state vector but its readVarUint refuses ('Integer out of Range').
 */
export const clockBomb = (client = 0x5eed, length = 3 * 2 ** 54): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // clients
  encoding.writeVarUint(e, 2); // structs of this client
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 0); // clock of the first struct
  for (let i = 0; i < 2; i++) {
    encoding.writeUint8(e, 0); // info: GC
    encoding.writeVarUint(e, length);
  }
  encoding.writeVarUint(e, 0); // delete set: no clients
  return encoding.toUint8Array(e);
};

/** One item of content type `ref` under top-level `parent` (map key `key`), clock and length as given. */
export const rawItem = (o: { client: number; clock: number; parent: string; key?: string; length?: number; origin?: [number, number] }): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, o.client);
  encoding.writeVarUint(e, o.clock);
  // info: ContentDeleted (1), BIT8 origin, BIT6 parentSub
  encoding.writeUint8(e, 1 | (o.origin ? 0x80 : 0) | (o.key !== undefined ? 0x20 : 0));
  if (o.origin) {
    encoding.writeVarUint(e, o.origin[0]);
    encoding.writeVarUint(e, o.origin[1]);
  } else {
    encoding.writeVarUint(e, 1); // parent is a top-level name
    encoding.writeVarString(e, o.parent);
    if (o.key !== undefined) encoding.writeVarString(e, o.key);
  }
  encoding.writeVarUint(e, o.length ?? 1);
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
};

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** Huge, boundary and ordinary varUint values: what breaks clocks and lengths. */
const nastyNumber = (rand: () => number): number =>
  pick(rand, [0, 1, 2, 127, 128, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 55, 3 * 2 ** 54, Math.floor(rand() * 1000)]);

/** Structs of random info bytes, clocks and lengths, built with lib0 like a Yjs encoder would. */
const randomStructs = (rand: () => number): Uint8Array => {
  const e = encoding.createEncoder();
  const clients = 1 + Math.floor(rand() * 2);
  encoding.writeVarUint(e, clients);
  for (let c = 0; c < clients; c++) {
    const structs = 1 + Math.floor(rand() * 3);
    encoding.writeVarUint(e, structs);
    encoding.writeVarUint(e, rand() < 0.5 ? Math.floor(rand() * 2 ** 32) : nastyNumber(rand));
    encoding.writeVarUint(e, rand() < 0.7 ? Math.floor(rand() * 4) : nastyNumber(rand));
    for (let s = 0; s < structs; s++) {
      const info = rand() < 0.3 ? pick(rand, [0, 10]) : pick(rand, [1, 4, 8]) | (rand() < 0.5 ? 0x80 : 0) | (rand() < 0.2 ? 0x40 : 0) | (rand() < 0.3 ? 0x20 : 0);
      encoding.writeUint8(e, info);
      if ((info & 0x1f) === 0 || (info & 0x1f) === 10) {
        encoding.writeVarUint(e, nastyNumber(rand));
        continue;
      }
      if (info & 0x80) [0, 1].forEach(() => encoding.writeVarUint(e, nastyNumber(rand)));
      if (info & 0x40) [0, 1].forEach(() => encoding.writeVarUint(e, nastyNumber(rand)));
      if ((info & 0xc0) === 0) {
        const named = rand() < 0.7;
        encoding.writeVarUint(e, named ? 1 : 0);
        if (named) encoding.writeVarString(e, pick(rand, ['meta', 'tags', 'facts', 'members', 'evil', '__proto__']));
        else [0, 1].forEach(() => encoding.writeVarUint(e, nastyNumber(rand)));
        if (info & 0x20) encoding.writeVarString(e, pick(rand, ['schemaVersion', 'name', 'k', 'owner']));
      }
      if ((info & 0x1f) === 1) encoding.writeVarUint(e, nastyNumber(rand)); // ContentDeleted length
      else if ((info & 0x1f) === 4) encoding.writeVarString(e, 'x'.repeat(Math.floor(rand() * 4))); // ContentString
      else {
        encoding.writeVarUint(e, 1); // ContentAny: one value
        encoding.writeAny(e, pick(rand, [999, 3, 'x', null, { a: 1 }]));
      }
    }
  }
  const dsClients = Math.floor(rand() * 2);
  encoding.writeVarUint(e, dsClients);
  for (let c = 0; c < dsClients; c++) {
    encoding.writeVarUint(e, Math.floor(rand() * 4));
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, nastyNumber(rand));
    encoding.writeVarUint(e, nastyNumber(rand));
  }
  return encoding.toUint8Array(e);
};

/** Flips, inserts, deletes or truncates bytes of a valid update. */
const mutated = (rand: () => number, valid: Uint8Array): Uint8Array => {
  const bytes = Array.from(valid);
  const edits = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * bytes.length);
    const r = rand();
    if (r < 0.4) bytes[at] = Math.floor(rand() * 256);
    else if (r < 0.6) bytes.splice(at, 1);
    else if (r < 0.8) bytes.splice(at, 0, pick(rand, [0x80, 0xff, 0x7f, 0]));
    else bytes.length = at;
  }
  return new Uint8Array(bytes);
};

/** A hostile update: raw random structs, a mutated valid update, a clock bomb or a raw item. */
export const hostileUpdate = (rand: () => number, valid: readonly Uint8Array[]): Uint8Array => {
  const r = rand();
  if (r < 0.4) return randomStructs(rand);
  if (r < 0.8 && valid.length > 0) return mutated(rand, pick(rand, valid));
  if (r < 0.9) return clockBomb(Math.floor(rand() * 2 ** 32), pick(rand, [3 * 2 ** 54, 2 ** 41, 2 ** 53 - 1]));
  return rawItem({ client: Math.floor(rand() * 2 ** 32), clock: nastyNumber(rand), parent: pick(rand, ['meta', 'evil', 'tags']), key: 'schemaVersion', length: nastyNumber(rand) });
};
