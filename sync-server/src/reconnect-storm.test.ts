import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType, PROTOCOL_VERSION, catalogRoom, decodeMessage, encodeMessage, type RoomId, type UserId } from '../../protocol/src/index.js';
import { startRelayProcess } from './relay-process.js';
import { waitFor } from './testing.js';

/** `SHOEBOX_SOAK=1` (npm run test:soak) storms with more sockets and more restarts. */
const SOAK = process.env.SHOEBOX_SOAK === '1';
const CLIENTS = SOAK ? 2000 : 1000;
const RESTARTS = SOAK ? 3 : 1;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface StormClient {
  joined(): boolean;
  refusals: number;
  stop(): void;
}

/** A bare `/sync` client that joins one room and, like the PWA, reconnects with jittered exponential backoff after any close or 429. */
const stormClient = (url: string, token: string, room: RoomId): StormClient => {
  let ws: WebSocket | undefined;
  let joined = false;
  let stopped = false;
  let attempt = 0;
  const client: StormClient = { joined: () => joined, refusals: 0, stop: () => ((stopped = true), ws?.terminate()) };
  const retry = (): void => {
    joined = false;
    if (stopped) return;
    setTimeout(connect, Math.min(2000, 50 * 2 ** attempt++) * (0.5 + Math.random()));
  };
  const connect = (): void => {
    if (stopped) return;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    ws = socket;
    socket.binaryType = 'arraybuffer';
    socket.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 429) client.refusals++;
      res.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      socket.send(encodeMessage({ type: MessageType.hello, versions: [PROTOCOL_VERSION], token, clientId: 'storm' }));
      socket.send(encodeMessage({ type: MessageType.join, room }));
    });
    socket.on('message', (data: ArrayBuffer) => {
      if (decodeMessage(new Uint8Array(data)).type === MessageType.joined) {
        joined = true;
        attempt = 0;
      }
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      if (ws === socket) retry();
    });
  };
  connect();
  return client;
};

describe('reconnect storm against a real relay process', () => {
  it(`${CLIENTS} sockets from one address reconnecting at once after kill -9 (×${RESTARTS}): throttled with 429, all rejoin, the relay stays up`, { timeout: SOAK ? 300_000 : 90_000 }, async () => {
    // Limits small enough that the storm hits them: bursts of 400, then 100 new sockets a second.
    const relay = await startRelayProcess({ env: { SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND: '100', SHOEBOX_MAX_CONNECTIONS_PER_IP: String(CLIENTS) } });
    cleanups.push(() => relay.stop());
    const res = await fetch(`${relay.http}/api/auth/signup`, { method: 'POST', body: JSON.stringify({ email: 'o@example.com', password: 'storm password', name: 'O' }) });
    const { token, user } = (await res.json()) as { token: string; user: { id: UserId } };
    const clients = Array.from({ length: CLIENTS }, () => stormClient(relay.ws, token, catalogRoom(user.id)));
    cleanups.push(() => clients.forEach((c) => c.stop()));
    const allJoined = (what: string) => waitFor(() => clients.every((c) => c.joined()), 60_000, `${what}: ${clients.filter((c) => c.joined()).length}/${CLIENTS} joined`);
    await allJoined('first connect');
    for (let i = 0; i < RESTARTS; i++) {
      await relay.kill();
      await waitFor(() => clients.every((c) => !c.joined()), 10_000, 'every client noticing the crash');
      await relay.start();
      await allJoined(`after restart ${i + 1}`);
    }
    const metrics = await (await fetch(`${relay.http}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text(); // the owner is an administrator
    const refusedByRelay = Number(/shoebox_ws_errors_total\{reason="admission_tooFast"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(refusedByRelay, 'the storm was throttled').toBeGreaterThan(0);
    expect(clients.reduce((n, c) => n + c.refusals, 0)).toBeGreaterThan(0);
    expect(metrics).toMatch(new RegExp(`^shoebox_ws_connections ${CLIENTS}$`, 'm'));
    expect(relay.pid()).toBeDefined();
    // One more socket than allowed from this address is refused outright.
    const extra = new WebSocket(relay.ws);
    const status = await new Promise<number>((resolve) => {
      extra.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      extra.on('open', () => resolve(101));
      extra.on('error', () => undefined);
    });
    extra.terminate();
    expect(status).toBe(429);
  });
});
