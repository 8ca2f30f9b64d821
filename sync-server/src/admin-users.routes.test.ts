import { afterEach, describe, expect, it } from 'vitest';
import type { UserId, UserUsage } from '../../protocol/src/index.js';
import { startHousehold, waitRevoked, type Household } from './auth-fixture.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const start = (options?: Parameters<typeof startHousehold>[1]): Promise<Household> => startHousehold(cleanups, options);

describe('admin user routes: access control', () => {
  it('answers every route 401 without a session and 403 to a non-administrator, whatever the id, before validating the body', async () => {
    const { call, admin, kid } = await start();
    const routes: [string, string, unknown][] = [
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { email: 'new@example.com', name: 'New', password: 'new password' }],
      ['PATCH', `/api/admin/users/${admin.id}`, { disabled: true }],
      ['PATCH', '/api/admin/users/no-such-user', { disabled: true }],
      ['POST', `/api/admin/users/${admin.id}/password`, { password: 'taken over!' }],
      ['POST', '/api/admin/users/no-such-user/password', { password: 'taken over!' }],
      ['DELETE', `/api/admin/users/${admin.id}`, { confirmEmail: admin.email }],
      ['DELETE', '/api/admin/users/no-such-user', { confirmEmail: 'x@example.com' }],
      ['PATCH', `/api/admin/users/${kid.id}`, 'not json'],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await call(method, path, undefined, body);
      expect([method, path, anonymous.status, anonymous.json.error.code]).toEqual([method, path, 401, 'unauthorized']);
      const other = await call(method, path, kid.token, body);
      expect([method, path, other.status, other.json.error.code]).toEqual([method, path, 403, 'forbidden']);
      // The same answer for a real and an invented id: a non-administrator learns nothing.
      expect(other.json.error.message).toBe('only an administrator can do this');
    }
    // Nothing changed: the admin still logs in with their password, and no account was added.
    expect((await call('GET', '/api/admin/users', admin.token)).json.users).toHaveLength(3);
  });
});

