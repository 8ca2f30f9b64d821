/**
 * The relay's check of a client's Yjs update against a room, before anything is applied,
 * stored, acknowledged or relayed: it is small enough, it decodes, its client ids are 32-bit and
 * its clocks stay far below what lib0 can read back (the clock bomb), it applies to the room's
 * current state (Yjs does not throw on it), and the result keeps the room's schema (top-level
 * types, `meta` fields). All from the decoded structs and lookups in the room's struct store,
 * never a copy of the doc: every struct that lands in `meta` must itself hold a valid value, so
 * whichever wins a concurrent write, `meta` stays valid.
 *
 *   checkUpdate(doc, roomSchemaOf(room), update)   // throws ProtocolError(invalidUpdate)
 *   Y.applyUpdate(doc, update)
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

/**
 * Where a struct sits: in `meta` under `key` (null: in meta, but not as a map entry), elsewhere,
 * not known yet, or a GC struct (which passes no parent on).
 */
type Place = { readonly key: string | null } | 'elsewhere' | 'unknown' | 'gc';

/** The place of an existing struct of the room: `meta` only if it is a direct entry of the meta map. */
const placeInRoom = (doc: Y.Doc, ref: Ref): Place => {
  const meta = doc.share.get(META_KEY);
  if (!meta) return 'elsewhere';
  const struct = Y.getItem(doc.store, ref as Y.ID) as Y.Item | Y.GC;
  if (!(struct instanceof Y.Item)) return 'gc';
  let parent = struct.parent as Y.AbstractType<unknown> | null;
  if (parent === meta) return { key: struct.parentSub };
  for (; parent?._item; parent = parent._item.parent as Y.AbstractType<unknown> | null) if (parent._item.parent === meta) return { key: null };
  return 'elsewhere';
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

/** Checks of one new item on its own: no subdocument, an allowed top-level type, sane references. */
const checkItem = (s: Y.Item, schema: RoomSchema, known: (client: number) => number): void => {
  if (s.content.getRef() === CONTENT_DOC) refuse('subdocuments are not allowed in rooms');
  const parent: unknown = s.parent;
  if (typeof parent === 'string') {
    const problem = topLevelViolation(schema, parent);
    if (problem) refuse(problem);
  }
  for (const ref of [s.origin, s.rightOrigin, parent]) {
    if (!isId(ref)) continue;
    if (!validClient(ref.client) || ref.clock >= UPDATE_LIMITS.maxClock) refuse(`struct ${s.id.client}:${s.id.clock} refers to ${ref.client}:${ref.clock}`);
    // Yjs takes a struct's own client's earlier structs as given and throws mid-update on a later one.
    if (ref.client === s.id.client && ref.clock >= s.id.clock) refuse(`struct ${s.id.client}:${s.id.clock} depends on a later struct of its own client`);
    if (ref.client !== s.id.client && ref.clock >= known(ref.client)) refuse(`struct ${s.id.client}:${s.id.clock} depends on ${ref.client}:${ref.clock}, which the room does not have`);
  }
};

/** Pending structs the room may hold (waiting for a client's earlier structs): checked again with every update. */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * Throws ProtocolError(invalidUpdate) when `update` must not reach the room `doc`; returns
 * otherwise, having changed nothing. A struct may wait for its own client's earlier structs
 * (y-protocols sends live updates before the handshake's step 2 fills the gap; Yjs keeps them
 * pending); while the room holds such structs, each update is checked together with them, so
 * one cannot slip into `meta` once its origin arrives.
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
  for (const s of decoded.structs) {
    if (s instanceof Y.Item && s.id.clock + s.length > has(s.id.client)) checkItem(s, schema, known); // else known already: Yjs skips it
  }
  for (const [client, deletions] of decoded.ds.clients) {
    if (!validClient(client)) refuse(`delete set names client ${client}`);
    for (const { clock, len } of deletions) {
      if (!Number.isSafeInteger(clock) || !Number.isSafeInteger(len) || clock + len > known(client)) refuse(`deletes ${client}:${clock}+${len}, which the room does not have`);
    }
  }
  const pending = doc.store.pendingStructs?.update;
  if (!pending) return checkMeta(doc, schema, decoded.structs);
  if (pending.byteLength + update.byteLength > MAX_PENDING_BYTES) refuse('too many structs waiting for earlier ones');
  let merged: Uint8Array;
  try {
    merged = Y.mergeUpdates([Y.convertUpdateFormatV2ToV1(pending), update]); // Yjs keeps pending structs in v2
  } catch (err) {
    return refuse(`does not merge with the structs waiting in the room: ${(err as Error).message}`);
  }
  checkMeta(doc, schema, Y.decodeUpdate(merged).structs);
};

/** Every new struct that lands in `meta` holds a valid value for its field. */
const checkMeta = (doc: Y.Doc, schema: RoomSchema, structs: readonly (Y.Item | Y.GC | Y.Skip)[]): void => {
  const has = (client: number): number => Y.getState(doc.store, client);
  /** Places of this update's structs, per client in clock order, for structs that refer to them. */
  const placed = new Map<number, { clock: number; end: number; place: Place }[]>();
  const placeInUpdate = (ref: Ref): Place => {
    const runs = placed.get(ref.client) ?? [];
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const run = runs[mid]!;
      if (ref.clock < run.clock) hi = mid - 1;
      else if (ref.clock >= run.end) lo = mid + 1;
      else return run.place;
    }
    return 'unknown';
  };
  const placeAt = (ref: Ref): Place => (ref.clock < has(ref.client) ? placeInRoom(doc, ref) : placeInUpdate(ref));
  /**
   * Yjs's rule for an item without explicit parent info: the parent and key of its right
   * origin if that is an item, else of its origin. A parent given as an id nests it inside that
   * item's type.
   */
  const placeOf = (s: Y.Item): Place => {
    const parent: unknown = s.parent;
    if (typeof parent === 'string') return parent === META_KEY ? { key: s.parentSub } : 'elsewhere';
    if (isId(parent)) {
      const place = placeAt(parent);
      return typeof place === 'object' ? { key: null } : place === 'unknown' ? 'unknown' : 'elsewhere';
    }
    const right = s.rightOrigin ? placeAt(s.rightOrigin) : 'gc';
    if (right !== 'gc') return right;
    const left = s.origin ? placeAt(s.origin) : 'gc';
    return left === 'gc' ? 'elsewhere' : left;
  };
  const fresh: { s: Y.Item; run: { place: Place } }[] = [];
  for (const s of structs) {
    const run = { clock: s.id.clock, end: s.id.clock + s.length, place: (s instanceof Y.Item ? 'unknown' : 'gc') as Place };
    const runs = placed.get(s.id.client) ?? [];
    runs.push(run);
    placed.set(s.id.client, runs);
    if (s instanceof Y.Item && run.end > has(s.id.client)) fresh.push({ s, run });
  }
  // Origins may be other clients' structs later in the update: settle places in passes. What
  // stays unknown waits for structs the room lacks (Yjs keeps it pending) and is checked again
  // with the update that lets it in.
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of fresh) {
      if (f.run.place !== 'unknown') continue;
      f.run.place = placeOf(f.s);
      changed ||= f.run.place !== 'unknown';
    }
  }
  for (const { s, run } of fresh) {
    const { place } = run;
    if (typeof place !== 'object') continue;
    const problem = place.key === null ? 'meta holds plain fields, nothing nested' : metaViolation(schema, place.key, s.content.getContent().at(-1));
    if (problem) refuse(problem);
  }
};
