/**
 * One loaded room: its Y.Doc (snapshot + logged updates), the server's view of awareness, and
 * the write path that applies an update, commits it, and compacts the log when it grows.
 *
 *   const room = loadRoom(roomId, repository, { compactAfter: 500 })
 *   room.applyUpdate(bytes)   // throws on an undecodable update; returns once it is durable
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { ErrorReason, ProtocolError, type RoomId } from '../../protocol/src/index.js';
import type { RoomRepository } from './room.repository.js';

export interface RoomOptions {
  /** Logged updates after which the room is rewritten as one snapshot. */
  readonly compactAfter: number;
  readonly onPersisted?: (seconds: number) => void;
}

export interface Room {
  readonly id: RoomId;
  readonly doc: Y.Doc;
  /**
   * Applies an update to the doc, then commits it; false for an empty update (nothing stored).
   * Throws ProtocolError(malformed), storing nothing, if Yjs rejects it.
   */
  applyUpdate(update: Uint8Array): boolean;
  stateVector(): Uint8Array;
  /** What the holder of `stateVector` lacks. Throws on a malformed state vector. */
  diff(stateVector: Uint8Array): Uint8Array;
  /** Applies an awareness update sent by `owner`; remembers which client ids the owner speaks for. */
  applyAwareness(update: Uint8Array, owner: string): void;
  /** Every known awareness state, or undefined when there are none. */
  awarenessStates(): Uint8Array | undefined;
  /** Marks the owner's clients offline; returns the update announcing it, if any. */
  removeAwarenessOf(owner: string): Uint8Array | undefined;
  destroy(): void;
}

/** An update with no structs and no deletions: `varUint(0) • varUint(0)` in Yjs' v1 encoding. */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.byteLength === 2 && update[0] === 0 && update[1] === 0;

export const loadRoom = (id: RoomId, repository: RoomRepository, options: RoomOptions): Room => {
  const doc = new Y.Doc();
  const stored = repository.load(id);
  Y.transact(doc, () => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
  });
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const clientsOf = new Map<string, Set<number>>();

  return {
    id,
    doc,
    applyUpdate(update) {
      // Every handshake ends with a step2 diff that is usually empty; keep those out of the log.
      if (isEmptyUpdate(update)) return false;
      // Apply first: an update Yjs cannot read must never reach the log, or the room would
      // fail to load forever. Unknown dependencies are fine: Yjs keeps them pending and
      // encodeStateAsUpdate includes pending structs, so compaction loses nothing.
      try {
        Y.applyUpdate(doc, update, 'client');
      } catch (err) {
        throw new ProtocolError(ErrorReason.malformed, `undecodable Yjs update: ${(err as Error).message}`);
      }
      const started = performance.now();
      const count = repository.append(id, update);
      if (count > options.compactAfter) repository.compact(id, Y.encodeStateAsUpdate(doc));
      options.onPersisted?.((performance.now() - started) / 1000);
      return true;
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
    destroy() {
      awareness.destroy();
      doc.destroy();
    },
  };
};
