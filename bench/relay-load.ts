/**
 * The benchmark's load generator, a process of its own: drives one relay (Shoebox or the
 * y-websocket peer) through one scenario and prints one JSON line with what it measured.
 *
 *   node --import tsx bench/relay-load.ts '{"scenario":"fanout","kind":"peer","base":"ws://127.0.0.1:4321","rooms":20,"devices":10,"rate":5,"seconds":8}'
 *   scenarios: fanout (R×D devices, each `rate` updates/s) | idle (N connections, waits for "done" on stdin)
 *              | seed (uploads a generated catalog) | join (time to synced for a fresh device)
 */
import { readFileSync } from 'node:fs';
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
  /** The relay's process id, to measure its CPU over the fan-out window. */
  pid?: number;
  /** Fan-out split over several generator processes: this one drives rooms firstRoom…firstRoom+rooms-1. */
  firstRoom?: number;
  /** Fan-out: print {"ready":true} once connected and wait for a line on stdin before sending. */
  barrier?: boolean;
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

/** CPU seconds (user + system) a process has used, from /proc: how busy the relay was. */
const cpuSecondsOf = (pid: number | undefined): number => {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
};

/**
 * Each device's updates for the whole run, encoded as frames before the clock starts: the
 * generator then only writes bytes. Device i's doc has Yjs client id `clients[i]`, and its k-th
 * update has clock k, which is how a delivery is matched to its send time without decoding.
 */
const pregenerate = (devices: BenchDevice[], count: number, firstClient: number): { clients: number[]; frames: Uint8Array[][] } => {
  const clients: number[] = [];
  const frames = devices.map((device, i) => {
    const doc = new Y.Doc();
    doc.clientID = firstClient + i;
    clients.push(doc.clientID);
    const map = doc.getMap('members'); // a top-level type album rooms allow (protocol/src/room-schema.ts)
    return Array.from({ length: count }, (_, k) => {
      const sv = Y.encodeStateVector(doc);
      // Its own key per device: on a shared key concurrent writes overwrite each other, and the
      // peer's garbage collection then strips the losing value from what it relays.
      map.set(`d${i}`, k);
      return device.encode(Y.encodeStateAsUpdate(doc, sv));
    });
  });
  return { clients, frames };
};

/** Log buckets of 10 µs × 10^(i/50) (≈4.7 % wide), so shards' latencies can be merged. */
export const LATENCY_BUCKETS_PER_DECADE = 50;
const histogramOf = (latencies: number[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const ms of latencies) {
    const b = Math.max(0, Math.floor(Math.log10(ms / 0.01) * LATENCY_BUCKETS_PER_DECADE));
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return counts;
};

const fanout = async () => {
  const rooms = args.rooms ?? 10;
  const perRoom = args.devices ?? 10;
  const rate = args.rate ?? 5;
  const seconds = args.seconds ?? 8;
  const warmupSeconds = 2;
  const firstRoom = args.firstRoom ?? 0;
  const specs = Array.from({ length: rooms * perRoom }, (_, i) => ({ room: `${args.roomPrefix}${firstRoom + (i % rooms)}` }));
  const devices = await openAll(specs);
  const count = Math.ceil(rate * (warmupSeconds + seconds + 2)) + 2;
  // Client ids unique across generator processes: rooms never share a process, ids must not either.
  const { clients, frames } = pregenerate(devices, count, 1_000_000 + firstRoom * 10_000);
  if (args.barrier) {
    console.log(JSON.stringify({ ready: true }));
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  }
  const deviceOf = new Map(clients.map((c, i) => [c, i]));
  const sentAt = devices.map(() => new Float64Array(count));
  const latencies: number[] = [];
  let delivered = 0;
  let measuring = false;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let sent = 0;
  for (const [index, d] of devices.entries()) {
    d.onDelivery = (client, clock) => {
      const from = deviceOf.get(client);
      if (from === undefined || from === index) return; // the peer echoes updates to their sender
      const t = sentAt[from]![clock];
      // Only updates sent inside the window count, however late they arrive.
      if (t === undefined || t < windowStart || t >= windowEnd) return;
      delivered++;
      latencies.push(now() - t);
    };
  }
  const interval = 1000 / rate;
  const next = devices.map(() => now() + Math.random() * interval);
  const position = devices.map(() => 0);
  let stop = false;
  const tick = (): void => {
    if (stop) return;
    const t = now();
    for (let i = 0; i < devices.length; i++) {
      if (next[i]! > t) continue;
      next[i]! += interval;
      const k = position[i]!;
      if (k >= count) continue;
      position[i] = k + 1;
      sentAt[i]![k] = t;
      devices[i]!.sendFrame(frames[i]![k]!);
      if (measuring) sent++;
    }
    setTimeout(tick, 2);
  };
  tick();
  await sleep(warmupSeconds * 1000);
  measuring = true;
  windowStart = now();
  const cpuStart = process.cpuUsage();
  const relayCpuStart = cpuSecondsOf(args.pid);
  await sleep(seconds * 1000);
  measuring = false;
  windowEnd = now();
  const cpu = process.cpuUsage(cpuStart);
  const relayCpu = cpuSecondsOf(args.pid) - relayCpuStart;
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
    latencyHistogram: histogramOf(latencies),
    // Share of one core over the window: the generator's own cost, and how busy the relay was.
    generatorCpuPercent: round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100, 1),
    relayCpuPercent: round((relayCpu / elapsed) * 100, 1),
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
