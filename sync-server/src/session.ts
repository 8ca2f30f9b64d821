/**
 * What the relay core shares with its two protocol handlers (`/sync` and y-websocket): the
 * session and loaded-room records, and the context of operations a handler may use.
 *
 *   const handle = (ctx: RelayContext, session: Session, m: Message) => ctx.send(session, bytes)
 *   if (isClosed(session)) return   // after any await
 */
import { Access, type ErrorReason, type RoomId } from '../../protocol/src/index.js';
import type { AuthUser } from './auth.service.js';
import type { Metrics } from './metrics.js';
import type { Room } from './room.js';
import type { RelaySocket } from './socket.js';
import type { GrantAccess } from './user.repository.js';

export type SessionId = string & { readonly __brand: 'SessionId' };

/** What the relay needs from accounts: who a token is, and what they may do in a room. */
export interface RelayAuth {
  authenticate(token: string | undefined): Promise<AuthUser | undefined>;
  accessFor(userId: AuthUser['id'], room: string): Promise<GrantAccess | undefined>;
  onRevoke(listener: (tokenHash: string) => void): () => void;
  /** Called with (user, room) whenever that user's grant for the room changes or is removed. */
  onGrantChange?(listener: (userId: AuthUser['id'], room: string) => void): () => void;
}

export const SessionStatus = { awaitingHello: 'awaitingHello', open: 'open', closed: 'closed' } as const;
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

export interface Session {
  readonly id: SessionId;
  readonly kind: 'sync' | 'yws';
  readonly socket: RelaySocket;
  status: SessionStatus;
  user: AuthUser | undefined;
  tokenHash: string | undefined;
  readonly rooms: Map<RoomId, Access>;
  queue: Promise<void>;
  queued: number;
  /** Settles once every commit this session started has finished (and its ack was sent). */
  commits: Promise<void>;
  /** Token bucket of messages this session may still send now (refilled per second). */
  allowance: number;
  allowanceAt: number;
}

export interface LoadedRoom {
  readonly room: Room;
  readonly members: Set<Session>;
  idleSince: number;
}

export interface RelayContext {
  readonly auth: RelayAuth;
  readonly metrics: Metrics;
  send(session: Session, bytes: Uint8Array): void;
  /** Answers an error (on `/sync`); `close` (default true) also ends the session. */
  fail(session: Session, reason: ErrorReason, message: string, room?: RoomId | '', close?: boolean): void;
  /** Opens the session for `user`; revoking `token` will close it. */
  authenticated(session: Session, user: AuthUser, token: string): void;
  roomOf(id: RoomId): Promise<LoadedRoom>;
  joinRoom(session: Session, id: RoomId, access: Access): Promise<LoadedRoom>;
  leaveRoom(session: Session, id: RoomId): void;
  /**
   * Applies and fans out a client write, and starts its commit; `onDurable` runs once it is
   * committed (the ack goes there). The session's next message need not wait for the commit.
   * False when refused (read-only).
   */
  write(session: Session, id: RoomId, update: Uint8Array, onDurable?: () => void): Promise<boolean>;
  /** The room's diff against a client state vector; ProtocolError(malformed) on a bad one. */
  diff(entry: LoadedRoom, stateVector: Uint8Array): Uint8Array;
  /** Applies an awareness update from the session and relays it to the room's others. */
  awareness(entry: LoadedRoom, session: Session, update: Uint8Array): void;
}

export const toAccess = (grant: GrantAccess): Access => Access[grant];

// A function, not an inline comparison: status changes across awaits, which narrowing cannot see.
export const isClosed = (session: Session): boolean => session.status === SessionStatus.closed;
