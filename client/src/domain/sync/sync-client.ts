/**
 * Client side of the `/sync` protocol: one socket, many rooms, each bound to a Y.Doc.
 * Says hello, joins rooms, runs the step1/step2 exchange, streams local updates with a
 * sequence number and counts them as pending until the server acks them. Reconnects with
 * backoff; on reconnect the step1/step2 exchange re-sends whatever the server missed.
 *
 *   const client = new SyncClient({ token, clientId, createSocket: browserSocketFactory('/sync') });
 *   client.addRoom(room, doc); client.start(); client.onChange(() => render(client.status, client.pending));
 */
import * as Y from 'yjs';
import {
  Access,
  ErrorReason,
  MessageType,
  SUPPORTED_VERSIONS,
  SyncStep,
  decodeMessage,
  encodeMessage,
  type ErrorMessage,
  type Message,
  type RoomId,
} from '../../../../protocol/src/index.js';
import { backoffDelay } from './backoff.js';
import { ConnectionStatus } from './connection-status.js';

/** The few things the client needs from a socket; tests pass a fake. */
export interface SyncSocket {
  send(bytes: Uint8Array): void;
  close(): void;
}
export interface SyncSocketHandlers {
  onOpen(): void;
  onMessage(bytes: Uint8Array): void;
  onClose(): void;
}
export type SyncSocketFactory = (handlers: SyncSocketHandlers) => SyncSocket;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncClientOptions {
  readonly token: string;
  readonly clientId: string;
  readonly createSocket: SyncSocketFactory;
  readonly timers?: Timers;
  readonly random?: () => number;
  /** Close a connection that has not been welcomed after this long. */
  readonly helloTimeoutMs?: number;
}

