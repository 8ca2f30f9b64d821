/**
 * A `/sync` device over a real WebSocket, as the PWA behaves: it keeps every unacknowledged
 * update, reconnects with jittered exponential backoff after any close, re-joins, re-runs the
 * handshake and re-sends what was never acknowledged. Used by the scale-out and fault tests.
 *
 *   const device = await openDevice({ url: 'ws://127.0.0.1:3000/sync', token, room })
 *   device.set('k1', 1); await device.waitAcked(); device.close()
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, PROTOCOL_VERSION, SyncStep, decodeMessage, encodeMessage, type Message, type RoomId } from '../../protocol/src/index.js';
import { waitFor } from './testing.js';

export interface DeviceOptions {
  readonly url: string | (() => string);
  readonly token: string;
  readonly room: RoomId;
  /** First reconnect delay; doubles per failed attempt up to 2 s, with ±50 % jitter. */
  readonly backoffMs?: number;
}

export interface Device {
  readonly doc: Y.Doc;
  /** Keys whose update the relay acknowledged (durably stored). */
  readonly acked: Set<string>;
  readonly closeCodes: number[];
  readonly errors: Message[];
  /** Sets map `m` key → value locally; the update is sent now or after reconnecting. */
  set(key: string, value: unknown): void;
  connected(): boolean;
  /** Resolves once every update sent so far is acknowledged. */
  waitAcked(timeoutMs?: number): Promise<void>;
  /** True once the initial handshake of the current connection finished. */
  synced(): boolean;
  close(): void;
}

export const openDevice = async (options: DeviceOptions): Promise<Device> => {
  const { token, room, backoffMs = 100 } = options;
  const doc = new Y.Doc();
  const acked = new Set<string>();
  const unacked = new Map<number, { keys: string[]; update: Uint8Array }>();
  const closeCodes: number[] = [];
  const errors: Message[] = [];
  let seq = 0;
  let ws: WebSocket | undefined;
  let isSynced = false;
  let stopped = false;
  let attempt = 0;
  let lastKey: string | undefined;

  const send = (m: Message): void => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(encodeMessage(m));
  };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'remote' || lastKey === undefined) return;
    const s = ++seq;
    unacked.set(s, { keys: [lastKey], update });
    if (isSynced) send({ type: MessageType.update, room, seq: s, update });
  });

  const connect = (): void => {
    if (stopped) return;
    isSynced = false;
    const socket = new WebSocket(typeof options.url === 'string' ? options.url : options.url());
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.on('open', () => {
      socket.send(encodeMessage({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: String(doc.clientID) }));
      socket.send(encodeMessage({ type: MessageType.join, room }));
      socket.send(encodeMessage({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(doc) }));
    });
    socket.on('message', (data: ArrayBuffer) => {
      const m = decodeMessage(new Uint8Array(data));
      if (m.type === MessageType.error) errors.push(m);
      if (m.type === MessageType.ack) {
        const entry = unacked.get(m.seq);
        if (entry) for (const key of entry.keys) acked.add(key);
        unacked.delete(m.seq);
      }
      if (m.type !== MessageType.sync || m.room !== room) return;
      if (m.step === SyncStep.step1) {
        send({ type: MessageType.sync, room, step: SyncStep.step2, payload: Y.encodeStateAsUpdate(doc, m.payload) });
        return;
      }
      Y.applyUpdate(doc, m.payload, 'remote');
      if (m.step === SyncStep.step2 && !isSynced) {
        isSynced = true;
        attempt = 0;
        // Re-send everything the relay never acknowledged as one merged update under a fresh
        // seq: thousands of single re-sends after an outage would trip the rate limit.
        if (unacked.size > 0) {
          const keys = [...unacked.values()].flatMap((e) => e.keys);
          const merged = Y.mergeUpdates([...unacked.values()].map((e) => e.update));
          unacked.clear();
          const s = ++seq;
          unacked.set(s, { keys, update: merged });
          send({ type: MessageType.update, room, seq: s, update: merged });
        }
      }
    });
    socket.on('error', () => undefined); // 'close' follows and schedules the retry
    socket.on('close', (code) => {
      closeCodes.push(code);
      isSynced = false;
      if (stopped || (code >= 4400 && code < 4500)) return; // final: auth or protocol refusal
      const delay = Math.min(2000, backoffMs * 2 ** attempt++) * (0.5 + Math.random());
      setTimeout(connect, delay);
    });
  };

  connect();
  await waitFor(() => isSynced, 10_000, 'device handshake');
  return {
    doc,
    acked,
    closeCodes,
    errors,
    set(key, value) {
      lastKey = key;
      doc.getMap('facts').set(key, value);
      lastKey = undefined;
    },
    connected: () => ws?.readyState === WebSocket.OPEN,
    synced: () => isSynced,
    waitAcked: (timeoutMs = 10_000) => waitFor(() => unacked.size === 0, timeoutMs, `acks (${unacked.size} outstanding)`),
    close() {
      stopped = true;
      ws?.close();
    },
  };
};
