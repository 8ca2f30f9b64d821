/**
 * The HTTP and WebSocket boundaries of a real server process: happy paths, and bad input that
 * must get a clear error while the server keeps running. The frames are built here by hand from
 * PROTOCOL.md's grammar, an independent check of the protocol code.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { realPhotos } from './corpus.js';
import { dataRoot, startServer, type TestServer } from './harness.js';

let server: TestServer;
let token = '';
let userId = '';
const owner = { email: 'owner@example.com', password: 'correct horse battery', name: 'Olivia Owner' };

const api = (path: string, init: RequestInit & { auth?: boolean } = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string>) },
  });

const expectError = async (res: Response, status: number, code?: string) => {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
};

const expectAlive = async () => expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const jpeg = readFileSync(realPhotos()[0]!);

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('accounts', () => {
  it('health answers ok with a version', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('the first signup becomes the owner; then only the owner creates accounts', async () => {
    expect(await (await fetch(`${server.url}/api/setup`)).json()).toEqual({ needsOwner: true });
    const res = await api('/api/auth/signup', { method: 'POST', auth: false, body: JSON.stringify(owner), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; user: { id: string; isOwner: boolean } };
    expect(body.user.isOwner).toBe(true);
    token = body.token;
    userId = body.user.id;
    expect(await (await fetch(`${server.url}/api/setup`)).json()).toEqual({ needsOwner: false });
    await expectError(await api('/api/auth/signup', { method: 'POST', auth: false, body: JSON.stringify({ ...owner, email: 'x@example.com' }) }), 401);
    const kid = { email: 'kid@example.com', password: 'another long one', name: 'Kid' };
    const created = await api('/api/auth/signup', { method: 'POST', body: JSON.stringify(kid) });
    expect(created.status).toBe(201);
    const kidLogin = (await (await api('/api/auth/login', { method: 'POST', auth: false, body: JSON.stringify(kid) })).json()) as { token: string };
    const byKid = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kidLogin.token}` },
      body: JSON.stringify({ email: 'y@example.com', password: 'yet another one', name: 'Y' }),
    });
    await expectError(byKid, 403);
  });

  it('login, me and logout; a logged-out token is refused', async () => {
    await expectError(await api('/api/auth/login', { method: 'POST', auth: false, body: JSON.stringify({ ...owner, password: 'wrong password!' }) }), 401);
    const res = await api('/api/auth/login', { method: 'POST', auth: false, body: JSON.stringify(owner) });
    expect(res.status).toBe(200);
    const { token: second } = (await res.json()) as { token: string };
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${second}` } });
    expect(await me.json()).toMatchObject({ user: { email: owner.email }, rooms: expect.arrayContaining([expect.objectContaining({ room: `catalog:${userId}` })]) });
    expect((await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${second}` } })).status).toBe(200);
    await expectError(await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${second}` } }), 401);
  });

  it('rate-limits repeated failed logins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await api('/api/auth/login', { method: 'POST', auth: false, body: JSON.stringify({ email: 'kid@example.com', password: `guess number ${i}` }) });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toContain(429);
  });
});

describe('bad input gets a clear error and the server keeps running', () => {
  it('malformed JSON, unknown routes and oversized bodies', async () => {
    await expectError(await api('/api/auth/login', { method: 'POST', auth: false, body: '{"email": ' }), 400);
    await expectError(await api('/api/nope'), 404);
    await expectError(await api('/api/blobs/exists', { method: 'POST', body: 'x'.repeat(8 * 1024 * 1024) }), 413);
    await expectError(await api('/api/blobs/exists', { method: 'POST', body: JSON.stringify({ hashes: ['../../etc/passwd'] }) }), 400);
    await expectError(await api('/api/me', { auth: false }), 401);
    await expectAlive();
  });

  it('a wrong hash is rejected and nothing is stored', async () => {
    const wrong = 'f'.repeat(64);
    await expectError(await api(`/api/blobs/${wrong}`, { method: 'PUT', body: jpeg }), 400, 'hashMismatch');
    expect((await api(`/api/blobs/${wrong}`, { method: 'HEAD' })).status).toBe(404);
    await expectError(await api('/api/blobs/not-a-hash', { method: 'PUT', body: jpeg }), 400);
    await expectAlive();
  });

  it('files that are not photos or videos get 415', async () => {
    const dir = join(dataRoot, 'exiftool-images');
    for (const name of ['EXE.exe', 'EXE.elf', 'PDF.pdf', 'Font.afm', 'ZIP.zip', 'FLAC.flac', 'Text1.txt']) {
      const bytes = readFileSync(join(dir, name));
      const res = await api(`/api/blobs/${sha256(bytes)}`, { method: 'PUT', body: bytes });
      await expectError(res, 415);
      expect((await api(`/api/blobs/${sha256(bytes)}`, { method: 'HEAD' })).status).toBe(404);
    }
    await expectAlive();
  });

  it('garbage WebSocket frames get an error message and a close', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync`);
    ws.binaryType = 'arraybuffer';
    await new Promise((r) => ws.once('open', r));
    const received: Uint8Array[] = [];
    ws.on('message', (data: ArrayBuffer) => received.push(new Uint8Array(data)));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    expect(await closed).toBeGreaterThanOrEqual(1000);
    expect(received.length).toBeGreaterThan(0);
    const d = decoding.createDecoder(received[0]!);
    expect(decoding.readVarUint(d)).toBe(9); // error
    expect(['malformed', 'helloRequired']).toContain(decoding.readVarString(d));
    await expectAlive();
  });
});

describe('blobs', () => {
  const hash = sha256(jpeg);

  it('stores a photo once, serves ranges and derivatives', async () => {
    const put = await api(`/api/blobs/${hash}`, { method: 'PUT', body: jpeg });
    expect(put.status).toBe(201);
    const again = await api(`/api/blobs/${hash}`, { method: 'PUT', body: jpeg });
    expect(again.status).toBe(200);
    expect(await (await api('/api/blobs/exists', { method: 'POST', body: JSON.stringify({ hashes: [hash, 'a'.repeat(64)] }) })).json()).toEqual({ exists: [hash] });

    const range = await api(`/api/blobs/${hash}`, { headers: { range: 'bytes=2-11' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(jpeg.subarray(2, 12));

    const thumb = Buffer.from(await (await api(`/api/blobs/${hash}/thumbnail`)).arrayBuffer());
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.min(meta.width!, meta.height!)).toBe(250);
    const preview = await api(`/api/blobs/${hash}/preview`);
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('WebSocket sync', () => {
  const room = () => `catalog:${userId}`;

  const frame = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    write(e);
    return encoding.toUint8Array(e);
  };

  it('a /sync client and a stock y-websocket client share one room', async () => {
    // /sync: hello → welcome, join → joined, then an update that must be acknowledged.
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync`);
    ws.binaryType = 'arraybuffer';
    const inbox: Uint8Array[] = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (data: ArrayBuffer) => {
      inbox.push(new Uint8Array(data));
      waiters.splice(0).forEach((w) => w());
    });
    const next = async (type: number) => {
      for (;;) {
        const index = inbox.findIndex((m) => m[0] === type);
        if (index >= 0) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    await new Promise((r) => ws.once('open', r));
    ws.send(frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 1); encoding.writeVarUint(e, 1); encoding.writeVarString(e, token); encoding.writeVarString(e, 'api-test'); }));
    await next(1);
    ws.send(frame((e) => { encoding.writeVarUint(e, 2); encoding.writeVarString(e, room()); }));
    await next(3);

    const doc = new Y.Doc();
    doc.getMap('favorite').set('x'.repeat(64), true);
    const update = Y.encodeStateAsUpdate(doc);
    ws.send(frame((e) => { encoding.writeVarUint(e, 6); encoding.writeVarString(e, room()); encoding.writeVarUint(e, 7); encoding.writeVarUint8Array(e, update); }));
    const ack = decoding.createDecoder(await next(7));
    decoding.readVarUint(ack);
    expect(decoding.readVarString(ack)).toBe(room());
    expect(decoding.readVarUint(ack)).toBe(7);

    const other = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace('http', 'ws')}/yjs`, room(), other, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
    });
    await new Promise<void>((r) => (other.getMap('favorite').get('x'.repeat(64)) ? r() : other.getMap('favorite').observe(() => r())));
    expect(other.getMap('favorite').get('x'.repeat(64))).toBe(true);

    // and back: an edit through y-websocket reaches the /sync socket as a relayed update.
    other.getMap('favorite').set('y'.repeat(64), true);
    while (doc.getMap('favorite').get('y'.repeat(64)) === undefined) {
      const relayed = decoding.createDecoder(await next(5));
      decoding.readVarUint(relayed);
      expect(decoding.readVarString(relayed)).toBe(room());
      const step = decoding.readVarUint(relayed);
      if (step !== 0) Y.applyUpdate(doc, decoding.readVarUint8Array(relayed)); // skip the server's step1
    }
    expect(doc.getMap('favorite').get('y'.repeat(64))).toBe(true);
    provider.destroy();
    ws.close();
  });
});
