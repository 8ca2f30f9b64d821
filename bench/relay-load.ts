/**
 * The benchmark's load generator, a process of its own: drives one relay (Shoebox or the
 * y-websocket peer) through one scenario and prints one JSON line with what it measured.
 *
 *   node --import tsx bench/relay-load.ts '{"scenario":"fanout","kind":"peer","base":"ws://127.0.0.1:4321","rooms":20,"devices":10,"rate":5,"seconds":8}'
 *   scenarios: fanout (R×D devices, each `rate` updates/s) | idle (N connections, waits for "done" on stdin)
 *              | seed (uploads a generated catalog) | join (time to synced for a fresh device)
 */
import * as Y from 'yjs';
import { addAssets, initCatalog } from '../protocol/src/index.js';
import { createFactsGenerator } from '../protocol/src/catalog-builders.js';
import { connectDevice, type BenchDevice, type RelayKind } from './relay-clients.js';

interface Args {
  scenario: 'fanout' | 'idle' | 'seed' | 'join';
  kind: RelayKind;
  base: string;
  token?: string;
  /** Room ids are `${roomPrefix}${i}`; for seed/join the single room is `room`. */
  roomPrefix?: string;
  room?: string;
  rooms?: number;
  devices?: number;
  rate?: number;
  seconds?: number;
  connections?: number;
  assets?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted: number[], q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!);
const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Opens devices `batch` at a time, so the connect burst itself is not what is measured. */
const openAll = async (specs: { room: string }[], batch = 100): Promise<BenchDevice[]> => {
  const devices: BenchDevice[] = [];
  for (let i = 0; i < specs.length; i += batch) {
    const chunk = specs.slice(i, i + batch).map((s) => connectDevice({ kind: args.kind, base: args.base, room: s.room, token: args.token }));
    await Promise.all(chunk.map((d) => d.synced));
    devices.push(...chunk);
  }
  return devices;
};

/** The id a fan-out update carries: the single string value of its one map entry. */
const idOf = (payload: Uint8Array): string | undefined => {
  for (const struct of Y.decodeUpdate(payload).structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentAny) return struct.content.arr[0] as string;
  }
  return undefined;
};

const fanout = async () => {
  const rooms = args.rooms ?? 10;
  const perRoom = args.devices ?? 10;
  const rate = args.rate ?? 5;
  const seconds = args.seconds ?? 8;
  const specs = Array.from({ length: rooms * perRoom }, (_, i) => ({ room: `${args.roomPrefix}${i % rooms}` }));
  const devices = await openAll(specs);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let measuring = false;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let sent = 0;
  for (const [index, d] of devices.entries()) {
    const own = `${index}:`;
    d.onUpdate = (payload) => {
      const id = idOf(payload);
      if (id === undefined || id.startsWith(own)) return; // the peer echoes updates to their sender
      const t = sentAt.get(id);
      // Only updates sent inside the window count, however late they arrive.
      if (t === undefined || t < windowStart || t >= windowEnd) return;
      delivered++;
      latencies.push(now() - t);
    };
  }
  const docs = devices.map(() => new Y.Doc());
  const interval = 1000 / rate;
  const next = devices.map(() => now() + Math.random() * interval);
  let counter = 0;
  let stop = false;
  const tick = (): void => {
    if (stop) return;
    const t = now();
    for (let i = 0; i < devices.length; i++) {
      if (next[i]! > t) continue;
      next[i]! += interval;
      const doc = docs[i]!;
      const sv = Y.encodeStateVector(doc);
      const id = `${i}:${counter++}`;
      // Its own key per device: on a shared key concurrent writes overwrite each other, and the
      // peer's garbage collection then strips the losing value from what it relays.
      doc.getMap('m').set(`d${i}`, id);
      const update = Y.encodeStateAsUpdate(doc, sv);
      sentAt.set(id, now());
      devices[i]!.send(update);
      if (measuring) sent++;
    }
    setTimeout(tick, 2);
  };
  tick();
  await sleep(2000); // warm-up
  measuring = true;
  windowStart = now();
  await sleep(seconds * 1000);
  measuring = false;
  windowEnd = now();
  const elapsed = (windowEnd - windowStart) / 1000;
  stop = true;
  await sleep(3000); // stragglers sent inside the window still count, with their full latency
  const dropped = devices.filter((d) => d.closed()).length;
  for (const d of devices) d.close();
  latencies.sort((a, b) => a - b);
  return {
    devices: devices.length,
    rooms,
    devicesPerRoom: perRoom,
    ratePerDevice: rate,
    seconds: round(elapsed),
    sentPerSecond: round(sent / elapsed),
    offeredDeliveriesPerSecond: round((sent * (perRoom - 1)) / elapsed),
    deliveredPerSecond: round(delivered / elapsed),
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    connectionsDropped: dropped,
  };
};

const idle = async () => {
  const n = args.connections ?? 2000;
  const rooms = args.rooms ?? 200;
  const devices = await openAll(Array.from({ length: n }, (_, i) => ({ room: `${args.roomPrefix}${i % rooms}` })));
  console.log(JSON.stringify({ ready: true, connections: devices.length }));
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const dropped = devices.filter((d) => d.closed()).length;
  for (const d of devices) d.close();
  return { connections: n, rooms, connectionsDropped: dropped };
};

const seed = async () => {
  const total = args.assets ?? 100_000;
  const device = connectDevice({ kind: args.kind, base: args.base, room: args.room!, token: args.token });
  await device.synced;
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => device.send(update));
  initCatalog(doc);
  const gen = createFactsGenerator(20260101);
  for (let done = 0; done < total; done += 10_000) addAssets(doc, Array.from({ length: Math.min(10_000, total - done) }, () => gen.next()));
  await device.acked();
  await sleep(500); // the peer has no acks: let it apply the last frames
  device.close();
  return { assets: total, stateBytes: Y.encodeStateAsUpdate(doc).byteLength };
};

const join = async () => {
  const started = now();
  const device = connectDevice({ kind: args.kind, base: args.base, room: args.room!, token: args.token });
  const state = await device.synced;
  const received = now();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const applied = now();
  device.close();
  return { msToSyncedMessage: round(received - started), msToApplied: round(applied - started), stateBytes: state.byteLength };
};

const run = { fanout, idle, seed, join }[args.scenario];
if (!run) throw new Error(`unknown scenario ${args.scenario}`);
run().then(
  (result) => {
    console.log(JSON.stringify({ scenario: args.scenario, kind: args.kind, ...result }));
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
