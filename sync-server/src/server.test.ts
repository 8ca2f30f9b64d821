import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import {
  ErrorReason,
  MessageType,
  PROTOCOL_VERSION,
  SyncStep,
  catalogRoom,
  decodeMessage,
  encodeMessage,
  type Message,
  type RoomId,
  type UserId,
} from '../../protocol/src/index.js';
import { clockBomb } from './hostile-updates.js';
import { createSyncServer } from './index.js';
import { ywsSyncStep1, ywsUpdate } from './yws.codec.js';
import { createSyncPeer, tempDir, waitFor, type SyncPeer } from './testing.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const start = async (dataDir = tempDir()) => {
  const sync = await createSyncServer({ dataDir });
  const server = await sync.listen({ port: 0, host: '127.0.0.1' });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sync.close();
  };
  cleanups.push(close);
  return { sync, port: server.port, dataDir, close };
};

const signupOwner = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/signup`, {
    method: 'POST',
    body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse', name: 'Owner' }),
  });
  const body = (await res.json()) as { token: string; user: { id: string } };
  return { token: body.token, room: catalogRoom(body.user.id as UserId) };
};

const login = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse' }),
  });
  return ((await res.json()) as { token: string }).token;
};

interface SyncClient {
  peer: SyncPeer;
  ws: WebSocket;
  received: Message[];
  closed: Promise<number>;
}

/** A `/sync` client over a real socket: hello, join, then the y-protocols handshake. */
const syncClient = async (port: number, token: string, room: RoomId): Promise<SyncClient> => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/sync`);
  ws.binaryType = 'arraybuffer';
  const received: Message[] = [];
  const peer = createSyncPeer(room, (m) => ws.send(encodeMessage(m)));
  ws.on('message', (data: ArrayBuffer) => {
    const m = decodeMessage(new Uint8Array(data));
    received.push(m);
    peer.receive(m);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  cleanups.push(() => ws.close());
  ws.send(encodeMessage({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'test' }));
  ws.send(encodeMessage({ type: MessageType.join, room }));
  ws.send(encodeMessage({ type: MessageType.sync, room, step: SyncStep.step1, payload: Y.encodeStateVector(peer.doc) }));
  await waitFor(() => received.some((m) => m.type === MessageType.sync && m.step === SyncStep.step2), 5000, 'initial sync');
  return { peer, ws, received, closed };
};

const provider = (port: number, room: RoomId, token: string, doc = new Y.Doc()) => {
  const p = new WebsocketProvider(`ws://127.0.0.1:${port}/yjs`, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  });
  cleanups.push(() => p.destroy());
  return { provider: p, doc };
};

