/**
 * The relay core: sessions, rooms and both wire protocols (`/sync` and stock y-websocket on
 * `/yjs/{room}`) over the minimal RelaySocket, with no transport in sight. Each session's
 * messages are handled strictly in order; nothing thrown escapes to the caller.
 *
 *   const relay = createRelay({ auth, rooms: createRoomRepository(db) })
 *   const id = relay.connectSync(socket); await relay.handleMessage(id, bytes)
 */
import { randomBytes } from 'node:crypto';
import {
  Access,
  ErrorReason,
  MessageType,
  ProtocolError,
  SyncStep,
  decodeMessage,
  encodeMessage,
  isRoomId,
  negotiateVersion,
  type Message,
  type RoomId,
} from '../../protocol/src/index.js';
import { tokenHash, type AuthUser } from './auth.service.js';
import { createMetrics, type Metrics } from './metrics.js';
import { loadRoom, type Room } from './room.js';
import type { RoomRepository } from './room.repository.js';
import { CloseCode, closeCodeFor, type RelaySocket } from './socket.js';
import type { GrantAccess } from './user.repository.js';
import { readYwsMessage, ywsAwareness, ywsSyncStep1, ywsSyncStep2, ywsUpdate, YwsAction } from './yws.codec.js';

export type SessionId = string & { readonly __brand: 'SessionId' };

/** What the relay needs from accounts: who a token is, and what they may do in a room. */
export interface RelayAuth {
  authenticate(token: string | undefined): Promise<AuthUser | undefined>;
  accessFor(userId: AuthUser['id'], room: string): GrantAccess | undefined;
  onRevoke(listener: (tokenHash: string) => void): () => void;
}

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
  /** Resolves once this message (and every earlier one of the session) has been handled. */
  handleMessage(sessionId: SessionId, bytes: Uint8Array): Promise<void>;
  disconnect(sessionId: SessionId): void;
  /** Unloads rooms idle longer than idleUnloadMs; returns how many. Runs on a timer too. */
  sweepIdleRooms(): number;
  loadedRooms(): number;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export const SessionStatus = { awaitingHello: 'awaitingHello', open: 'open', closed: 'closed' } as const;
type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

interface Session {
  readonly id: SessionId;
  readonly kind: 'sync' | 'yws';
  readonly socket: RelaySocket;
  status: SessionStatus;
  user: AuthUser | undefined;
  tokenHash: string | undefined;
  readonly rooms: Map<RoomId, Access>;
  queue: Promise<void>;
  queued: number;
}

interface LoadedRoom {
  readonly room: Room;
  readonly members: Set<Session>;
  idleSince: number;
}

