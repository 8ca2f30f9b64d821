import { afterEach, describe, expect, it } from 'vitest';
import { catalogRoom, type RoomId, type UserId } from '../../protocol/src/index.js';
import { createSyncServer, type SyncServer } from './index.js';
import { openDevice, type Device } from './test-device.js';
import { tempDir, waitFor } from './testing.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Account {
  token: string;
  id: UserId;
}

/** An embedded relay with an owner and two members, each logged in. */
const household = async () => {
  const sync: SyncServer = await createSyncServer({ dataDir: tempDir() });
  cleanups.push(() => sync.close());
  const { port } = await sync.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const owner = (await call('POST', '/api/auth/signup', undefined, { email: 'owner@example.com', password: 'owner password', name: 'Owner' })).json;
  const member = async (name: string): Promise<Account> => {
    await call('POST', '/api/auth/signup', owner.token, { email: `${name}@example.com`, password: `${name} password`, name });
    const { json } = await call('POST', '/api/auth/login', undefined, { email: `${name}@example.com`, password: `${name} password` });
    return { token: json.token, id: json.user.id };
  };
  const device = async (account: Account, room: RoomId): Promise<Device> => {
    const d = await openDevice({ url: `ws://127.0.0.1:${port}/sync`, token: account.token, room });
    cleanups.push(() => d.close());
    return d;
  };
  return { sync, call, device, owner: { token: owner.token as string, id: owner.user.id as UserId }, kid: await member('kid'), gran: await member('gran') };
};

