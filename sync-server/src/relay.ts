/**
 * The relay core: sessions, loaded rooms, fan-out and backpressure, over the minimal
 * RelaySocket with no transport in sight. Each session's messages are handled strictly in
 * order by the protocol handlers (sync.handler, yws.handler); nothing thrown escapes.
 *
 *   const relay = createRelay({ auth, rooms: createRoomRepository(db) })
 *   const id = relay.connectSync(socket); await relay.handleMessage(id, bytes)
 */
import { randomBytes } from 'node:crypto';
import { Access, ErrorReason, MessageType, ProtocolError, SyncStep, decodeMessage, encodeMessage, type RoomId } from '../../protocol/src/index.js';
import { tokenHash } from './auth.service.js';
import { createMetrics, type Metrics } from './metrics.js';
import { loadRoom } from './room.js';
import type { RoomRepository } from './room.repository.js';
import { SessionStatus, isClosed, type LoadedRoom, type RelayAuth, type RelayContext, type Session, type SessionId } from './session.js';
import { CloseCode, closeCodeFor, type RelaySocket } from './socket.js';
import { handleSyncMessage } from './sync.handler.js';
import { ywsAwareness, ywsUpdate } from './yws.codec.js';
import { handleYwsMessage, openYws } from './yws.handler.js';

export type { RelayAuth, SessionId } from './session.js';

export interface RelayOptions {
  readonly auth: RelayAuth;
  readonly rooms: RoomRepository;
  readonly metrics?: Metrics;
  /** Logged updates per room before compaction; default 500. */
  readonly compactAfter?: number;
  /** A room without sessions for this long is unloaded; default 60 s. */
  readonly idleUnloadMs?: number;
  /** A consumer with more queued output than this is dropped; default 32 MiB. */
  readonly maxBufferedBytes?: number;
  /** Messages waiting to be handled per session before it is dropped; default 1024. */
  readonly maxQueuedMessages?: number;
  readonly now?: () => number;
}

export interface Relay {
  connectSync(socket: RelaySocket): SessionId;
  /** A y-websocket client for `room` (still unparsed) holding `token`; authorised before any message. */
  connectYws(socket: RelaySocket, room: string, token: string | undefined): SessionId;
  /** Resolves once this message (and every earlier one of the session) has been handled. Never rejects. */
  handleMessage(sessionId: SessionId, bytes: Uint8Array): Promise<void>;
  disconnect(sessionId: SessionId): void;
  /** Unloads rooms idle longer than idleUnloadMs; returns how many. Runs on a timer too. */
  sweepIdleRooms(): number;
  loadedRooms(): number;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export const createRelay = (options: RelayOptions): Relay => {
  const { auth, rooms: repository, now = Date.now } = options;
  const metrics = options.metrics ?? createMetrics();
  const compactAfter = options.compactAfter ?? 500;
  const idleUnloadMs = options.idleUnloadMs ?? 60_000;
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  const maxQueued = options.maxQueuedMessages ?? 1024;
  const sessions = new Map<SessionId, Session>();
  const loaded = new Map<RoomId, LoadedRoom>();

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
      console.error('relay: closing socket failed', err);
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

  const roomOf = (id: RoomId): LoadedRoom => {
    let entry = loaded.get(id);
    if (!entry) {
      entry = { room: loadRoom(id, repository, { compactAfter, onPersisted: metrics.persisted }), members: new Set(), idleSince: now() };
      loaded.set(id, entry);
    }
    return entry;
  };

  const leaveRoom = (session: Session, id: RoomId): void => {
    session.rooms.delete(id);
    const entry = loaded.get(id);
    if (!entry || !entry.members.delete(session)) return;
    const gone = entry.room.removeAwarenessOf(session.id);
    if (gone) broadcastAwareness(entry, session, gone);
    if (entry.members.size === 0) entry.idleSince = now();
  };

  /** Sends to every other member, encoding each protocol's frame at most once. */
  const broadcast = (entry: LoadedRoom, from: Session, frames: { sync: () => Uint8Array; yws: () => Uint8Array }): void => {
    let sync: Uint8Array | undefined;
    let yws: Uint8Array | undefined;
    for (const member of [...entry.members]) {
      if (member !== from) send(member, member.kind === 'sync' ? (sync ??= frames.sync()) : (yws ??= frames.yws()));
    }
  };

  const broadcastAwareness = (entry: LoadedRoom, from: Session, update: Uint8Array): void =>
    broadcast(entry, from, { sync: () => encodeMessage({ type: MessageType.awareness, room: entry.room.id, update }), yws: () => ywsAwareness(update) });

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
    joinRoom(session, id, access) {
      const entry = roomOf(id);
      entry.members.add(session);
      session.rooms.set(id, access);
      return entry;
    },
    write(session, id, update) {
      if (session.rooms.get(id) === Access.read) {
        fail(session, ErrorReason.readOnly, 'read-only access to this room', id, false);
        return false;
      }
      const entry = roomOf(id);
      if (!entry.room.applyUpdate(update)) return true; // empty: nothing to store or relay
      broadcast(entry, session, {
        sync: () => encodeMessage({ type: MessageType.sync, room: id, step: SyncStep.update, payload: update }),
        yws: () => ywsUpdate(update),
      });
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
      broadcastAwareness(entry, session, update);
    },
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
        console.error(`relay: session ${session.id} failed`, err);
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
    };
    sessions.set(session.id, session);
    metrics.connectionOpened();
    return session;
  };

  const unsubscribeRevoke = auth.onRevoke((hash) => {
    for (const session of [...sessions.values()]) if (session.tokenHash === hash) fail(session, ErrorReason.unauthorized, 'token revoked');
  });

  const sweepIdleRooms = (): number => {
    let unloaded = 0;
    for (const [id, entry] of loaded) {
      if (entry.members.size === 0 && now() - entry.idleSince >= idleUnloadMs) {
        entry.room.destroy();
        loaded.delete(id);
        unloaded++;
      }
    }
    return unloaded;
  };
  const sweeper = setInterval(sweepIdleRooms, Math.max(1000, idleUnloadMs / 2));
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
      return enqueue(session, () => (session.kind === 'sync' ? handleSyncMessage(ctx, session, decodeMessage(bytes)) : handleYwsMessage(ctx, session, bytes)));
    },
    disconnect(sessionId) {
      const session = sessions.get(sessionId);
      if (session) cleanup(session);
    },
    sweepIdleRooms,
    loadedRooms: () => loaded.size,
    async close() {
      clearInterval(sweeper);
      unsubscribeRevoke();
      await Promise.all([...sessions.values()].map((s) => s.queue));
      for (const session of [...sessions.values()]) closeSession(session, CloseCode.goingAway, 'server shutting down');
      for (const entry of loaded.values()) entry.room.destroy();
      loaded.clear();
    },
  };
};