const toAccess = (grant: GrantAccess): Access => Access[grant];
// A function, not an inline comparison: status changes across awaits, which narrowing cannot see.
const isClosed = (session: Session): boolean => session.status === SessionStatus.closed;

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
      console.error('closing socket failed', err);
    }
  };

  /** Answers an error; `close` also ends the session (fatal errors). */
  const fail = (session: Session, reason: ErrorReason, message: string, room: RoomId | '' = '', close = true): void => {
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

  const joinRoom = (session: Session, id: RoomId, access: Access): LoadedRoom => {
    const entry = roomOf(id);
    entry.members.add(session);
    session.rooms.set(id, access);
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

  const broadcast = (entry: LoadedRoom, from: Session, frames: { sync: () => Uint8Array; yws: () => Uint8Array }): void => {
    let sync: Uint8Array | undefined;
    let yws: Uint8Array | undefined;
    for (const member of [...entry.members]) {
      if (member === from) continue;
      send(member, member.kind === 'sync' ? (sync ??= frames.sync()) : (yws ??= frames.yws()));
    }
  };

  const broadcastAwareness = (entry: LoadedRoom, from: Session, update: Uint8Array): void =>
    broadcast(entry, from, {
      sync: () => encodeMessage({ type: MessageType.awareness, room: entry.room.id, update }),
      yws: () => ywsAwareness(update),
    });

  /** Applies, commits, then fans out a client write. Returns false when it was refused. */
  const write = (session: Session, id: RoomId, update: Uint8Array): boolean => {
    if (session.rooms.get(id) === Access.read) {
      fail(session, ErrorReason.readOnly, 'read-only access to this room', id, false);
      return false;
    }
    const entry = roomOf(id);
    entry.room.applyUpdate(update);
    broadcast(entry, session, {
      sync: () => encodeMessage({ type: MessageType.sync, room: id, step: SyncStep.update, payload: update }),
      yws: () => ywsUpdate(update),
    });
    return true;
  };

  const diff = (entry: LoadedRoom, stateVector: Uint8Array): Uint8Array => {
    try {
      return entry.room.diff(stateVector);
    } catch (err) {
      throw new ProtocolError(ErrorReason.malformed, `bad state vector: ${(err as Error).message}`);
    }
  };

  const handleHello = async (session: Session, m: Extract<Message, { type: typeof MessageType.hello }>): Promise<void> => {
    const negotiated = negotiateVersion(m.versions);
    if ('reason' in negotiated) return fail(session, negotiated.reason, 'no common protocol version');
    const user = await auth.authenticate(m.token);
    if (isClosed(session)) return;
    if (!user) return fail(session, ErrorReason.unauthorized, 'invalid or revoked token');
    session.user = user;
    session.tokenHash = tokenHash(m.token);
    session.status = SessionStatus.open;
    send(session, encodeMessage({ type: MessageType.welcome, version: negotiated.version, userId: user.id, sessionId: session.id }));
  };

  const handleSyncMessage = async (session: Session, m: Message): Promise<void> => {
    if (m.type === MessageType.hello) {
      if (session.status !== SessionStatus.awaitingHello) return fail(session, ErrorReason.malformed, 'hello sent twice');
      return handleHello(session, m);
    }
    if (session.status !== SessionStatus.open) return fail(session, ErrorReason.helloRequired, 'send hello first');
    const user = session.user!;
    if (m.type === MessageType.join) {
      const grant = auth.accessFor(user.id, m.room);
      if (!grant) return fail(session, ErrorReason.forbidden, 'no grant for this room', m.room, false);
      const entry = joinRoom(session, m.room, toAccess(grant));
      send(session, encodeMessage({ type: MessageType.joined, room: m.room, access: toAccess(grant) }));
      send(session, encodeMessage({ type: MessageType.sync, room: m.room, step: SyncStep.step1, payload: entry.room.stateVector() }));
      return;
    }
    if (m.type !== MessageType.leave && m.type !== MessageType.sync && m.type !== MessageType.update && m.type !== MessageType.awareness) {
      return fail(session, ErrorReason.malformed, `clients do not send message type ${m.type}`);
    }
    if (!session.rooms.has(m.room)) return fail(session, ErrorReason.notJoined, 'join the room first', m.room, false);
    switch (m.type) {
      case MessageType.leave:
        return leaveRoom(session, m.room);
      case MessageType.sync:
        if (m.step === SyncStep.step1) {
          const payload = diff(roomOf(m.room), m.payload);
          return send(session, encodeMessage({ type: MessageType.sync, room: m.room, step: SyncStep.step2, payload }));
        }
        write(session, m.room, m.payload);
        return;
      case MessageType.update:
        if (write(session, m.room, m.update)) send(session, encodeMessage({ type: MessageType.ack, room: m.room, seq: m.seq }));
        return;
      case MessageType.awareness: {
        const entry = roomOf(m.room);
        applyAwareness(entry, session, m.update);
        return broadcastAwareness(entry, session, m.update);
      }
    }
  };

  const applyAwareness = (entry: LoadedRoom, session: Session, update: Uint8Array): void => {
    try {
      entry.room.applyAwareness(update, session.id);
    } catch (err) {
      throw new ProtocolError(ErrorReason.malformed, `bad awareness update: ${(err as Error).message}`);
    }
  };

  const openYws = async (session: Session, rawRoom: string, token: string | undefined): Promise<void> => {
    if (!isRoomId(rawRoom)) return fail(session, ErrorReason.malformed, 'invalid room id');
    const user = await auth.authenticate(token);
    if (isClosed(session)) return;
    if (!user || !token) return fail(session, ErrorReason.unauthorized, 'invalid or revoked token');
    const grant = auth.accessFor(user.id, rawRoom);
    if (!grant) return fail(session, ErrorReason.forbidden, 'no grant for this room');
    session.user = user;
    session.tokenHash = tokenHash(token);
    session.status = SessionStatus.open;
    const entry = joinRoom(session, rawRoom, toAccess(grant));
    send(session, ywsSyncStep1(entry.room.stateVector()));
    const states = entry.room.awarenessStates();
    if (states) send(session, ywsAwareness(states));
  };

  const handleYwsMessage = (session: Session, bytes: Uint8Array): void => {
    if (session.status !== SessionStatus.open) return;
    const [id] = session.rooms.keys();
    const entry = roomOf(id!);
    const action = readYwsMessage(bytes);
    switch (action.type) {
      case YwsAction.step1:
        return send(session, ywsSyncStep2(diff(entry, action.payload)));
      case YwsAction.update:
        // y-websocket has no way to show a refusal; the write is dropped and counted.
        if (session.rooms.get(id!) === Access.read) return metrics.error(ErrorReason.readOnly);
        write(session, id!, action.payload);
        return;
      case YwsAction.awareness:
        applyAwareness(entry, session, action.payload);
        return broadcastAwareness(entry, session, action.payload);
      case YwsAction.queryAwareness: {
        const states = entry.room.awarenessStates();
        if (states) send(session, ywsAwareness(states));
        return;
      }
      case YwsAction.ignore:
        return;
    }
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
    for (const session of [...sessions.values()]) {
      if (session.tokenHash === hash) fail(session, ErrorReason.unauthorized, 'token revoked');
    }
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
      void enqueue(session, () => openYws(session, room, token));
      return session.id;
    },
    handleMessage(sessionId, bytes) {
      const session = sessions.get(sessionId);
      if (!session) return Promise.resolve();
      metrics.messageIn(bytes.byteLength);
      return enqueue(session, () => (session.kind === 'sync' ? handleSyncMessage(session, decodeMessage(bytes)) : handleYwsMessage(session, bytes)));
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
