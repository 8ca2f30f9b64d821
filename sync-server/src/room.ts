/**
 * One loaded room: its Y.Doc (snapshot + logged updates), the server's view of awareness, the
 * write path that applies an update and resolves once it is durable, and compaction of the log
 * into a snapshot in the background.
 *
 *   const room = await loadRoom(roomId, repository, { compactAfter: 500 })
 *   await room.applyUpdate(bytes)   // rejects on a refused update (update-check.ts); resolves once it is durable
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { ErrorReason, ProtocolError, roomSchemaOf, type RoomId } from '../../protocol/src/index.js';
import type { RoomRepository, StoredRoom } from './room.repository.js';
import { checkUpdate } from './update-check.js';

export interface RoomOptions {
  /** Logged updates after which the log is rewritten as one snapshot, in the background. */
  readonly compactAfter: number;
  readonly onPersisted?: (seconds: number) => void;
  readonly onCompactionError?: (err: unknown) => void;
}

/** The store failed to commit an update: nothing was acknowledged; the client should retry later. */
export class PersistenceError extends Error {
  constructor(cause: unknown) {
    super(`storage failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'PersistenceError';
  }
}

export interface Room {
  readonly id: RoomId;
  readonly doc: Y.Doc;
  /**
   * Checks an update (update-check.ts), applies it to the doc, then commits it; false for an
   * empty update (nothing stored). Rejects with ProtocolError(invalidUpdate), changing and
   * storing nothing, if the check refuses it, and with PersistenceError when the store fails.
   */
  applyUpdate(update: Uint8Array): Promise<boolean>;
  /**
   * The same in two steps: checks and applies to the doc now (throwing
   * ProtocolError(invalidUpdate), changing nothing, when refused) and returns the commit, or
   * undefined for an empty update.
   */
  apply(update: Uint8Array): Promise<void> | undefined;
  /** Applies an update another relay node has already stored; true when it changed the doc. */
  applyRemote(update: Uint8Array): boolean;
  /** Re-reads the store and applies what this node missed; returns that part, if any. */
  catchUp(): Promise<Uint8Array | undefined>;
  stateVector(): Uint8Array;
  /** What the holder of `stateVector` lacks. Throws on a malformed state vector. */
  diff(stateVector: Uint8Array): Uint8Array;
  /** Applies an awareness update sent by `owner`; remembers which client ids the owner speaks for. */
  applyAwareness(update: Uint8Array, owner: string): void;
  /** Every known awareness state, or undefined when there are none. */
  awarenessStates(): Uint8Array | undefined;
  /** Marks the owner's clients offline; returns the update announcing it, if any. */
  removeAwarenessOf(owner: string): Uint8Array | undefined;
  /** Resolves when no compaction is running. */
  settled(): Promise<void>;
  destroy(): void;
}

/** An update with no structs and no deletions: `varUint(0) • varUint(0)` in Yjs' v1 encoding. */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

const applyStored = (doc: Y.Doc, stored: StoredRoom, origin: unknown): void =>
  Y.transact(doc, () => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot, origin);
    for (const update of stored.updates) Y.applyUpdate(doc, update, origin);
  }, origin);

/**
 * Compaction reads the log back from the store rather than encoding the live doc: on a shared
 * store the live doc may lack an update another node committed, and the horizon must cover
 * only what the snapshot really holds.
 */
const compactRoom = async (id: RoomId, repository: RoomRepository): Promise<void> => {
  const stored = await repository.load(id);
  if (stored.updates.length === 0) return;
  const doc = new Y.Doc({ gc: true });
  applyStored(doc, stored, 'store');
  const snapshot = Y.encodeStateAsUpdate(doc); // includes pending structs, so nothing is lost
  doc.destroy();
  await repository.compact(id, snapshot, stored.through);
};

/**
 * An update passed the check but Yjs disagreed: the live doc may now hold part of it. Nothing was
 * stored or relayed; the caller must drop the loaded room so it is read back from the store.
 */
export class RoomCorruptedError extends ProtocolError {
  constructor(message: string) {
    super(ErrorReason.invalidUpdate, message);
    this.name = 'RoomCorruptedError';
  }
}

export const loadRoom = async (id: RoomId, repository: RoomRepository, options: RoomOptions): Promise<Room> => {
  const schema = roomSchemaOf(id);
  const doc = new Y.Doc();
  applyStored(doc, await repository.load(id), 'store');
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const clientsOf = new Map<string, Set<number>>();
  let compaction: Promise<void> | undefined;

  const compactSoon = (): void => {
    compaction ??= compactRoom(id, repository)
      .catch((err: unknown) => (options.onCompactionError ?? ((e) => console.error(`relay: compacting ${id} failed`, e)))(err))
      .finally(() => (compaction = undefined));
  };

  const commit = async (update: Uint8Array): Promise<void> => {
    const started = performance.now();
    let count: number;
    try {
      count = await repository.append(id, update);
    } catch (err) {
      throw new PersistenceError(err);
    }
    options.onPersisted?.((performance.now() - started) / 1000);
    if (count > options.compactAfter) compactSoon();
  };

  const apply = (update: Uint8Array): Promise<void> | undefined => {
    // Every handshake ends with a step2 diff that is usually empty; keep those out of the log.
    if (isEmptyUpdate(update)) return undefined;
    // Check first: an update that does not apply cleanly must never reach the doc or the log,
    // or every reader (and the relay itself, after compaction) could fail on the room for good.
    checkUpdate(doc, schema, update);
    try {
      Y.applyUpdate(doc, update, 'client');
    } catch (err) {
      throw new RoomCorruptedError(`Yjs failed on a checked update: ${(err as Error).message}`);
    }
    return commit(update);
  };

  return {
    id,
    doc,
    apply,
    async applyUpdate(update) {
      const durable = apply(update);
      if (!durable) return false;
      await durable;
      return true;
    },
    applyRemote(update) {
      const before = Y.encodeStateVector(doc);
      Y.applyUpdate(doc, update, 'remote');
      return !equalBytes(before, Y.encodeStateVector(doc));
    },
    async catchUp() {
      const before = Y.encodeStateVector(doc);
      applyStored(doc, await repository.load(id), 'store');
      const missed = Y.encodeStateAsUpdate(doc, before);
      return isEmptyUpdate(missed) ? undefined : missed;
    },
    stateVector: () => Y.encodeStateVector(doc),
    diff: (stateVector) => Y.encodeStateAsUpdate(doc, stateVector),
    applyAwareness(update, owner) {
      const before = new Set(awareness.getStates().keys());
      awarenessProtocol.applyAwarenessUpdate(awareness, update, owner);
      const mine = clientsOf.get(owner) ?? new Set<number>();
      for (const client of awareness.getStates().keys()) if (!before.has(client)) mine.add(client);
      clientsOf.set(owner, mine);
    },
    awarenessStates() {
      const clients = [...awareness.getStates().keys()];
      return clients.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(awareness, clients) : undefined;
    },
    removeAwarenessOf(owner) {
      const clients = [...(clientsOf.get(owner) ?? [])].filter((c) => awareness.getStates().has(c));
      clientsOf.delete(owner);
      if (clients.length === 0) return undefined;
      awarenessProtocol.removeAwarenessStates(awareness, clients, 'server');
      return awarenessProtocol.encodeAwarenessUpdate(awareness, clients);
    },
    settled: async () => {
      while (compaction) await compaction;
    },
    destroy() {
      awareness.destroy();
      doc.destroy();
    },
  };
};

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
