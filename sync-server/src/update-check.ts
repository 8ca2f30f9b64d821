/**
 * The relay's check of a client's Yjs update against a room, before anything is applied,
 * stored, acknowledged or relayed: it is small enough, it decodes, its client ids are 32-bit and
 * its clocks stay far below what lib0 can read back (the clock bomb), it applies to the room's
 * current state (Yjs does not throw on it), and the result keeps the room's schema (top-level
 * types, `meta` fields). Most updates are checked from their decoded structs alone; one that
 * writes into `meta` is tried on a copy of the doc.
 *
 *   checkUpdate(doc, roomSchemaOf(room), update)   // throws ProtocolError(invalidUpdate)
 *   if (isEmptyUpdate(update)) …
 */
import * as Y from 'yjs';
import { ErrorReason, LIMITS, META_KEY, ProtocolError, metaViolation, topLevelViolation, type RoomSchema } from '../../protocol/src/index.js';

export const UPDATE_LIMITS = {
  /** Bytes of one update: the largest message carries one. */
  maxBytes: LIMITS.maxMessageBytes,
  /** Yjs client ids are random 32-bit unsigned integers. */
  maxClientId: 2 ** 32 - 1,
  /**
   * No client's clock may pass this after the update: a million years of typing, and 2^13 times
   * below 2^53, past which lib0's readVarUint throws 'Integer out of Range' on every reader.
   */
  maxClock: 2 ** 40,
} as const;

/** Content ref of a subdocument (Yjs ContentDoc): rooms have none. */
const CONTENT_DOC = 9;

const refuse = (why: string): never => {
  throw new ProtocolError(ErrorReason.invalidUpdate, why);
};

type Ref = { readonly client: number; readonly clock: number };

const isId = (value: unknown): value is Ref => value instanceof Y.ID;

/** Is this existing struct inside the room's `meta` map (at any depth)? */
const underMeta = (doc: Y.Doc, ref: Ref): boolean => {
  const meta = doc.share.get(META_KEY);
  if (!meta) return false;
  let struct: Y.Item | Y.GC | undefined = Y.getItem(doc.store, ref as Y.ID) as Y.Item | Y.GC;
  while (struct instanceof Y.Item) {
    const parent = struct.parent as Y.AbstractType<unknown> | null;
    if (parent === meta) return true;
    struct = parent?._item ?? undefined;
  }
  return false;
};

const validClient = (client: number): boolean => Number.isInteger(client) && client >= 0 && client <= UPDATE_LIMITS.maxClientId;

/**
 * Refuses client ids over 32 bits, clocks past maxClock, and a client's structs in two runs;
 * returns where each client's structs end.
 */
const structEnds = (structs: readonly (Y.Item | Y.GC | Y.Skip)[]): Map<number, number> => {
  const ends = new Map<number, number>();
  let client = -1;
  for (const s of structs) {
    const { client: c, clock } = s.id;
    if (!validClient(c)) refuse(`client id ${c} is not a 32-bit unsigned integer`);
    if (!(s.length >= 1) || clock + s.length > UPDATE_LIMITS.maxClock) refuse(`client ${c} clock ${clock} + length ${s.length} is out of bounds`);
    // Yjs keeps only the last run of a client: the others would be acked and silently lost.
    if (c !== client && ends.has(c)) refuse(`structs of client ${c} come in two runs`);
    ends.set(c, clock + s.length);
    client = c;
  }
  return ends;
};

/**
 * Throws ProtocolError(invalidUpdate) when `update` must not reach the room `doc`; returns
 * otherwise, having changed nothing. A struct may wait for its own client's earlier structs
 * (y-protocols sends live updates before the handshake's step 2 fills the gap; Yjs keeps them
 * pending), except in `meta`, where a pending struct could later make a valid update fail.
 */
export const checkUpdate = (doc: Y.Doc, schema: RoomSchema, update: Uint8Array): void => {
  if (update.byteLength > UPDATE_LIMITS.maxBytes) refuse(`update of ${update.byteLength} bytes is over ${UPDATE_LIMITS.maxBytes}`);
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (err) {
    return refuse(`undecodable Yjs update: ${(err as Error).message}`);
  }
  const ends = structEnds(decoded.structs);
  /** What the room holds of `client` now. */
  const has = (client: number): number => Y.getState(doc.store, client);
  /**
   * How far the update may refer to `client`: what the room has, or the update's own structs of
   * it. A gap in a client's own clocks is fine (its earlier structs come in the handshake's
   * step 2); a dependency on another client's structs that neither has is not.
   */
  const known = (client: number): number => Math.max(has(client), ends.get(client) ?? 0);
  let trial = false;
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item) || s.id.clock + s.length <= has(s.id.client)) continue; // known already: Yjs skips it
    if (s.content.getRef() === CONTENT_DOC) refuse('subdocuments are not allowed in rooms');
    const parent: unknown = s.parent;
    if (typeof parent === 'string') {
      const problem = topLevelViolation(schema, parent);
      if (problem) refuse(problem);
      if (parent === META_KEY) trial = true;
    }
    for (const ref of [s.origin, s.rightOrigin, parent]) {
      if (!isId(ref)) continue;
      if (!validClient(ref.client) || ref.clock >= UPDATE_LIMITS.maxClock) refuse(`struct ${s.id.client}:${s.id.clock} refers to ${ref.client}:${ref.clock}`);
      // Yjs takes a struct's own client's earlier structs as given and throws mid-update on a later one.
      if (ref.client === s.id.client && ref.clock >= s.id.clock) refuse(`struct ${s.id.client}:${s.id.clock} depends on a later struct of its own client`);
      if (ref.client !== s.id.client && ref.clock >= known(ref.client)) refuse(`struct ${s.id.client}:${s.id.clock} depends on ${ref.client}:${ref.clock}, which the room does not have`);
      if (ref.clock < has(ref.client)) trial ||= underMeta(doc, ref);
    }
  }
  for (const [client, deletions] of decoded.ds.clients) {
    if (!validClient(client)) refuse(`delete set names client ${client}`);
    for (const { clock, len } of deletions) {
      if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(len) || clock + len > known(client)) refuse(`deletes ${client}:${clock}+${len}, which the room does not have`);
    }
  }
  if (trial) tryOnCopy(doc, schema, update);
};

/** Applies an update that writes `meta` to a copy of the room: nothing of it may stay pending, and `meta` must keep the schema. */
const tryOnCopy = (doc: Y.Doc, schema: RoomSchema, update: Uint8Array): void => {
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const pendingBefore = copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
    try {
      Y.applyUpdate(copy, update);
    } catch (err) {
      refuse(`the update does not apply: ${(err as Error).message}`);
    }
    if (!pendingBefore && copy.store.pendingStructs !== null) refuse('the update writes meta but depends on structs the room does not have');
    const before = doc.share.has(META_KEY) ? doc.getMap<unknown>(META_KEY) : undefined;
    for (const [key, value] of copy.getMap<unknown>(META_KEY).entries()) {
      if (before?.get(key) === value) continue;
      const problem = metaViolation(schema, key, value);
      if (problem) refuse(problem);
    }
  } finally {
    copy.destroy();
  }
};
