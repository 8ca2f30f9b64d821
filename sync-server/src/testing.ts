/**
 * Test doubles for the relay: a recording socket, an in-memory RelayAuth, and a `/sync` peer
 * that keeps a Y.Doc in step with a room. Used only by *.test.ts files.
 *
 *   const socket = new RecordingSocket(); const id = relay.connectSync(socket)
 *   const peer = createSyncPeer(room, (m) => relay.handleMessage(id, encodeMessage(m)))
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { MessageType, SyncStep, decodeMessage, type Message, type RoomId, type UserId } from '../../protocol/src/index.js';
import type { AuthUser } from './auth.service.js';
import { tokenHash } from './auth.service.js';
import type { RelayAuth } from './session.js';
import type { RelaySocket } from './socket.js';
import type { GrantAccess } from './user.repository.js';

export const tempDir = (prefix = 'shoebox-sync-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

export class RecordingSocket implements RelaySocket {
  readonly frames: Uint8Array[] = [];
  closed: { code: number; reason: string } | undefined;
  buffered = 0;
  onFrame: ((bytes: Uint8Array) => void) | undefined;
  send(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    this.frames.push(bytes);
    this.onFrame?.(bytes);
    return true;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  messages(): Message[] {
    return this.frames.map((f) => decodeMessage(f));
  }
  last(): Message | undefined {
    const f = this.frames.at(-1);
    return f && decodeMessage(f);
  }
}

export interface FakeAuth extends RelayAuth {
  addUser(token: string, id: string, grants: Record<string, GrantAccess>): AuthUser;
  revoke(token: string): void;
  setGrant(userId: string, room: string, access: GrantAccess | undefined): void;
}

export const createFakeAuth = (): FakeAuth => {
  const users = new Map<string, { user: AuthUser; grants: Record<string, GrantAccess> }>();
  const listeners = new Set<(hash: string) => void>();
  const grantListeners = new Set<(userId: UserId, room: string) => void>();
  return {
    addUser(token, id, grants) {
      const user: AuthUser = { id: id as UserId, email: `${id}@example.test`, name: id, isOwner: false };
      users.set(token, { user, grants });
      return user;
    },
    revoke(token) {
      users.delete(token);
      for (const l of listeners) l(tokenHash(token));
    },
    setGrant(userId, room, access) {
      for (const u of users.values()) {
        if (u.user.id !== userId) continue;
        if (access) u.grants[room] = access;
        else delete u.grants[room];
      }
      for (const l of grantListeners) l(userId as UserId, room);
    },
    onGrantChange(listener) {
      grantListeners.add(listener);
      return () => grantListeners.delete(listener);
    },
    authenticate: async (token) => (token ? users.get(token)?.user : undefined),
    accessFor: async (userId, room) => [...users.values()].find((u) => u.user.id === userId)?.grants[room],
    onRevoke(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

export interface SyncPeer {
  readonly doc: Y.Doc;
  readonly acked: Set<number>;
  readonly errors: Message[];
  receive(m: Message): void;
  /** The last seq this peer sent. */
  seq(): number;
}

/** A client replica of one room speaking `/sync`: answers step1, applies step2/updates, sends edits. */
export const createSyncPeer = (room: RoomId, send: (m: Message) => void, doc = new Y.Doc()): SyncPeer => {
  let seq = 0;
  const acked = new Set<number>();
  const errors: Message[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') send({ type: MessageType.update, room, seq: ++seq, update });
  });
  return {
    doc,
    acked,
    errors,
    seq: () => seq,
    receive(m) {
      if (m.type === MessageType.error) errors.push(m);
      if (m.type === MessageType.ack && m.room === room) acked.add(m.seq);
      if (m.type !== MessageType.sync || m.room !== room) return;
      if (m.step === SyncStep.step1) send({ type: MessageType.sync, room, step: SyncStep.step2, payload: Y.encodeStateAsUpdate(doc, m.payload) });
      else Y.applyUpdate(doc, m.payload, 'remote');
    },
  };
};

/** Polls `check` until it holds or `timeoutMs` passes; for events a test cannot await directly. */
export const waitFor = async (check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
