import { afterEach, describe, expect, it } from 'vitest';
import { startHousehold, waitRevoked, type Household } from './auth-fixture.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const start = (options?: Parameters<typeof startHousehold>[1]): Promise<Household> => startHousehold(cleanups, options);

describe('account routes: access control', () => {
  it('answers every route 401 without a session, and never lets one user touch another’s sessions', async () => {
    const { call, kid, gran } = await start();
    const routes: [string, string, unknown][] = [
      ['PATCH', '/api/account', { name: 'Hacked' }],
      ['POST', '/api/account/password', { currentPassword: kid.password, newPassword: 'taken over!' }],
      ['GET', '/api/account/sessions', undefined],
      ['DELETE', '/api/account/sessions/anything', undefined],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(method, path, undefined, body);
      expect([method, path, res.status, res.json.error.code]).toEqual([method, path, 401, 'unauthorized']);
    }
    const granSession = (await call('GET', '/api/account/sessions', gran.token)).json.sessions[0].id as string;
    // Kid revoking gran's session gets the same answer as an invented id, and gran stays signed in.
    const foreign = await call('DELETE', `/api/account/sessions/${granSession}`, kid.token);
    const invented = await call('DELETE', `/api/account/sessions/${'x'.repeat(43)}`, kid.token);
    expect([foreign.status, foreign.json]).toEqual([invented.status, invented.json]);
    expect(foreign.status).toBe(404);
    expect((await call('GET', '/api/me', gran.token)).status).toBe(200);
    // Each sees only their own sessions; renaming and changing the password act on the caller only.
    expect((await call('GET', '/api/account/sessions', kid.token)).json.sessions.map((s: { id: string }) => s.id)).not.toContain(granSession);
    expect((await call('PATCH', '/api/account', kid.token, { name: 'Kiddo' })).json.user).toMatchObject({ id: kid.id, name: 'Kiddo' });
    expect((await call('GET', '/api/me', gran.token)).json.user.name).toBe('gran');
  });
});

describe('account routes', () => {
  it('renames the user, validating the body', async () => {
    const { call, kid } = await start();
    expect((await call('PATCH', '/api/account', kid.token, { name: '  Kiddo  ' })).json.user.name).toBe('Kiddo');
    expect((await call('GET', '/api/me', kid.token)).json.user.name).toBe('Kiddo');
    for (const body of [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(201) }, { name: 'K', isOwner: true }, {}]) {
      expect([body, (await call('PATCH', '/api/account', kid.token, body)).status]).toEqual([body, 400]);
    }
    expect((await call('GET', '/api/me', kid.token)).json.user).toMatchObject({ name: 'Kiddo', isOwner: false });
  });

  it('changes the password with the current one, optionally closing every other session but this one', async () => {
    const { call, kid, login, device } = await start();
    const phone = await login(kid.email, kid.password);
    const phoneDevice = await device({ ...kid, token: phone.json.token });
    const wrong = await call('POST', '/api/account/password', kid.token, { currentPassword: 'not my password', newPassword: 'new kid secret' });
    expect([wrong.status, wrong.json.error.code]).toEqual([403, 'invalidCredentials']);
    const short = await call('POST', '/api/account/password', kid.token, { currentPassword: kid.password, newPassword: 'short' });
    expect(short.json.error.code).toBe('invalidField');
    const kept = await call('POST', '/api/account/password', kid.token, { currentPassword: kid.password, newPassword: 'new kid secret' });
    expect(kept.json).toEqual({ closedSessions: 0 });
    expect((await call('GET', '/api/me', phone.json.token)).status).toBe(200);
    const closed = await call('POST', '/api/account/password', kid.token, { currentPassword: 'new kid secret', newPassword: 'newer kid secret', closeOtherSessions: true });
    expect(closed.json).toEqual({ closedSessions: 1 });
    await waitRevoked(phoneDevice);
    expect((await call('GET', '/api/me', phone.json.token)).status).toBe(401);
    expect((await call('GET', '/api/me', kid.token)).status).toBe(200);
    expect((await login(kid.email, kid.password)).status).toBe(401);
    expect((await login(kid.email, 'newer kid secret')).status).toBe(200);
  });

  it('limits password checks per user, so a stolen session cannot guess the password', async () => {
    const { call, kid } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call('POST', '/api/account/password', kid.token, { currentPassword: `guess ${i}`, newPassword: 'long enough' })).status);
    expect(statuses).toEqual([...Array(10).fill(403), 429]);
  });

  it('lists sessions with browser, address and last use, marks the current one, and revokes one', async () => {
    const { call, kid, login, device } = await start();
    const phone = await login(kid.email, kid.password, { 'user-agent': 'Mozilla/5.0 (iPhone) Safari', 'x-forwarded-for': '198.51.100.7' });
    const phoneDevice = await device({ ...kid, token: phone.json.token });
    const { json } = await call('GET', '/api/account/sessions', kid.token);
    expect(json.sessions).toHaveLength(2);
    const mine = json.sessions.find((s: { current: boolean }) => s.current);
    const other = json.sessions.find((s: { current: boolean }) => !s.current);
    // No trusted proxy: X-Forwarded-For is the client's to invent, so the socket address is recorded.
    expect(other).toMatchObject({ userAgent: 'Mozilla/5.0 (iPhone) Safari', address: '127.0.0.1' });
    expect(other.lastSeenAt).toBeGreaterThanOrEqual(other.createdAt);
    expect(mine.id).not.toBe(other.id);
    expect(JSON.stringify(json)).not.toContain(kid.token);
    expect((await call('DELETE', `/api/account/sessions/${other.id}`, kid.token)).json).toEqual({ ok: true });
    await waitRevoked(phoneDevice);
    expect((await call('GET', '/api/me', phone.json.token)).status).toBe(401);
    expect((await call('DELETE', `/api/account/sessions/${other.id}`, kid.token)).status).toBe(404);
    expect((await call('GET', '/api/account/sessions', kid.token)).json.sessions.map((s: { id: string }) => s.id)).toEqual([mine.id]);
  });

  it('records the proxy’s client address, and marks the cookie Secure, only behind a trusted proxy', async () => {
    const { call, kid, login } = await start({ trust: { trustProxy: true } });
    const viaProxy = await login(kid.email, kid.password, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-forwarded-proto': 'https' });
    expect(viaProxy.headers.get('set-cookie')).toMatch(/; Secure/);
    const sessions = (await call('GET', '/api/account/sessions', kid.token)).json.sessions;
    // The last hop is the one the trusted proxy appended; the first is the client's claim.
    expect(sessions.map((s: { address: string }) => s.address)).toContain('198.51.100.7');
    expect((await login(kid.email, kid.password)).headers.get('set-cookie')).not.toMatch(/Secure/);
    const untrusted = await start();
    const plain = await untrusted.login(untrusted.kid.email, untrusted.kid.password, { 'x-forwarded-proto': 'https' });
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
  });
});
