import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { catalogRoom, type RoomId, type UserId } from '../../protocol/src/index.js';
import { createSyncServer, type SyncServer } from './index.js';
import { createPostgresRoomRepository } from './postgres-room.repository.js';
import { docOf } from './room.repository.contract.js';
import { openDevice, type Device } from './test-device.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './test-services.js';
import { tempDir, waitFor } from './testing.js';

let pgServer: PostgresServer;
let redis: RedisServer;
beforeAll(async () => {
  [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([pgServer?.stop(), redis?.stop()]);
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let databases = 0;
interface Node {
  sync: SyncServer;
  port: number;
  url: string;
}

/** Two relay nodes, each with its own data dir, sharing accounts and rooms (one PostgreSQL database) and one Redis. */
const cluster = async () => {
  const databaseUrl = await pgServer.createDatabase(`scale_${++databases}`);
  const node = async (nodeId: string): Promise<Node> => {
    const dataDir = tempDir(`shoebox-scale-${nodeId}-`);
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const sync = await createSyncServer({ dataDir, databaseUrl, redisUrl: redis.url, nodeId });
    const server = await sync.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => sync.close());
    return { sync, port: server.port, url: `ws://127.0.0.1:${server.port}/sync` };
  };
  const a = await node('a');
  const b = await node('b');
  const res = await fetch(`http://127.0.0.1:${a.port}/api/auth/signup`, {
    method: 'POST',
    body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse', name: 'Owner' }),
  });
  const body = (await res.json()) as { token: string; user: { id: UserId } };
  const device = async (n: Node, room: RoomId = catalogRoom(body.user.id)): Promise<Device> => {
    const d = await openDevice({ url: n.url, token: body.token, room });
    cleanups.push(() => d.close());
    return d;
  };
  return { a, b, databaseUrl, token: body.token, userId: body.user.id, room: catalogRoom(body.user.id), device };
};

const storedKeys = async (databaseUrl: string, room: RoomId): Promise<Set<string>> => {
  const store = await createPostgresRoomRepository({ url: databaseUrl });
  try {
    return new Set(Object.keys(docOf(await store.load(room)).getMap('facts').toJSON()));
  } finally {
    await store.close();
  }
};

describe('scale-out: two relay nodes on Redis and PostgreSQL', () => {
  it('a device on node A sees an edit made by a device on node B, and back, within 200 ms', async () => {
    const { a, b, device } = await cluster();
    const onA = await device(a);
    const onB = await device(b);
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 ? [onA, onB] : [onB, onA];
      const started = performance.now();
      from.set(`k${i}`, i);
      await waitFor(() => to.doc.getMap('facts').get(`k${i}`) === i, 5000, `edit ${i} on the other node`);
      latencies.push(performance.now() - started);
    }
    latencies.sort((x, y) => x - y);
    expect(latencies[Math.floor(latencies.length * 0.9)]).toBeLessThan(200);
    await onA.waitAcked();
    await onB.waitAcked();
    expect(onA.doc.getMap('facts').toJSON()).toEqual(onB.doc.getMap('facts').toJSON());
  });

  it('a device joining node B later loads what was written through node A from PostgreSQL', async () => {
    const { a, b, device, databaseUrl, room } = await cluster();
    const onA = await device(a);
    for (let i = 0; i < 30; i++) onA.set(`k${i}`, i);
    await onA.waitAcked();
    const late = await device(b);
    expect(Object.keys(late.doc.getMap('facts').toJSON())).toHaveLength(30);
    expect((await storedKeys(databaseUrl, room)).size).toBe(30);
  });

  it('logging out on node A closes the same token’s session on node B; revoking a grant closes it too', async () => {
    const { a, b, device, token, userId, room } = await cluster();
    const album = 'album:shared' as RoomId;
    await a.sync.setGrant(userId, album, 'write');
    const albumOnB = await device(b, album);
    const catalogOnB = await device(b);
    await b.sync.setGrant(userId, album, undefined); // on B: closes at once, locally
    await waitFor(() => albumOnB.closeCodes.includes(4403), 5000, 'grant revocation close');
    expect(catalogOnB.connected()).toBe(true);
    await fetch(`http://127.0.0.1:${a.port}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await waitFor(() => catalogOnB.closeCodes.includes(4401), 5000, 'token revocation reaching node B');
    expect(room).toMatch(/^catalog:/);
  });

  it('a grant revoked through node A closes the session on node B', async () => {
    const { a, b, device, userId } = await cluster();
    const album = 'album:other' as RoomId;
    await a.sync.setGrant(userId, album, 'read');
    const onB = await device(b, album);
    await a.sync.setGrant(userId, album, undefined);
    await waitFor(() => onB.closeCodes.includes(4403), 5000, 'cross-node grant revocation');
  });

  it('accounts live in PostgreSQL: a member created and shared with over HTTP on B logs in on A and syncs on B; revoking on A closes B', async () => {
    const { a, b, token } = await cluster();
    const api = (n: Node, method: string, path: string, body?: unknown, bearer = token) =>
      fetch(`http://127.0.0.1:${n.port}${path}`, { method, headers: { authorization: `Bearer ${bearer}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect((await api(b, 'POST', '/api/auth/signup', { email: 'kid@example.com', password: 'kid password', name: 'Kid' })).status).toBe(201);
    const login = await fetch(`http://127.0.0.1:${a.port}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'kid@example.com', password: 'kid password' }) });
    const kid = (await login.json()) as { token: string; user: { id: UserId } };
    const album = 'album:holiday' as RoomId;
    expect((await api(a, 'PUT', `/api/rooms/${album}/grants`, { email: 'owner@example.com', access: 'admin' })).status).toBe(201);
    expect((await api(b, 'PUT', `/api/rooms/${album}/grants`, { email: 'kid@example.com', access: 'write' })).status).toBe(201);
    const kidOnB = await openDevice({ url: b.url, token: kid.token, room: album });
    cleanups.push(() => kidOnB.close());
    kidOnB.set('from-kid', 1);
    await kidOnB.waitAcked();
    expect((await api(a, 'DELETE', `/api/rooms/${album}/grants/${kid.user.id}`)).status).toBe(200);
    await waitFor(() => kidOnB.closeCodes.includes(4403), 5000, 'revocation on A closing the session on B');
    const listed = (await (await api(b, 'GET', `/api/rooms/${album}/grants`)).json()) as { grants: { email: string }[] };
    expect(listed.grants.map((g) => g.email)).toEqual(['owner@example.com']);
  });

  it('restarting Redis under write load: devices recover, nodes converge, nothing acknowledged is lost', async () => {
    const { a, b, device, databaseUrl, room, token } = await cluster();
    const onA = await device(a);
    const onB = await device(b);
    let i = 0;
    const writer = setInterval(() => (i % 2 ? onA : onB).set(`k${i++}`, i), 10);
    cleanups.push(() => clearInterval(writer));
    await waitFor(() => i > 50, 5000, 'load');
    await redis.restart({ downMs: 300 });
    await waitFor(() => i > 150, 10_000, 'more load after the restart');
    clearInterval(writer);
    await onA.waitAcked(15_000);
    await onB.waitAcked(15_000);
    const all = Array.from({ length: i }, (_, n) => `k${n}`);
    const stored = await storedKeys(databaseUrl, room);
    for (const key of [...onA.acked, ...onB.acked]) expect(stored.has(key), `acked ${key} stored`).toBe(true);
    expect(stored.size).toBe(all.length);
    // Edits published while Redis was down reach the other node through the resync.
    await waitFor(() => onA.doc.getMap('facts').size === all.length && onB.doc.getMap('facts').size === all.length, 10_000, 'convergence');
    expect(Y.encodeStateVector(onA.doc)).toEqual(Y.encodeStateVector(onB.doc));
    const metrics = await (await fetch(`http://127.0.0.1:${a.port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/^shoebox_bus_resyncs_total [1-9]/m);
  });

  it('restarting PostgreSQL under write load: unacknowledged writes are retried, nothing acknowledged is lost', async () => {
    const { a, b, device, databaseUrl, room } = await cluster();
    const onA = await device(a);
    const onB = await device(b);
    let i = 0;
    const writer = setInterval(() => (i % 2 ? onA : onB).set(`k${i++}`, i), 10);
    cleanups.push(() => clearInterval(writer));
    await waitFor(() => i > 50, 5000, 'load');
    const ackedBefore = new Set([...onA.acked, ...onB.acked]);
    await pgServer.restart({ downMs: 500 });
    await waitFor(() => i > 200, 15_000, 'more load after the restart');
    clearInterval(writer);
    await onA.waitAcked(20_000);
    await onB.waitAcked(20_000);
    const stored = await storedKeys(databaseUrl, room);
    for (const key of [...ackedBefore, ...onA.acked, ...onB.acked]) expect(stored.has(key), `acked ${key} stored`).toBe(true);
    expect(stored.size).toBe(i);
    // The outage really hit writes: sessions were closed with 1013 (try again later) and resumed.
    expect([...onA.closeCodes, ...onB.closeCodes]).toContain(1013);
  });
});