interface RoomState {
  readonly doc: Y.Doc;
  /** Update origins that are not user edits (e.g. the IndexedDB provider replaying). */
  readonly ignoredOrigins: ReadonlySet<unknown>;
  access: Access | null;
  synced: boolean;
  /** Sequence numbers sent on this connection and not acked yet. */
  readonly unacked: Set<number>;
  /** Local edits made while not joined; the next step1/step2 exchange carries them. */
  offlineEdits: number;
  readonly onUpdate: (update: Uint8Array, origin: unknown) => void;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class SyncClient {
  status: ConnectionStatus = ConnectionStatus.offline;
  /** The last error the server sent, for the UI. Cleared when a connection is welcomed. */
  lastError: ErrorMessage | null = null;

  private readonly rooms = new Map<RoomId, RoomState>();
  private readonly listeners = new Set<() => void>();
  private readonly errorListeners = new Set<(error: ErrorMessage) => void>();
  private readonly timers: Timers;
  private socket: SyncSocket | null = null;
  private welcomed = false;
  private running = false;
  private attempt = 0;
  private seq = 0;
  private retryTimer: unknown = null;
  private helloTimer: unknown = null;

  constructor(private readonly options: SyncClientOptions) {
    this.timers = options.timers ?? defaultTimers;
  }

  /** Updates waiting for the server: sent but unacked, plus edits made while disconnected. */
  get pending(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.unacked.size + room.offlineEdits;
    return n;
  }

  /** True once the room's step2 arrived on this connection (the doc holds what the server had). */
  isSynced(room: RoomId): boolean {
    return this.rooms.get(room)?.synced ?? false;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onError(listener: (error: ErrorMessage) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  addRoom(room: RoomId, doc: Y.Doc, ignoredOrigins: Iterable<unknown> = []): void {
    if (this.rooms.has(room)) return;
    const state: RoomState = {
      doc,
      ignoredOrigins: new Set(ignoredOrigins),
      access: null,
      synced: false,
      unacked: new Set(),
      offlineEdits: 0,
      onUpdate: (update, origin) => this.handleLocalUpdate(room, state, update, origin),
    };
    doc.on('update', state.onUpdate);
    this.rooms.set(room, state);
    if (this.welcomed) this.send({ type: MessageType.join, room });
  }

  removeRoom(room: RoomId): void {
    const state = this.rooms.get(room);
    if (!state) return;
    state.doc.off('update', state.onUpdate);
    this.rooms.delete(room);
    if (this.welcomed) this.send({ type: MessageType.leave, room });
    this.emit();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    this.dropSocket();
    this.setStatus(ConnectionStatus.offline);
  }

  /** Skips the backoff wait, e.g. when the browser reports it is online again. */
  reconnectNow(): void {
    if (!this.running || this.socket) return;
    this.clearTimers();
    this.attempt = 0;
    this.connect();
  }

  /** Drops the connection (e.g. the browser went offline) and retries with backoff. */
  disconnect(): void {
    if (this.socket) this.handleClose();
  }

  private connect(): void {
    this.setStatus(ConnectionStatus.connecting);
    const socket = this.options.createSocket({
      onOpen: () => {
        if (this.socket !== socket) return;
        this.send({ type: MessageType.hello, versions: [...SUPPORTED_VERSIONS], token: this.options.token, clientId: this.options.clientId });
      },
      onMessage: (bytes) => {
        if (this.socket === socket) this.receive(bytes);
      },
      onClose: () => {
        if (this.socket === socket) this.handleClose();
      },
    });
    this.socket = socket;
    this.helloTimer = this.timers.setTimeout(() => {
      if (this.socket === socket && !this.welcomed) this.handleClose();
    }, this.options.helloTimeoutMs ?? 15_000);
  }

  private receive(bytes: Uint8Array): void {
    let message: Message;
    try {
      message = decodeMessage(bytes);
    } catch (err) {
      console.warn('sync: dropping connection after undecodable frame', err);
      this.handleClose();
      return;
    }
    switch (message.type) {
      case MessageType.welcome:
        this.welcomed = true;
        this.attempt = 0;
        this.lastError = null;
        for (const room of this.rooms.keys()) this.send({ type: MessageType.join, room });
        this.emit();
        return;
      case MessageType.joined: {
        const state = this.rooms.get(message.room);
        if (!state) return;
        state.access = message.access;
        this.send({ type: MessageType.sync, room: message.room, step: SyncStep.step1, payload: Y.encodeStateVector(state.doc) });
        return;
      }
      case MessageType.sync:
        return this.receiveSync(message.room, message.step, message.payload);
      case MessageType.update: {
        const state = this.rooms.get(message.room);
        if (state) Y.applyUpdate(state.doc, message.update, this);
        return;
      }
      case MessageType.ack: {
        const state = this.rooms.get(message.room);
        if (state?.unacked.delete(message.seq)) this.emit();
        return;
      }
      case MessageType.error:
        return this.receiveError(message);
      default:
        // hello/join/leave are client→server; awareness is not used by the catalog yet.
        return;
    }
  }

  private receiveSync(room: RoomId, step: SyncStep, payload: Uint8Array): void {
    const state = this.rooms.get(room);
    if (!state) return;
    if (step === SyncStep.step1) {
      if (state.access === Access.read) return;
      this.send({ type: MessageType.sync, room, step: SyncStep.step2, payload: Y.encodeStateAsUpdate(state.doc, payload) });
      // The step2 above carries every edit the server lacked, including offline ones.
      state.offlineEdits = 0;
      this.emit();
      return;
    }
    Y.applyUpdate(state.doc, payload, this);
    if (step === SyncStep.step2 && !state.synced) {
      state.synced = true;
      this.refreshStatus();
    }
  }

  private receiveError(error: ErrorMessage): void {
    this.lastError = error;
    for (const listener of this.errorListeners) listener(error);
    if (error.reason === ErrorReason.unauthorized) {
      // Retrying with the same token cannot help; the app sends the user to log in.
      this.stop();
      return;
    }
    if (error.reason === ErrorReason.clientTooOld || error.reason === ErrorReason.serverTooOld) this.stop();
    const room = error.room;
    const state = room === '' ? undefined : this.rooms.get(room);
    if (error.reason === ErrorReason.invalidUpdate && room !== '' && state) {
      // The relay refused an edit of ours: our replica now holds what the room does not. Sync
      // step 1 again (status syncing until the answer) so the divergence shows, never silently.
      state.synced = false;
      this.refreshStatus();
      this.send({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(state.doc) });
    }
    this.emit();
  }

  private handleLocalUpdate(room: RoomId, state: RoomState, update: Uint8Array, origin: unknown): void {
    if (origin === this || state.ignoredOrigins.has(origin)) return;
    if (this.socket && this.welcomed && state.access !== null && state.access !== Access.read) {
      const seq = ++this.seq;
      state.unacked.add(seq);
      this.send({ type: MessageType.update, room, seq, update });
    } else {
      state.offlineEdits++;
    }
    this.emit();
  }

  private handleClose(): void {
    this.dropSocket();
    for (const state of this.rooms.values()) {
      // Unacked updates may or may not have been stored; the next resync settles it.
      state.offlineEdits += state.unacked.size;
      state.unacked.clear();
    }
    this.setStatus(ConnectionStatus.offline);
    if (!this.running) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (this.running && !this.socket) this.connect();
    }, backoffDelay(this.attempt++, this.options.random));
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    for (const state of this.rooms.values()) {
      state.access = null;
      state.synced = false;
    }
    if (this.helloTimer !== null) this.timers.clearTimeout(this.helloTimer);
    this.helloTimer = null;
    if (socket) {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private refreshStatus(): void {
    const allSynced = [...this.rooms.values()].every((s) => s.synced);
    this.setStatus(this.welcomed && allSynced ? ConnectionStatus.online : ConnectionStatus.connecting);
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.emit();
  }

  private send(message: Message): void {
    this.socket?.send(encodeMessage(message));
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
