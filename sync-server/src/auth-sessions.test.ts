import { afterEach, describe, expect, it } from 'vitest';
import { createAuthService } from './auth.service.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { startHousehold } from './auth-fixture.js';
import { tempDir } from './testing.js';
import { createUserRepository } from './user.repository.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DAY = 86_400_000;

const service = () => {
  let t = Date.UTC(2026, 0, 1);
  const db: SqliteDatabase = openDatabase(tempDir('shoebox-sessions-'));
  cleanups.push(() => db.close());
  const revoked: string[] = [];
  const auth = createAuthService({ users: createUserRepository(db), now: () => t, sessions: { idleMs: 30 * DAY, maxAgeMs: 365 * DAY } });
  auth.onRevoke((hash) => revoked.push(hash));
  return { auth, revoked, advance: (ms: number) => void (t += ms) };
};

describe('session expiry', () => {
  it('expires a session unused for the idle time, and each use renews it (sliding)', async () => {
    const { auth, advance, revoked } = service();
    const { token } = await auth.signup({ email: 'o@example.com', password: 'owner password', name: 'O' }, undefined);
    for (let i = 0; i < 10; i++) {
      advance(29 * DAY);
      expect(await auth.authenticate(token!), `use ${i}`).toBeDefined();
    }
    advance(30 * DAY + 1);
    expect(await auth.authenticate(token!)).toBeUndefined();
    expect(revoked).toHaveLength(1); // live sockets on it close too
    advance(-30 * DAY); // even back in time, an expired session stays revoked
    expect(await auth.authenticate(token!)).toBeUndefined();
  });

  it('ends a session in daily use after its maximum age', async () => {
    const { auth, advance } = service();
    const { token } = await auth.signup({ email: 'o@example.com', password: 'owner password', name: 'O' }, undefined);
    for (let day = 0; day < 364; day++) {
      advance(DAY);
      expect(await auth.authenticate(token!)).toBeDefined();
    }
    advance(DAY + 1);
    expect(await auth.authenticate(token!)).toBeUndefined();
  });
});

describe('/metrics access', () => {
  it('serves administrators and a scraper with the configured token; no session 401, others 403', async () => {
    const scrape = 'scrape-'.padEnd(32, 'x');
    const { base, admin, kid } = await startHousehold(cleanups, { metricsToken: scrape });
    const metrics = (token?: string) => fetch(`${base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await metrics()).status).toBe(401);
    expect((await metrics(kid.token)).status).toBe(403);
    expect((await metrics('scrape-'.padEnd(32, 'y'))).status).toBe(401);
    for (const token of [admin.token, scrape]) {
      const res = await metrics(token);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^shoebox_ws_connections \d+$/m);
    }
  });
});
