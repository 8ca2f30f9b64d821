/**
 * A minimal `/sync` client (PROTOCOL.md § 1) for the blob store acting as a catalog replica:
 * hello with a token, join one room, pull the room's state (sync step 1 → step 2), push one Yjs
 * update and wait for its ack (stored with fsync). Built on protocol/'s codecs only.
 *
 *   const session = await openRelayRoom({ url: 'ws://127.0.0.1:3000/sync', token, room, clientId: 'blob-store' });
 *   await session.push(update); session.close();   // session.doc holds the room's state
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, SUPPORTED_VERSIONS, SyncStep, decodeMessage, encodeMessage, type Message, type RoomId } from '../../protocol/src/index.js';

export interface RelayRoomOptions {
  readonly url: string;
  readonly token: string;
  readonly room: RoomId;
  readonly clientId: string;
  /** Whole session deadline per step (connect+sync, each push). */
  readonly timeoutMs?: number;
}

export interface RelayRoom {
  /** The room's document as the relay holds it (after the initial sync). */
  readonly doc: Y.Doc;
  /** Sends a Yjs update and resolves once the relay has acknowledged it (durably stored). */
  push(update: Uint8Array): Promise<void>;
  close(): void;
}

export class RelayClientError extends Error {
  override readonly name = 'RelayClientError';
}

export const openRelayRoom = (options: RelayRoomOptions): Promise<RelayRoom> => {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const { room } = options;
  const doc = new Y.Doc();
  const ws = new WebSocket(options.url);
  ws.binaryType = 'nodebuffer';
  const send = (m: Message): void => ws.send(encodeMessage(m));
  let seq = 0;
  const acks = new Map<number, { done: () => void; fail: (err: Error) => void }>();
  let failure: Error | undefined;

  return new Promise<RelayRoom>((resolve, reject) => {
    let synced = false;
    const timer = setTimeout(() => abort(new RelayClientError(`relay did not sync ${room} within ${timeoutMs} ms`)), timeoutMs);
    const abort = (err: Error): void => {
      failure ??= err;
      clearTimeout(timer);
      for (const a of acks.values()) a.fail(err);
      acks.clear();
      if (!synced) reject(err);
      ws.terminate();
    };
    ws.on('error', (err) => abort(new RelayClientError(`relay connection failed: ${err.message}`)));
    ws.on('close', (code) => abort(new RelayClientError(`relay closed the connection (${code})`)));
    ws.on('open', () => send({ type: MessageType.hello, versions: [...SUPPORTED_VERSIONS], token: options.token, clientId: options.clientId }));
    ws.on('message', (data: Buffer) => {
      let m: Message;
      try {
        m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (err) {
        return abort(new RelayClientError(`undecodable frame from relay: ${(err as Error).message}`));
      }
      switch (m.type) {
        case MessageType.welcome:
          return send({ type: MessageType.join, room });
        case MessageType.joined:
          // Ask for everything: the relay answers our step 1 with the whole room as step 2.
          return send({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(doc) });
        case MessageType.sync:
          if (m.room !== room) return;
          if (m.step === SyncStep.step1) return; // we hold nothing the relay lacks
          Y.applyUpdate(doc, m.payload, 'relay');
          if (m.step === SyncStep.step2 && !synced) {
            synced = true;
            clearTimeout(timer);
            resolve(session);
          }
          return;
        case MessageType.ack: {
          const a = acks.get(m.seq);
          acks.delete(m.seq);
          return a?.done();
        }
        case MessageType.error:
          return abort(new RelayClientError(`relay refused (${m.reason}${m.room ? ` in ${m.room}` : ''}): ${m.message}`));
        default:
          return;
      }
    });

    const session: RelayRoom = {
      doc,
      push: (update) =>
        new Promise<void>((done, fail) => {
          if (failure) return fail(failure);
          const n = ++seq;
          const t = setTimeout(() => {
            acks.delete(n);
            fail(new RelayClientError(`no ack for update ${n} in ${room} within ${timeoutMs} ms`));
          }, timeoutMs);
          acks.set(n, { done: () => (clearTimeout(t), done()), fail: (err) => (clearTimeout(t), fail(err)) });
          send({ type: MessageType.update, room, seq: n, update });
        }),
      close: () => {
        failure ??= new RelayClientError('closed');
        ws.removeAllListeners('close');
        ws.close();
      },
    };
  });
};