describe('room grants over HTTP', () => {
  it('shares a catalog read-only, lists its members, and revoking closes the live session at once', async () => {
    const { call, device, owner, kid } = await household();
    const room = catalogRoom(owner.id);
    const shared = await call('PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'KID@example.com', access: 'read' });
    expect(shared).toEqual({ status: 201, json: { grant: { userId: kid.id, email: 'kid@example.com', name: 'kid', access: 'read' } } });
    expect((await call('GET', `/api/rooms/${room}/grants`, owner.token)).json).toEqual({
      room,
      grants: [
        { userId: kid.id, email: 'kid@example.com', name: 'kid', access: 'read' },
        { userId: owner.id, email: 'owner@example.com', name: 'Owner', access: 'admin' },
      ],
    });
    const kidDevice = await device(kid, room);
    kidDevice.set('refused', 1); // read-only: answered with an error, not stored
    await waitFor(() => kidDevice.errors.some((e) => 'reason' in e && e.reason === 'readOnly'), 5000, 'readOnly error');
    expect((await call('DELETE', `/api/rooms/${room}/grants/${kid.id}`, owner.token)).json).toEqual({ ok: true });
    await waitFor(() => kidDevice.closeCodes.includes(4403), 2000, 'the revoked session closing');
    expect((await call('DELETE', `/api/rooms/${room}/grants/${kid.id}`, owner.token)).status).toBe(404);
  });

  it('upgrading a grant applies to the live session without a reconnect', async () => {
    const { call, device, owner, kid } = await household();
    const room = catalogRoom(owner.id);
    await call('PUT', `/api/rooms/${room}/grants`, owner.token, { userId: kid.id, access: 'read' });
    const kidDevice = await device(kid, room);
    expect((await call('PUT', `/api/rooms/${room}/grants`, owner.token, { userId: kid.id, access: 'write' })).status).toBe(200);
    kidDevice.set('now-allowed', 1);
    await kidDevice.waitAcked();
    expect(kidDevice.closeCodes).toEqual([]);
  });

  it('lets the first admin claim a new album, and only admins manage it', async () => {
    const { call, kid, gran } = await household();
    const album = 'album:garden';
    expect((await call('PUT', `/api/rooms/${album}/grants`, kid.token, { email: 'kid@example.com', access: 'admin' })).status).toBe(201);
    // Claimed: nobody else can claim it, and a reader cannot manage it.
    expect((await call('PUT', `/api/rooms/${album}/grants`, gran.token, { email: 'gran@example.com', access: 'admin' })).json.error.code).toBe('forbidden');
    await call('PUT', `/api/rooms/${album}/grants`, kid.token, { email: 'gran@example.com', access: 'read' });
    expect((await call('GET', `/api/rooms/${album}/grants`, gran.token)).status).toBe(403);
    expect((await call('DELETE', `/api/rooms/${album}/grants/${kid.id}`, gran.token)).status).toBe(403);
    // An admin cannot lock themselves out, and no one takes a catalog from its owner.
    expect((await call('DELETE', `/api/rooms/${album}/grants/${kid.id}`, kid.token)).json.error.code).toBe('ownGrant');
    await call('PUT', `/api/rooms/${catalogRoom(kid.id)}/grants`, kid.token, { email: 'gran@example.com', access: 'admin' });
    expect((await call('DELETE', `/api/rooms/${catalogRoom(kid.id)}/grants/${kid.id}`, gran.token)).json.error.code).toBe('ownerGrant');
  });

  it('answers bad input with JSON errors', async () => {
    const { call, owner } = await household();
    const room = catalogRoom(owner.id);
    const cases: [string, string, string | undefined, unknown, number, string][] = [
      ['GET', `/api/rooms/${room}/grants`, undefined, undefined, 401, 'unauthorized'],
      ['GET', '/api/rooms/nope/grants', owner.token, undefined, 400, 'invalidRoom'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, '{', 400, 'malformedJson'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'kid@example.com', access: 'root' }, 400, 'invalidField'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, { access: 'read' }, 400, 'invalidField'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'x@example.com', userId: 'y', access: 'read' }, 400, 'invalidField'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'stranger@example.com', access: 'read' }, 404, 'userNotFound'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, { __proto__: { access: 'admin' }, email: 'kid@example.com' }, 400, 'invalidField'],
      ['PUT', `/api/rooms/${room}/grants`, owner.token, 'x'.repeat(5000), 413, 'tooLarge'],
    ];
    for (const [method, path, token, body, status, code] of cases) {
      const res = await call(method, path, token, body);
      expect({ path, status: res.status, code: res.json.error?.code }).toEqual({ path, status, code });
    }
  });

  it('canReadRoom answers for any grant and refuses without one', async () => {
    const { sync, call, owner, kid } = await household();
    const room = catalogRoom(owner.id);
    expect(await sync.canReadRoom(kid.id, room)).toBe(false);
    await call('PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'kid@example.com', access: 'read' });
    expect(await sync.canReadRoom(kid.id, room)).toBe(true);
    expect(await sync.canReadRoom(kid.id, 'not a room')).toBe(false);
  });

  it('canWriteRoom answers true for write and admin grants only (shared-album contributors)', async () => {
    const { sync, call, owner, kid } = await household();
    const room = 'album:family-trip';
    expect(await sync.canWriteRoom(kid.id, room)).toBe(false);
    expect((await call('PUT', `/api/rooms/${room}/grants`, owner.token, { userId: owner.id, access: 'admin' })).status).toBe(201);
    expect(await sync.canWriteRoom(owner.id, room)).toBe(true);
    await call('PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'kid@example.com', access: 'read' });
    expect(await sync.canReadRoom(kid.id, room)).toBe(true);
    expect(await sync.canWriteRoom(kid.id, room)).toBe(false);
    await call('PUT', `/api/rooms/${room}/grants`, owner.token, { email: 'kid@example.com', access: 'write' });
    expect(await sync.canWriteRoom(kid.id, room)).toBe(true);
    await call('DELETE', `/api/rooms/${room}/grants/${kid.id}`, owner.token);
    expect(await sync.canWriteRoom(kid.id, room)).toBe(false);
    expect(await sync.canWriteRoom(kid.id, 'not a room')).toBe(false);
  });
});
