/**
 * Benchmark devices for both relays behind one interface: Shoebox `/sync` (hello, join,
 * handshake, acknowledged updates) and stock y-websocket (`/{room}`), so the load generator
 * drives both the same way. Built to cost the generator as little as possible, since it shares
 * the cores with the relay it measures: frames are pre-encoded (`encode`), sockets skip
 * compression and masking work, and live updates are identified by reading a few varints of
 * the frame (the update's first Yjs client id and clock) instead of decoding it.
 *
 *   const device = connectDevice({ kind: 'shoebox', base: 'ws://127.0.0.1:3000', token, room })
 *   device.onDelivery = (client, clock) => …; device.sendFrame(device.encode(update))
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { MessageType, PROTOCOL_VERSION, SyncStep, decodeMessage, encodeMessage, type RoomId } from '../protocol/src/index.js';

export type RelayKind = 'shoebox' | 'peer';

export interface BenchDevice {
  /** Called with the Yjs (client, clock) of each live update another device sent (not the initial state). */
  onDelivery: (client: number, clock: number) => void;
  /** Resolves with the synced doc's initial state bytes once the handshake is done. */
  readonly synced: Promise<Uint8Array>;
  /** This protocol's frame for an update (Shoebox: the next seq); encode ahead, send later in order. */
  encode(update: Uint8Array): Uint8Array;
  sendFrame(frame: Uint8Array): void;
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

/** Client frames carry a zero mask, which ws then skips applying: masking is pure generator cost here. */
const zeroMask = (mask: Uint8Array): void => void mask.fill(0);
const SOCKET_OPTIONS = { perMessageDeflate: false, generateMask: zeroMask } as const;

/** A tiny varint cursor: reading three numbers must not allocate a decoder. */
let pos = 0;
const varUint = (b: Uint8Array): number => {
  let n = 0;
  let mult = 1;
  for (;;) {
    const byte = b[pos++]!;
    n += (byte & 0x7f) * mult;
    if (byte < 0x80) return n;
    mult *= 128;
  }
};

/** Reads an update's first (client, clock) at `pos` (update v1: structs first) and reports it. */
const deliver = (b: Uint8Array, device: BenchDevice): void => {
  varUint(b); // payload length
  if (varUint(b) === 0) return; // no structs (a pure delete set)
  varUint(b); // structs of the first client
  const client = varUint(b);
  device.onDelivery(client, varUint(b));
};

export const connectDevice = (options: DeviceOptions): BenchDevice => (options.kind === 'shoebox' ? shoeboxDevice(options) : peerDevice(options));

const shoeboxDevice = ({ base, room, token = '' }: DeviceOptions): BenchDevice => {
  const ws = new WebSocket(`${base}/sync`, SOCKET_OPTIONS);
  ws.binaryType = 'nodebuffer';
  const roomId = room as RoomId;
  let encodedSeq = 0;
  let sentSeq = 0;
  let lastAck = 0;
  const ackWaiters: (() => void)[] = [];
  let resolveSynced!: (state: Uint8Array) => void;
  let rejectSynced!: (err: Error) => void;
  const synced = new Promise<Uint8Array>((resolve, reject) => ((resolveSynced = resolve), (rejectSynced = reject)));
  let isSynced = false;
  let isClosed = false;
  const device: BenchDevice = {
    onDelivery: () => undefined,
    synced,
    encode: (update) => encodeMessage({ type: MessageType.update, room: roomId, seq: ++encodedSeq, update }),
    sendFrame(frame) {
      sentSeq++;
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    send: (update) => device.sendFrame(device.encode(update)),
    acked: () => (lastAck >= sentSeq ? Promise.resolve() : new Promise((r) => ackWaiters.push(r))),
    closed: () => isClosed,
    close: () => ws.close(),
  };
  ws.on('open', () => {
    ws.send(encodeMessage({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'bench' }));
    ws.send(encodeMessage({ type: MessageType.join, room: roomId }));
    ws.send(encodeMessage({ type: MessageType.sync, room: roomId, step: SyncStep.step1, payload: Y.encodeStateVector(new Y.Doc()) }));
  });
  ws.on('message', (b: Buffer) => {
    // Hot path first: live updates (sync, step update) and acks are read without decoding.
    pos = 0;
    const type = varUint(b);
    if (isSynced && (type === MessageType.sync || type === MessageType.ack)) {
      const roomLength = varUint(b); // not `pos += varUint(b)`: that reads pos before the call moves it
      pos += roomLength;
      if (type === MessageType.ack) {
        lastAck = varUint(b);
        if (lastAck >= sentSeq) for (const w of ackWaiters.splice(0)) w();
        return;
      }
      if (varUint(b) === SyncStep.update) return deliver(b, device);
    }
    const m = decodeMessage(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    if (m.type === MessageType.sync) {
      if (m.step === SyncStep.step1) ws.send(encodeMessage({ type: MessageType.sync, room: roomId, step: SyncStep.step2, payload: new Uint8Array([0, 0]) }));
      else if (m.step === SyncStep.step2) {
        isSynced = true;
        resolveSynced(m.payload.slice());
      }
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

const peerFrame = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // messageSync
  write(e);
  return encoding.toUint8Array(e);
};

const peerDevice = ({ base, room }: DeviceOptions): BenchDevice => {
  const ws = new WebSocket(`${base}/${encodeURIComponent(room)}`, SOCKET_OPTIONS);
  ws.binaryType = 'nodebuffer';
  let resolveSynced!: (state: Uint8Array) => void;
  let rejectSynced!: (err: Error) => void;
  const synced = new Promise<Uint8Array>((resolve, reject) => ((resolveSynced = resolve), (rejectSynced = reject)));
  let isClosed = false;
  const device: BenchDevice = {
    onDelivery: () => undefined,
    synced,
    encode: (update) => peerFrame((e) => syncProtocol.writeUpdate(e, update)),
    sendFrame(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    send: (update) => device.sendFrame(device.encode(update)),
    acked: () => Promise.resolve(),
    closed: () => isClosed,
    close: () => ws.close(),
  };
  ws.on('open', () => ws.send(peerFrame((e) => syncProtocol.writeSyncStep1(e, new Y.Doc()))));
  ws.on('message', (b: Buffer) => {
    pos = 0;
    if (varUint(b) !== 0) return; // awareness and others
    const step = varUint(b);
    if (step === syncProtocol.messageYjsUpdate) return deliver(b, device);
    const length = varUint(b);
    const payload = new Uint8Array(b.buffer, b.byteOffset + pos, length).slice();
    if (step === syncProtocol.messageYjsSyncStep1) ws.send(peerFrame((e) => syncProtocol.writeSyncStep2(e, new Y.Doc(), payload)));
    else if (step === syncProtocol.messageYjsSyncStep2) resolveSynced(payload);
  });
  ws.on('error', (err) => rejectSynced(err));
  ws.on('close', (code) => {
    isClosed = true;
    rejectSynced(new Error(`closed ${code}`));
  });
  return device;
};