describe('admin user routes', () => {
  it('lists users with quota, state and the usage the blob store reports', async () => {
    const usage = new Map<UserId, UserUsage>();
    const { call, admin, kid } = await start({ usage: async (ids) => new Map(ids.filter((id) => usage.has(id)).map((id) => [id, usage.get(id)!])) });
    usage.set(kid.id, { originalsBytes: 1_000_000, derivativesBytes: 50_000, assets: 12 });
    const { status, json } = await call('GET', '/api/admin/users', admin.token);
    expect(status).toBe(200);
    expect(json.users.map((u: { email: string }) => u.email)).toEqual(['admin@example.com', 'gran@example.com', 'kid@example.com']);
    expect(json.users[0]).toMatchObject({ id: admin.id, name: 'Admin', isAdmin: true, disabled: false, quotaBytes: null, usage: null });
    expect(json.users[2]).toMatchObject({ id: kid.id, isAdmin: false, usage: { originalsBytes: 1_000_000, derivativesBytes: 50_000, assets: 12 } });
    expect(json.users[2].createdAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creates a user with a quota who then signs in, and refuses a taken email or a bad body', async () => {
    const { call, admin, login, sync } = await start();
    const created = await call('POST', '/api/admin/users', admin.token, { email: 'Aunt@example.com', name: 'Aunt', password: 'aunt password', quotaBytes: 10 * 2 ** 30 });
    expect(created.status).toBe(201);
    expect(created.json.user).toMatchObject({ email: 'Aunt@example.com', name: 'Aunt', isAdmin: false, quotaBytes: 10 * 2 ** 30, disabled: false });
    const aunt = await login('aunt@example.com', 'aunt password');
    expect(aunt.status).toBe(200);
    // The blob store reads the quota from the relay's authenticate().
    expect(await sync.authenticate(aunt.json.token)).toMatchObject({ id: created.json.user.id, quotaBytes: 10 * 2 ** 30 });
    expect((await call('POST', '/api/admin/users', admin.token, { email: 'AUNT@example.com', name: 'Again', password: 'aunt password' })).json.error.code).toBe('emailTaken');
    const bad: [unknown, string][] = [
      [{ email: 'x@example.com', name: 'X', password: 'short' }, 'invalidField'],
      [{ email: 'not-an-email', name: 'X', password: 'long enough' }, 'invalidField'],
      [{ email: 'x@example.com', name: 'X', password: 'long enough', quotaBytes: -1 }, 'invalidField'],
      [{ email: 'x@example.com', name: 'X', password: 'long enough', quotaBytes: 1.5 }, 'invalidField'],
      [{ email: 'x@example.com', name: 'X', password: 'long enough', isAdmin: 'yes' }, 'invalidField'],
      [{ email: 'x@example.com', name: 'X', password: 'long enough', role: 'admin' }, 'invalidField'],
      [[1, 2], 'invalidBody'],
      ['{"email":', 'malformedJson'],
    ];
    for (const [body, code] of bad) expect([body, (await call('POST', '/api/admin/users', admin.token, body)).json.error.code]).toEqual([body, code]);
    const huge = await call('POST', '/api/admin/users', admin.token, { email: 'x@example.com', name: 'x'.repeat(10_000), password: 'long enough' });
    expect(huge.status).toBe(413);
    expect((await call('GET', '/api/admin/users', admin.token)).json.users).toHaveLength(4);
  });

  it('makes and removes an administrator, never the last one, and never demotes itself', async () => {
    const { call, admin, kid } = await start();
    const promoted = await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { isAdmin: true });
    expect(promoted.json.user).toMatchObject({ isAdmin: true });
    expect((await call('GET', '/api/admin/users', kid.token)).status).toBe(200);
    expect((await call('PATCH', `/api/admin/users/${admin.id}`, admin.token, { isAdmin: false })).json.error.code).toBe('ownAccount');
    expect((await call('PATCH', `/api/admin/users/${admin.id}`, kid.token, { isAdmin: false })).json.user).toMatchObject({ isAdmin: false });
    // The demoted admin loses the routes at once.
    expect((await call('GET', '/api/admin/users', admin.token)).status).toBe(403);
    expect((await call('PATCH', '/api/admin/users/no-such-user', kid.token, { name: 'X' })).status).toBe(404);
    expect((await call('PATCH', `/api/admin/users/${kid.id}`, kid.token, {})).json.error.code).toBe('invalidBody');
  });

  it('disables a user: live sessions close at once, login is refused, data is kept; enabling restores sign-in', async () => {
    const { call, admin, kid, login, device } = await start();
    const kidDevice = await device(kid);
    kidDevice.set('photo', 'kept');
    await kidDevice.waitAcked();
    const disabled = await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { disabled: true });
    expect(disabled.json.user).toMatchObject({ disabled: true });
    await waitRevoked(kidDevice);
    expect((await call('GET', '/api/me', kid.token)).status).toBe(401);
    const refused = await login(kid.email, kid.password);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'accountDisabled']);
    expect((await login(kid.email, 'wrong password')).json.error.code).toBe('invalidCredentials'); // no hint without the password
    expect((await call('PATCH', `/api/admin/users/${admin.id}`, admin.token, { disabled: true })).json.error.code).toBe('ownAccount');
    await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { disabled: false });
    const back = await login(kid.email, kid.password);
    expect(back.status).toBe(200);
    const me = await call('GET', '/api/me', back.json.token);
    expect(me.json.rooms).toEqual([{ room: `catalog:${kid.id}`, access: 'admin' }]);
    kidDevice.close();
    const again = await device({ ...kid, token: back.json.token });
    expect(again.doc.getMap('facts').get('photo')).toBe('kept');
  });

  it('resets a password: every session of the user closes, the new password works, the old one not', async () => {
    const { call, admin, kid, login, device } = await start();
    const kidDevice = await device(kid);
    const reset = await call('POST', `/api/admin/users/${kid.id}/password`, admin.token, { password: 'brand new secret' });
    expect(reset.status).toBe(200);
    await waitRevoked(kidDevice);
    expect((await call('GET', '/api/me', kid.token)).status).toBe(401);
    expect((await login(kid.email, kid.password)).status).toBe(401);
    expect((await login(kid.email, 'brand new secret')).status).toBe(200);
    expect((await call('POST', `/api/admin/users/${kid.id}/password`, admin.token, { password: 'short' })).json.error.code).toBe('invalidField');
    expect((await call('POST', '/api/admin/users/nobody/password', admin.token, { password: 'long enough' })).status).toBe(404);
  });

  it('deletes a user only when the email is typed again, closing their sessions', async () => {
    const { call, admin, kid, login, device } = await start();
    const kidDevice = await device(kid);
    await call('PUT', `/api/rooms/catalog:${admin.id}/grants`, admin.token, { email: kid.email, access: 'read' });
    const mismatch = await call('DELETE', `/api/admin/users/${kid.id}`, admin.token, { confirmEmail: 'gran@example.com' });
    expect([mismatch.status, mismatch.json.error.code]).toEqual([400, 'confirmationMismatch']);
    expect((await call('DELETE', `/api/admin/users/${kid.id}`, admin.token, {})).json.error.code).toBe('invalidField');
    const deleted = await call('DELETE', `/api/admin/users/${kid.id}`, admin.token, { confirmEmail: 'KID@example.com' });
    expect(deleted).toMatchObject({ status: 200, json: { deleted: { id: kid.id, email: kid.email, sessionsClosed: 1, grantsRemoved: 2 } } });
    await waitRevoked(kidDevice);
    expect((await login(kid.email, kid.password)).status).toBe(401);
    expect((await call('GET', `/api/rooms/catalog:${admin.id}/grants`, admin.token)).json.grants).toHaveLength(1);
    expect((await call('DELETE', `/api/admin/users/${kid.id}`, admin.token, { confirmEmail: kid.email })).status).toBe(404);
    expect((await call('DELETE', `/api/admin/users/${admin.id}`, admin.token, { confirmEmail: admin.email })).json.error.code).toBe('ownAccount');
  });

  it('sets and clears a quota', async () => {
    const { call, admin, kid, sync } = await start();
    expect((await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { quotaBytes: 25 * 2 ** 20 })).json.user.quotaBytes).toBe(25 * 2 ** 20);
    expect(await sync.authenticate(kid.token)).toMatchObject({ quotaBytes: 25 * 2 ** 20 });
    expect((await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { quotaBytes: null })).json.user.quotaBytes).toBeNull();
    expect((await sync.authenticate(kid.token))?.quotaBytes).toBeUndefined();
    expect((await call('PATCH', `/api/admin/users/${kid.id}`, admin.token, { quotaBytes: '5GB' })).json.error.code).toBe('invalidField');
  });
});
