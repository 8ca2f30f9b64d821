/**
 * The relay core: sessions, loaded rooms, fan-out and backpressure, over the minimal
 * RelaySocket with no transport in sight. Each session's messages are handled strictly in
 * order by the protocol handlers (sync.handler, yws.handler); nothing thrown escapes. With a
 * RoomBus (scale-out mode) stored edits are published to, and received from, other nodes.
 *
 *   const relay = createRelay({ auth, rooms: createRoomRepository(db) })
 *   const id = relay.connectSync(socket); await relay.handleMessage(id, bytes)
 */
import { randomBytes } from 'node:crypto';
import { Access, ErrorReason, MessageType, ProtocolError, SyncStep, decodeMessage, encodeMessage, type RoomId } from '../../protocol/src/index.js';
import { tokenHash } from './auth.service.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRoomFanout } from './relay-fanout.js';
import { BusKind, type RoomBus } from './room-bus.js';
import { PersistenceError, RoomCorruptedError } from './room.js';
import type { RoomRepository } from './room.repository.js';
import type { AuthUser } from './auth.service.js';
import { SessionStatus, isClosed, toAccess, type LoadedRoom, type RelayAuth, type RelayContext, type Session, type SessionId } from './session.js';
import { CloseCode, closeCodeFor, type RelaySocket } from './socket.js';
import { handleSyncMessage } from './sync.handler.js';
import { ywsUpdate } from './yws.codec.js';
import { handleYwsMessage, openYws } from './yws.handler.js';

export type { RelayAuth, SessionId } from './session.js';

export interface RelayOptions {
  readonly auth: RelayAuth;
  readonly rooms: RoomRepository;
  /** Scale-out mode: share live edits with other relay nodes over this bus. */
  readonly bus?: RoomBus;
  readonly metrics?: Metrics;
  /** Structured log of failures; default JSON lines on stderr. */
  readonly logger?: Logger;
  /** Logged updates per room before compaction; default 500. */
  readonly compactAfter?: number;
  /** A room without sessions for this long is unloaded; default 60 s. */
  readonly idleUnloadMs?: number;
  /** A consumer with more queued output than this is dropped; default 32 MiB. */
  readonly maxBufferedBytes?: number;
  /** Messages waiting to be handled per session before it is dropped; default 1024. */
  readonly maxQueuedMessages?: number;
  /** Sustained messages per second one connection may send; default 500 (bursts up to twice that). */
  readonly maxMessagesPerSecond?: number;
  readonly now?: () => number;
}

