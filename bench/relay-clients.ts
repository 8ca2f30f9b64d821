/**
 * Benchmark devices for both relays behind one interface: Shoebox `/sync` (hello, join,
 * handshake, acknowledged updates) and stock y-websocket (`/{room}`), so the load generator
 * drives both the same way.
 *
 *   const device = await connectDevice({ kind: 'shoebox', base: 'ws://127.0.0.1:3000', token, room })
 *   device.onUpdate = (payload) => …; device.send(update)
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType, PROTOCOL_VERSION, SyncStep, decodeMessage, encodeMessage, type RoomId } from '../protocol/src/index.js';

export type RelayKind = 'shoebox' | 'peer';

export interface BenchDevice {
  /** Called with each live update another device sent (not the initial state). */
  onUpdate: (payload: Uint8Array) => void;
  /** Resolves with the synced doc's initial state bytes once the handshake is done. */
  readonly synced: Promise<Uint8Array>;
  send(update: Uint8Array): void;
  /** Resolves once every sent update is acknowledged (Shoebox) or at once (the peer has no acks). */
  acked(): Promise<void>;
  closed(): boolean;
  close(): void;
}

export interface DeviceOptions {
  readonly kind: RelayKind;
  /** ws://host:port */
  readonly base: string;
  readonly room: string;
  readonly token?: string;
}

export const connectDevice = (options: DeviceOptions): BenchDevice => (options.kind === 'shoebox' ? shoeboxDevice(options) : peerDevice(options));

const shoeboxDevice = ({ base, room, token = '' }: DeviceOptions): BenchDevice => {
  const ws = new WebSocket(`${base}/sync`);
  ws.binaryType = 'arraybuffer';
  const roomId = room as RoomId;
  let seq = 0;
  let lastAck = 0;
  const ackWaiters: (() => void)[] = [];
  let resolveSynced!: (state: Uint8Array) => void;
  let rejectSynced!: (err: Error) => void;
  const synced = new Promise<Uint8Array>((resolve, reject) => ((resolveSynced = resolve), (rejectSynced = reject)));
  let isClosed = false;
  const device: BenchDevice = {
    onUpdate: () => undefined,
    synced,
    send(update) {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage({ type: MessageType.update, room: roomId, seq: ++seq, update }));
    },
    acked: () => (lastAck >= seq ? Promise.resolve() : new Promise((r) => ackWaiters.push(r))),
    closed: () => isClosed,
    close: () => ws.close(),
  };
  ws.on('open', () => {
    ws.send(encodeMessage({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'bench' }));
    ws.send(encodeMessage({ type: MessageType.join, room: roomId }));
    ws.send(encodeMessage({ type: MessageType.sync, room: roomId, step: SyncStep.step1, payload: Y.encodeStateVector(new Y.Doc()) }));
  });
  ws.on('message', (data: ArrayBuffer) => {
    const m = decodeMessage(new Uint8Array(data));
    if (m.type === MessageType.sync) {
      if (m.step === SyncStep.step1) ws.send(encodeMessage({ type: MessageType.sync, room: roomId, step: SyncStep.step2, payload: new Uint8Array([0, 0]) }));
      else if (m.step === SyncStep.step2) resolveSynced(m.payload);
      else device.onUpdate(m.payload);
    } else if (m.type === MessageType.ack) {
      lastAck = m.seq;
      if (lastAck >= seq) for (const w of ackWaiters.splice(0)) w();
    } else if (m.type === MessageType.error) {
      rejectSynced(new Error(`relay error ${m.reason}: ${m.message}`));
    }
  });
  ws.on('error', (err) => rejectSynced(err));
  ws.on('close', (code) => {
    isClosed = true;
    rejectSynced(new Error(`closed ${code}`));
  });
  return device;
};

const peerDevice = ({ base, room }: DeviceOptions): BenchDevice => {
  const ws = new WebSocket(`${base}/${encodeURIComponent(room)}`);
  ws.binaryType = 'arraybuffer';
  let resolveSynced!: (state: Uint8Array) => void;
  let rejectSynced!: (err: Error) => void;
  const synced = new Promise<Uint8Array>((resolve, reject) => ((resolveSynced = resolve), (rejectSynced = reject)));
  let isClosed = false;
  const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // messageSync
    write(e);
    return encoding.toUint8Array(e);
  };
  const device: BenchDevice = {
    onUpdate: () => undefined,
    synced,
    send(update) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame((e) => syncProtocol.writeUpdate(e, update)));
    },
    acked: () => Promise.resolve(),
    closed: () => isClosed,
    close: () => ws.close(),
  };
  ws.on('open', () => ws.send(frame((e) => syncProtocol.writeSyncStep1(e, new Y.Doc()))));
  ws.on('message', (data: ArrayBuffer) => {
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== 0) return; // awareness and others
    const step = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (step === syncProtocol.messageYjsSyncStep1) ws.send(frame((e) => syncProtocol.writeSyncStep2(e, new Y.Doc(), payload)));
    else if (step === syncProtocol.messageYjsSyncStep2) resolveSynced(payload);
    else device.onUpdate(payload);
  });
  ws.on('error', (err) => rejectSynced(err));
  ws.on('close', (code) => {
    isClosed = true;
    rejectSynced(new Error(`closed ${code}`));
  });
  return device;
};
