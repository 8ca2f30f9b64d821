/**
 * The relay's loaded rooms: loading each once (subscribing to the bus first, so no edit from
 * another node slips between the store read and the subscription), fan-out to members encoding
 * each frame once per protocol, edits arriving from other nodes, resync after a bus outage, and
 * idle unloading.
 *
 *   const fanout = createRoomFanout({ repository, bus, compactAfter: 500, metrics, now, send })
 *   const entry = await fanout.roomOf(room); fanout.broadcast(entry, from, frames)
 */
import { MessageType, SyncStep, encodeMessage, type RoomId } from '../../protocol/src/index.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { BusKind, type BusMessage, type RoomBus } from './room-bus.js';
import { loadRoom } from './room.js';
import type { RoomRepository } from './room.repository.js';
import type { LoadedRoom, Session } from './session.js';
import { ywsAwareness, ywsUpdate } from './yws.codec.js';

export interface RoomFanoutOptions {
  readonly repository: RoomRepository;
  readonly bus: RoomBus | undefined;
  readonly compactAfter: number;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly send: (session: Session, bytes: Uint8Array) => void;
  readonly log: Logger;
}

export interface Frames {
  sync(): Uint8Array;
  yws(): Uint8Array;
}

export const createRoomFanout = (options: RoomFanoutOptions) => {
  const { repository, bus, compactAfter, metrics, now, send, log } = options;
  const loaded = new Map<RoomId, LoadedRoom>();
  const loading = new Map<RoomId, Promise<LoadedRoom>>();
  /** Bus messages that arrived while their room was loading; applied once it is. */
  const early = new Map<RoomId, BusMessage[]>();

  /** Sends to every member but `from`, encoding each protocol's frame at most once. */
  const broadcast = (entry: LoadedRoom, from: Session | undefined, frames: Frames): void => {
    let sync: Uint8Array | undefined;
    let yws: Uint8Array | undefined;
    for (const member of [...entry.members]) {
      if (member !== from) send(member, member.kind === 'sync' ? (sync ??= frames.sync()) : (yws ??= frames.yws()));
    }
  };

  const broadcastUpdate = (entry: LoadedRoom, update: Uint8Array): void =>
    broadcast(entry, undefined, {
      sync: () => encodeMessage({ type: MessageType.sync, room: entry.room.id, step: SyncStep.update, payload: update }),
      yws: () => ywsUpdate(update),
    });

  const broadcastAwareness = (entry: LoadedRoom, from: Session | undefined, update: Uint8Array): void =>
    broadcast(entry, from, { sync: () => encodeMessage({ type: MessageType.awareness, room: entry.room.id, update }), yws: () => ywsAwareness(update) });

  const applyFromBus = (entry: LoadedRoom, m: BusMessage): void => {
    try {
      if (m.kind === BusKind.update) {
        if (entry.room.applyRemote(m.payload)) broadcastUpdate(entry, m.payload);
      } else if (m.kind === BusKind.awareness) {
        entry.room.applyAwareness(m.payload, `node:${m.origin}`);
        broadcastAwareness(entry, undefined, m.payload);
      }
    } catch (err) {
      metrics.error('busMalformed');
      log.warn('dropped a bus message', { room: entry.room.id, err });
    }
  };

  const load = async (id: RoomId): Promise<LoadedRoom> => {
    if (bus) {
      early.set(id, []);
      await bus.subscribe(id);
    }
    try {
      const started = performance.now();
      const room = await loadRoom(id, repository, { compactAfter, onPersisted: metrics.persisted, onCompactionError: (err) => {
          metrics.error('compactionFailed');
          log.error('compaction failed', { room: id, err });
        },
      });
      metrics.roomLoaded((performance.now() - started) / 1000);
      const entry: LoadedRoom = { room, members: new Set(), idleSince: now() };
      loaded.set(id, entry);
      for (const m of early.get(id) ?? []) applyFromBus(entry, m);
      return entry;
    } catch (err) {
      bus?.unsubscribe(id);
      throw err;
    } finally {
      early.delete(id);
      loading.delete(id);
    }
  };

  return {
    broadcast,
    broadcastAwareness,
    loaded: (id: RoomId): LoadedRoom | undefined => loaded.get(id),
    count: (): number => loaded.size,
    roomOf(id: RoomId): Promise<LoadedRoom> {
      const entry = loaded.get(id);
      if (entry) return Promise.resolve(entry);
      let pending = loading.get(id);
      if (!pending) {
        pending = load(id);
        loading.set(id, pending);
      }
      return pending;
    },
    fromBus(m: BusMessage): void {
      const id = m.room as RoomId;
      const entry = loaded.get(id);
      if (entry) applyFromBus(entry, m);
      else early.get(id)?.push(m);
    },
    /** After a bus outage: re-read every loaded room and send members what they missed. */
    async catchUpAll(): Promise<void> {
      metrics.busResync();
      for (const entry of [...loaded.values()]) {
        try {
          const missed = await entry.room.catchUp();
          if (missed && loaded.get(entry.room.id) === entry) broadcastUpdate(entry, missed);
        } catch (err) {
          log.error('resync failed', { room: entry.room.id, err });
        }
      }
    },
    /** Forgets a loaded room now (its members are the caller's business); false if it was not loaded. */
    unload(entry: LoadedRoom): boolean {
      if (loaded.get(entry.room.id) !== entry) return false;
      loaded.delete(entry.room.id);
      bus?.unsubscribe(entry.room.id);
      void entry.room.settled().then(() => entry.room.destroy());
      return true;
    },
    sweepIdle(idleUnloadMs: number): number {
      let unloaded = 0;
      for (const [id, entry] of loaded) {
        if (entry.members.size === 0 && now() - entry.idleSince >= idleUnloadMs) {
          loaded.delete(id);
          bus?.unsubscribe(id);
          void entry.room.settled().then(() => entry.room.destroy());
          unloaded++;
        }
      }
      return unloaded;
    },
    async close(): Promise<void> {
      await Promise.allSettled([...loading.values()]);
      for (const entry of loaded.values()) {
        await entry.room.settled();
        entry.room.destroy();
      }
      loaded.clear();
    },
  };
};