export interface Relay {
  connectSync(socket: RelaySocket): SessionId;
  /** A y-websocket client for `room` (still unparsed) holding `token`; authorised before any message. */
  connectYws(socket: RelaySocket, room: string, token: string | undefined): SessionId;
  /** Resolves once this message (and every earlier one of the session) has been handled and committed. Never rejects. */
  handleMessage(sessionId: SessionId, bytes: Uint8Array): Promise<void>;
  disconnect(sessionId: SessionId): void;
  /** Unloads rooms idle longer than idleUnloadMs; returns how many. Runs on a timer too. */
  sweepIdleRooms(): number;
  loadedRooms(): number;
  sessionCount(): number;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export const createRelay = (options: RelayOptions): Relay => {
  const { auth, rooms: repository, bus, now = Date.now } = options;
  const metrics = options.metrics ?? createMetrics();
  const log = options.logger ?? createLogger({ component: 'relay' });
  const compactAfter = options.compactAfter ?? 500;
  const idleUnloadMs = options.idleUnloadMs ?? 60_000;
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  const maxQueued = options.maxQueuedMessages ?? 1024;
  const ratePerSecond = options.maxMessagesPerSecond ?? 500;
  const sessions = new Map<SessionId, Session>();

  const send = (session: Session, bytes: Uint8Array): void => {
    if (isClosed(session)) return;
    const ok = session.socket.send(bytes);
    metrics.messageOut(bytes.byteLength);
    if (!ok || session.socket.bufferedAmount() > maxBuffered) {
      metrics.error('slowConsumer');
      closeSession(session, CloseCode.tryAgainLater, 'slow consumer');
    }
  };

  const closeSession = (session: Session, code: number, reason: string): void => {
    if (isClosed(session)) return;
    cleanup(session);
    try {
      session.socket.close(code, reason);
    } catch (err) {
      log.error('closing socket failed', { session: session.id, err });
    }
  };

  const fail: RelayContext['fail'] = (session, reason, message, room = '', close = true) => {
    metrics.error(reason);
    if (session.kind === 'sync') send(session, encodeMessage({ type: MessageType.error, reason, room, message: message.slice(0, 1000) }));
    if (close) closeSession(session, closeCodeFor(reason), reason);
  };

  const cleanup = (session: Session): void => {
    session.status = SessionStatus.closed;
    for (const room of [...session.rooms.keys()]) leaveRoom(session, room);
    if (sessions.delete(session.id)) metrics.connectionClosed();
  };

  const fanout = createRoomFanout({ repository, bus, compactAfter, metrics, now, send, log });
  const { roomOf, broadcastAwareness } = fanout;

  const leaveRoom = (session: Session, id: RoomId): void => {
    session.rooms.delete(id);
    const entry = fanout.loaded(id);
    if (!entry || !entry.members.delete(session)) return;
    const gone = entry.room.removeAwarenessOf(session.id);
    if (gone) broadcastAwareness(entry, session, gone);
    if (entry.members.size === 0) entry.idleSince = now();
  };

  const ctx: RelayContext = {
    auth,
    metrics,
    send,
    fail,
    roomOf,
    leaveRoom,
    authenticated(session, user, token) {
      session.user = user;
      session.tokenHash = tokenHash(token);
      session.status = SessionStatus.open;
    },
    async joinRoom(session, id, access) {
      const entry = await roomOf(id);
      if (isClosed(session)) return entry;
      entry.members.add(session);
      session.rooms.set(id, access);
      return entry;
    },
    async write(session, id, update, onDurable) {
      if (session.rooms.get(id) === Access.read) {
        fail(session, ErrorReason.readOnly, 'read-only access to this room', id, false);
        return false;
      }
      const entry = await roomOf(id);
      let durable: Promise<void> | undefined;
      try {
        durable = entry.room.apply(update);
      } catch (err) {
        if (!(err instanceof ProtocolError) || err.reason !== ErrorReason.invalidUpdate) throw err;
        // Refused: nothing stored, acked or relayed. /sync answers and the client resynchronises;
        // a stock y-websocket client cannot be told, so its socket closes with the reason.
        log.warn('refused an update', { session: session.id, room: id, reason: err.message });
        fail(session, ErrorReason.invalidUpdate, err.message, id, session.kind === 'yws');
        if (err instanceof RoomCorruptedError) dropRoom(entry, 'room reloaded');
        return false;
      }
      if (!durable) {
        onDurable?.(); // empty: nothing to store or relay
        return true;
      }
      // Relayed before the commit finishes, so fan-out latency carries no fsync. Safe: only the
      // ack waits for durability, and the sender re-sends whatever was never acknowledged.
      fanout.broadcast(entry, session, {
        sync: () => encodeMessage({ type: MessageType.sync, room: id, step: SyncStep.update, payload: update }),
        yws: () => ywsUpdate(update),
      });
      // Pipelined: the session's next message is handled while this one commits. Commits of one
      // room resolve in append order, so acks keep their order too.
      const committed = durable.then(
        () => {
          // Other nodes hear of it only once it is stored: the store stays their source of truth.
          bus?.publish({ kind: BusKind.update, room: id, payload: update });
          if (!isClosed(session)) onDurable?.();
        },
        (err: unknown) => {
          persistenceFailed(session, err);
          // The live doc holds an edit the store does not: never serve it. Members were sent it
          // already; they re-send it from their replicas once storage is back.
          dropRoom(entry, 'storage unavailable');
        },
      );
      session.commits = Promise.all([session.commits, committed]).then(() => undefined);
      return true;
    },
    diff(entry, stateVector) {
      try {
        return entry.room.diff(stateVector);
      } catch (err) {
        throw new ProtocolError(ErrorReason.malformed, `bad state vector: ${(err as Error).message}`);
      }
    },
    awareness(entry, session, update) {
      try {
        entry.room.applyAwareness(update, session.id);
      } catch (err) {
        throw new ProtocolError(ErrorReason.malformed, `bad awareness update: ${(err as Error).message}`);
      }
      bus?.publish({ kind: BusKind.awareness, room: entry.room.id, payload: update });
      broadcastAwareness(entry, session, update);
    },
  };

  /** Token bucket per connection: false once the session sends faster than allowed. */
  const withinRate = (session: Session): boolean => {
    const t = now();
    session.allowance = Math.min(2 * ratePerSecond, session.allowance + ((t - session.allowanceAt) / 1000) * ratePerSecond);
    session.allowanceAt = t;
    if (session.allowance < 1) return false;
    session.allowance--;
    return true;
  };

  /** A commit failed: nothing was acknowledged; the client re-sends after reconnecting with backoff. */
  const persistenceFailed = (session: Session, err: unknown): void => {
    metrics.error('storageUnavailable');
    if (isClosed(session)) return;
    log.warn('storage failed; session closed to retry', { session: session.id, err });
    if (session.kind === 'sync') send(session, encodeMessage({ type: MessageType.error, reason: ErrorReason.internal, room: '', message: 'storage unavailable; retry later' }));
    closeSession(session, CloseCode.tryAgainLater, 'storage unavailable');
  };

  /** Unloads a room whose live doc may hold what the store does not; its members reconnect and resync. */
  const dropRoom = (entry: LoadedRoom, why: string): void => {
    if (!fanout.unload(entry)) return;
    metrics.error('roomDropped');
    log.warn('dropped a loaded room', { room: entry.room.id, why });
    for (const member of [...entry.members]) closeSession(member, CloseCode.tryAgainLater, why);
  };

  /** Runs `task` after the session's earlier work, converting every failure into an answer. */
  const enqueue = (session: Session, task: () => Promise<void> | void): Promise<void> => {
    if (++session.queued > maxQueued) {
      metrics.error(ErrorReason.rateLimited);
      closeSession(session, CloseCode.tryAgainLater, 'too many queued messages');
    }
    session.queue = session.queue.then(async () => {
      session.queued--;
      if (isClosed(session)) return;
      try {
        await task();
      } catch (err) {
        if (isClosed(session)) return;
        if (err instanceof ProtocolError) return fail(session, err.reason, err.message);
        if (err instanceof PersistenceError) return persistenceFailed(session, err);
        log.error('session failed', { session: session.id, err });
        fail(session, ErrorReason.internal, 'internal error', '', false);
      }
    });
    return session.queue;
  };

  const connect = (kind: Session['kind'], socket: RelaySocket): Session => {
    const session: Session = {
      id: randomBytes(9).toString('base64url') as SessionId,
      kind,
      socket,
      status: SessionStatus.awaitingHello,
      user: undefined,
      tokenHash: undefined,
      rooms: new Map(),
      queue: Promise.resolve(),
      queued: 0,
      commits: Promise.resolve(),
      allowance: 2 * ratePerSecond,
      allowanceAt: now(),
    };
    sessions.set(session.id, session);
    metrics.connectionOpened();
    return session;
  };

  const revokeToken = (hash: string): void => {
    for (const session of [...sessions.values()]) if (session.tokenHash === hash) fail(session, ErrorReason.unauthorized, 'token revoked');
  };
  /** Re-reads the user's grant for each live session in `room`: gone closes it, a downgrade applies at once. */
  const grantChanged = async (userId: string, room: string): Promise<void> => {
    const affected = [...sessions.values()].filter((s) => s.user?.id === userId && s.rooms.has(room as RoomId));
    if (affected.length === 0) return;
    let grant: Awaited<ReturnType<RelayAuth['accessFor']>>;
    try {
      grant = await auth.accessFor(userId as AuthUser['id'], room);
    } catch (err) {
      // Cannot tell what the grant is now: fail closed, the devices re-join with backoff.
      log.warn('grant lookup failed; closing the affected sessions', { room, err });
      grant = undefined;
    }
    for (const session of affected) {
      if (isClosed(session) || !session.rooms.has(room as RoomId)) continue;
      if (grant) session.rooms.set(room as RoomId, toAccess(grant));
      else fail(session, ErrorReason.forbidden, 'access to this room was revoked', room as RoomId);
    }
  };
  const unsubscribeRevoke = auth.onRevoke((hash) => {
    revokeToken(hash);
    bus?.publish({ kind: BusKind.tokenRevoked, room: '', payload: new TextEncoder().encode(hash) });
  });
  const unsubscribeGrants = auth.onGrantChange?.((userId, room) => {
    void grantChanged(userId, room);
    bus?.publish({ kind: BusKind.grantChanged, room, payload: new TextEncoder().encode(userId) });
  });
  bus?.listen({
    message(m) {
      if (m.kind === BusKind.tokenRevoked) return revokeToken(new TextDecoder().decode(m.payload));
      if (m.kind === BusKind.grantChanged) return void grantChanged(new TextDecoder().decode(m.payload), m.room);
      fanout.fromBus(m);
    },
    resync: () => void fanout.catchUpAll(),
  });

  const sweeper = setInterval(() => fanout.sweepIdle(idleUnloadMs), Math.max(1000, idleUnloadMs / 2));
  sweeper.unref();

  return {
    metrics,
    connectSync: (socket) => connect('sync', socket).id,
    connectYws(socket, room, token) {
      const session = connect('yws', socket);
      void enqueue(session, () => openYws(ctx, session, room, token));
      return session.id;
    },
    handleMessage(sessionId, bytes) {
      const session = sessions.get(sessionId);
      if (!session) return Promise.resolve();
      metrics.messageIn(bytes.byteLength);
      if (!withinRate(session)) {
        fail(session, ErrorReason.rateLimited, `more than ${ratePerSecond} messages per second`);
        return Promise.resolve();
      }
      const handled = enqueue(session, () => (session.kind === 'sync' ? handleSyncMessage(ctx, session, decodeMessage(bytes)) : handleYwsMessage(ctx, session, bytes)));
      return handled.then(() => session.commits);
    },
    disconnect(sessionId) {
      const session = sessions.get(sessionId);
      if (session) cleanup(session);
    },
    sweepIdleRooms: () => fanout.sweepIdle(idleUnloadMs),
    loadedRooms: () => fanout.count(),
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweeper);
      unsubscribeRevoke();
      unsubscribeGrants?.();
      await Promise.all([...sessions.values()].map((s) => s.queue.then(() => s.commits)));
      for (const session of [...sessions.values()]) closeSession(session, CloseCode.goingAway, 'server shutting down');
      await fanout.close();
    },
  };
};