describe('sync server over real sockets', () => {
  it('[clock bomb] refused on /sync and /yjs; a stock WebsocketProvider still reads the room after a restart', async () => {
    const first = await start();
    const { token, room } = await signupOwner(first.port);
    const client = await syncClient(first.port, token, room);
    client.peer.doc.getMap('tags').set('kept', true);
    await waitFor(() => client.peer.acked.has(client.peer.seq()), 5000, 'ack');
    client.ws.send(encodeMessage({ type: MessageType.update, room, seq: 999, update: clockBomb() }));
    await waitFor(() => client.received.some((m) => m.type === MessageType.error), 5000, 'refusal on /sync');
    expect(client.received.find((m) => m.type === MessageType.error)).toMatchObject({ reason: ErrorReason.invalidUpdate, room });

    const raw = new WebSocket(`ws://127.0.0.1:${first.port}/yjs/${room}?token=${token}`);
    const closed = new Promise<[number, string]>((resolve) => raw.on('close', (code, reason) => resolve([code, reason.toString()])));
    await new Promise((resolve, reject) => raw.once('open', resolve).once('error', reject));
    raw.send(ywsSyncStep1(new Uint8Array([0])));
    raw.send(ywsUpdate(clockBomb(0xb00b)));
    expect(await closed).toEqual([4422, ErrorReason.invalidUpdate]);

    await first.close();
    const second = await start(first.dataDir);
    const { provider: p, doc } = provider(second.port, room, await login(second.port));
    await waitFor(() => p.synced, 5000, 'provider synced');
    expect(doc.getMap('tags').toJSON()).toEqual({ kept: true });
  });

  it('a /sync client and a y-websocket WebsocketProvider edit the same room', async () => {
    const { port } = await start();
    const { token, room } = await signupOwner(port);
    const client = await syncClient(port, token, room);
    client.peer.doc.getMap('assets').set('a', { name: 'from /sync' });
    await waitFor(() => client.peer.acked.has(client.peer.seq()), 5000, 'ack');

    const { provider: p, doc } = provider(port, room, token);
    await waitFor(() => p.synced, 5000, 'provider synced');
    expect(doc.getMap('assets').get('a')).toEqual({ name: 'from /sync' });

    doc.getMap('assets').set('b', { name: 'from y-websocket' });
    await waitFor(() => client.peer.doc.getMap('assets').has('b'), 5000, 'y-websocket edit at /sync client');
    client.peer.doc.getMap('assets').set('c', { name: 'live' });
    await waitFor(() => doc.getMap('assets').has('c'), 5000, '/sync edit at provider');
    expect(doc.getMap('assets').toJSON()).toEqual(client.peer.doc.getMap('assets').toJSON());
  });

  it('keeps room content across a restart on the same data dir', async () => {
    const first = await start();
    const { token, room } = await signupOwner(first.port);
    const client = await syncClient(first.port, token, room);
    client.peer.doc.getText('description').insert(0, 'survives');
    await waitFor(() => client.peer.acked.has(client.peer.seq()), 5000, 'ack');
    const { provider: p, doc } = provider(first.port, room, token);
    await waitFor(() => p.synced, 5000, 'provider synced');
    doc.getText('description').insert(8, ' restarts');
    await waitFor(() => client.peer.doc.getText('description').toString() === 'survives restarts', 5000, 'relay of provider edit');
    p.destroy();
    await first.close();
    expect(await client.closed).toBeGreaterThan(0);

    const second = await start(first.dataDir);
    const again = await syncClient(second.port, await login(second.port), room);
    expect(again.peer.doc.getText('description').toString()).toBe('survives restarts');
  });

  it('closes live sockets when their token is revoked by logout', async () => {
    const { port } = await start();
    const { token, room } = await signupOwner(port);
    const client = await syncClient(port, token, room);
    const { provider: p } = provider(port, room, token);
    await waitFor(() => p.synced, 5000, 'provider synced');
    const providerClosed = new Promise<{ code: number }>((resolve) => p.on('closed', (event) => resolve(event)));
    await fetch(`http://127.0.0.1:${port}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(await client.closed).toBe(4401);
    expect(client.received.at(-1)).toMatchObject({ type: MessageType.error, reason: ErrorReason.unauthorized });
    expect((await providerClosed).code).toBe(4401);
  });

  it('refuses a y-websocket client without a valid token with a final close code', async () => {
    const { port } = await start();
    const { room } = await signupOwner(port);
    const { provider: p } = provider(port, room, 'wrong');
    const event = await new Promise<{ code: number }>((resolve) => p.on('closed', (e) => resolve(e)));
    expect(event.code).toBe(4401);
    expect(p.synced).toBe(false);
  });

  it('reports connections and messages on /metrics', async () => {
    const { port } = await start();
    const { token, room } = await signupOwner(port);
    await syncClient(port, token, room);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(text).toMatch(/^shoebox_ws_connections 1$/m);
    expect(text).toMatch(/^shoebox_rooms_loaded 1$/m);
    expect(text).toMatch(/^shoebox_ws_messages_in_total [1-9]/m);
    for (const family of ['shoebox_ws_messages_out_total', 'shoebox_ws_bytes_in_total', 'shoebox_ws_bytes_out_total', 'shoebox_ws_connections_opened_total']) {
      expect(text).toMatch(new RegExp(`^${family} [1-9]`, 'm'));
    }
    expect(text).toMatch(/^shoebox_room_load_seconds_count 1$/m);
    expect(text).toMatch(/^shoebox_persist_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^shoebox_process_resident_memory_bytes [1-9]/m);
    // Errors are counted by reason: a frame that is not a message.
    const bad = new WebSocket(`ws://127.0.0.1:${port}/sync`);
    await new Promise((resolve) => bad.once('open', resolve));
    const closed = new Promise((resolve) => bad.on('close', resolve));
    bad.send(new Uint8Array([250, 1]));
    await closed;
    const after = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(after).toMatch(/^shoebox_ws_errors_total\{reason="malformed"\} 1$/m);
  });

  it('closes sockets that send text frames or frames over the 16 MiB cap', async () => {
    const { port } = await start();
    const text = new WebSocket(`ws://127.0.0.1:${port}/sync`);
    await new Promise((resolve) => text.once('open', resolve));
    const textClosed = new Promise<number>((resolve) => text.on('close', (code) => resolve(code)));
    text.send('hello');
    expect(await textClosed).toBe(1003);
    const big = new WebSocket(`ws://127.0.0.1:${port}/sync`);
    await new Promise((resolve) => big.once('open', resolve));
    const bigClosed = new Promise<number>((resolve) => big.on('close', (code) => resolve(code)));
    big.on('error', () => {});
    big.send(new Uint8Array(17 * 1024 * 1024));
    expect(await bigClosed).toBeGreaterThan(1000);
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  });
});
