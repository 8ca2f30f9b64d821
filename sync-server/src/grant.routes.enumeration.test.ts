import { afterEach, describe, expect, it } from 'vitest';
import { catalogRoom } from '../../protocol/src/index.js';
import { startHousehold } from './auth-fixture.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('grant routes do not reveal accounts', () => {
  it('answers a share into a room the caller does not administer alike for known and unknown emails', async () => {
    const { call, admin, kid } = await startHousehold(cleanups);
    const room = catalogRoom(admin.id);
    const known = await call('PUT', `/api/rooms/${room}/grants`, kid.token, { email: 'gran@example.com', access: 'read' });
    const unknown = await call('PUT', `/api/rooms/${room}/grants`, kid.token, { email: 'nobody@example.com', access: 'read' });
    expect([known.status, known.json]).toEqual([unknown.status, unknown.json]);
    expect(known.status).toBe(403);
    const album = await call('PUT', '/api/rooms/album:someone-elses/grants', kid.token, { email: 'nobody@example.com', access: 'read' });
    expect(album.status).toBe(403);
  });

  it('limits a room admin’s shares to unknown accounts, so guessing emails stays slow', async () => {
    const { call, kid } = await startHousehold(cleanups);
    const room = catalogRoom(kid.id);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await call('PUT', `/api/rooms/${room}/grants`, kid.token, { email: `guess${i}@example.com`, access: 'read' })).status);
    expect(statuses).toEqual([...Array(20).fill(404), 429]);
    // Shares to real accounts still work.
    expect((await call('PUT', `/api/rooms/${room}/grants`, kid.token, { email: 'gran@example.com', access: 'read' })).status).toBe(201);
  });
});
