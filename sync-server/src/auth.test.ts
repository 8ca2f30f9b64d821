import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, catalogRoom, type UserId } from '../../protocol/src/index.js';
import { createSyncServer, type SyncServer } from './index.js';
import { tempDir } from './testing.js';

interface Running {
  sync: SyncServer;
  base: string;
}
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.sync.close();
});

const start = async (): Promise<Running> => {
  const sync = await createSyncServer({ dataDir: tempDir() });
  const server = await sync.listen({ port: 0, host: '127.0.0.1' });
  const r = { sync, base: `http://127.0.0.1:${server.port}` };
  running.push(r);
  return r;
};

const call = async (base: string, method: string, path: string, body?: unknown, token?: string) => {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
};

const owner = { email: 'Owner@Example.com', password: 'correct horse', name: 'Owner' };

describe('auth over HTTP', () => {
  it('reports health and whether an owner is needed', async () => {
    const { base } = await start();
    expect((await call(base, 'GET', '/api/health')).json).toEqual({ status: 'ok', version: '1' });
    expect((await call(base, 'GET', '/api/setup')).json).toEqual({ needsOwner: true });
  });

  it('makes the first signup the owner, logged in, with an admin grant on their catalog', async () => {
    const { base, sync } = await start();
    const res = await call(base, 'POST', '/api/auth/signup', owner);
    expect(res.status).toBe(201);
    expect(res.json.user).toMatchObject({ email: owner.email, name: 'Owner', isOwner: true });
    expect(res.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=${res.json.token}`);
    expect((await call(base, 'GET', '/api/setup')).json).toEqual({ needsOwner: false });
    const me = await call(base, 'GET', '/api/me', undefined, res.json.token);
    expect(me.json).toEqual({ user: res.json.user, rooms: [{ room: catalogRoom(res.json.user.id as UserId), access: 'admin' }] });
    expect(await sync.authenticate(res.json.token)).toEqual(res.json.user);
    expect(await sync.authenticate('not-a-token')).toBeUndefined();
  });

  it('lets only the owner create further accounts', async () => {
    const { base } = await start();
    const { json: first } = await call(base, 'POST', '/api/auth/signup', owner);
    const family = { email: 'kid@example.com', password: 'another secret', name: 'Kid' };
    expect((await call(base, 'POST', '/api/auth/signup', family)).status).toBe(401);
    const created = await call(base, 'POST', '/api/auth/signup', family, first.token);
    expect(created.status).toBe(201);
    expect(created.json.token).toBeUndefined();
    expect(created.json.user).toMatchObject({ email: family.email, isOwner: false });
    const kid = await call(base, 'POST', '/api/auth/login', { email: 'KID@example.com', password: family.password });
    expect(kid.status).toBe(200);
    const third = { email: 'third@example.com', password: 'yet another', name: 'Third' };
    expect((await call(base, 'POST', '/api/auth/signup', third, kid.json.token)).status).toBe(403);
    expect((await call(base, 'POST', '/api/auth/signup', { ...family, name: 'Again' }, first.token)).status).toBe(409);
  });

  it('logs in with a cookie, rejects a wrong password with 401, and validates the body', async () => {
    const { base } = await start();
    await call(base, 'POST', '/api/auth/signup', owner);
    const ok = await call(base, 'POST', '/api/auth/login', { email: owner.email, password: owner.password });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toBe(`${SESSION_COOKIE}=${ok.json.token}; HttpOnly; SameSite=Strict; Path=/`);
    // The cookie authenticates GETs, so <img src=/api/...> works.
    const viaCookie = await fetch(`${base}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=${ok.json.token}` } });
    expect(viaCookie.status).toBe(200);
    const wrong = await call(base, 'POST', '/api/auth/login', { email: owner.email, password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalidCredentials');
    const unknown = await call(base, 'POST', '/api/auth/login', { email: 'nobody@example.com', password: 'whatever1' });
    expect(unknown.status).toBe(401);
    expect((await call(base, 'POST', '/api/auth/signup', { email: 'x@y.z', password: 'short', name: 'X' })).status).toBe(400);
    expect((await call(base, 'POST', '/api/auth/login', { email: 'not-an-email', password: 'whatever1' })).status).toBe(400);
    expect((await call(base, 'POST', '/api/auth/login', { email: owner.email })).json.error.code).toBe('invalidField');
  });

  it('backs off repeated failed logins with 429 rateLimited, per account and address', async () => {
    const sync = await createSyncServer({ dataDir: tempDir(), loginLimiter: { baseDelayMs: 60_000 } });
    const server = await sync.listen({ port: 0, host: '127.0.0.1' });
    running.push({ sync, base: `http://127.0.0.1:${server.port}` });
    const base = `http://127.0.0.1:${server.port}`;
    await call(base, 'POST', '/api/auth/signup', owner);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(base, 'POST', '/api/auth/login', { email: owner.email, password: 'bad guess ' + i })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await call(base, 'POST', '/api/auth/login', { email: owner.email, password: owner.password });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rateLimited');
    expect(limited.json.error.message).toMatch(/try again in \d+ s/);
  });

  it('logout revokes the token and clears the cookie', async () => {
    const { base } = await start();
    const { json } = await call(base, 'POST', '/api/auth/signup', owner);
    expect((await call(base, 'GET', '/api/me', undefined, json.token)).status).toBe(200);
    const out = await call(base, 'POST', '/api/auth/logout', undefined, json.token);
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await call(base, 'GET', '/api/me', undefined, json.token)).status).toBe(401);
    expect((await call(base, 'POST', '/api/auth/logout', undefined, json.token)).status).toBe(401);
    expect((await call(base, 'GET', '/api/me')).status).toBe(401);
  });
});
