/**
 * The contract every UserRepository implementation passes (embedded SQLite, PostgreSQL): the
 * first user alone becomes owner even under concurrent signups, case-insensitive unique emails,
 * tokens that stop working once revoked, grants per (user, room) and a room's member list, all
 * seen by a second repository instance over the same storage (another relay node); and the
 * administration operations: list, patch (admin flag, quota, disable) never leaving no enabled
 * administrator, delete, and a user's sessions with their last use, browser and address.
 *
 *   runUserRepositoryContractTests('sqlite', async () => ({ open: async () => createUserRepository(openDatabase(dir)), dispose }))
 *   runUserRepositoryContractTests('postgres', async () => ({ open: () => createPostgresUserRepository({ url }), dispose }))
 */
import { describe, expect, it } from 'vitest';
import type { RoomGrant, UserId } from '../../protocol/src/index.js';
import { LAST_ADMIN, type NewUser, type UserRepository } from './user.repository.js';
import { useStoreFixtures, type StoreFixture } from './store-fixture.js';

export type UserStoreFixture = StoreFixture<UserRepository>;

let serial = 0;
/** Builder for a user to insert; ids are unique per call. */
export const newUser = (email: string, overrides: Partial<NewUser> = {}): NewUser => ({
  id: `u${++serial}_${Math.random().toString(36).slice(2, 8)}` as UserId,
  email,
  name: email.split('@')[0]!,
  passwordHash: 'scrypt$test',
  ...overrides,
});

const catalogOf = (id: UserId): RoomGrant[] => [{ room: `catalog:${id}`, access: 'admin' }];

export const runUserRepositoryContractTests = (name: string, factory: () => Promise<UserStoreFixture>): void => {
  describe(`user store contract: ${name}`, () => {
    const fixture = useStoreFixtures(factory);
    const setup = async (): Promise<{ store: UserRepository; other(): Promise<UserRepository>; close(store: UserRepository): Promise<void> }> => {
      const { store, open: more, close } = await fixture();
      return { store, other: more, close };
    };

    it('makes exactly one owner when two instances race to create the first user', async () => {
      const { store, other } = await setup();
      const second = await other();
      expect(await store.countUsers()).toBe(0);
      const results = await Promise.all([
        store.insertUser(newUser('a@example.com'), catalogOf, 'first'),
        second.insertUser(newUser('b@example.com'), catalogOf, 'first'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(results.find(Boolean)!.isOwner).toBe(true);
      expect(await second.countUsers()).toBe(1);
    });

    it('adds further users only once an owner exists, never as owner', async () => {
      const { store } = await setup();
      expect(await store.insertUser(newUser('x@example.com'), catalogOf, 'additional')).toBeUndefined();
      await store.insertUser(newUser('owner@example.com'), catalogOf, 'first');
      const added = await store.insertUser(newUser('kid@example.com'), catalogOf, 'additional');
      expect(added).toMatchObject({ email: 'kid@example.com', isOwner: false });
      expect(await store.insertUser(newUser('late@example.com'), catalogOf, 'first')).toBeUndefined();
    });

    it('finds users by id and by email case-insensitively, and refuses a duplicate email', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('Mixed.Case@Example.com'), catalogOf, 'first'))!;
      const second = await other();
      expect((await second.findByEmail('mixed.case@example.COM'))?.id).toBe(owner.id);
      expect(await second.findById(owner.id)).toEqual(owner);
      expect(await second.findById('nobody' as UserId)).toBeUndefined();
      expect(await store.insertUser(newUser('MIXED.case@example.com'), catalogOf, 'additional')).toBeUndefined();
      expect(await store.countUsers()).toBe(1);
    });

    it('resolves a live token on every instance, and no longer once revoked', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('o@example.com'), catalogOf, 'first'))!;
      await store.insertToken('hash-1', owner.id, 1000);
      const second = await other();
      expect((await second.findByTokenHash('hash-1'))?.id).toBe(owner.id);
      expect(await second.findByTokenHash('hash-2')).toBeUndefined();
      expect(await second.revokeToken('hash-1', 2000)).toBe(true);
      expect(await store.findByTokenHash('hash-1')).toBeUndefined();
      expect(await store.revokeToken('hash-1', 3000)).toBe(false);
      expect(await store.revokeToken('unknown', 3000)).toBe(false);
    });

    it('stores the initial grants with the user and lists them by room', async () => {
      const { store } = await setup();
      const owner = (await store.insertUser(newUser('o@example.com'), (id) => [...catalogOf(id), { room: 'album:z', access: 'read' }], 'first'))!;
      expect(await store.grantsOf(owner.id)).toEqual([
        { room: 'album:z', access: 'read' },
        { room: `catalog:${owner.id}`, access: 'admin' },
      ]);
      expect(await store.grantOf(owner.id, `catalog:${owner.id}`)).toBe('admin');
      expect(await store.grantOf(owner.id, 'album:none')).toBeUndefined();
    });

    it('sets, replaces and deletes grants, and lists a room’s members by email', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('owner@example.com'), catalogOf, 'first'))!;
      const kid = (await store.insertUser(newUser('kid@example.com'), catalogOf, 'additional'))!;
      await store.setGrant(owner.id, { room: 'album:trip', access: 'admin' });
      await store.setGrant(kid.id, { room: 'album:trip', access: 'read' });
      await store.setGrant(kid.id, { room: 'album:trip', access: 'write' });
      const second = await other();
      expect(await second.membersOf('album:trip')).toEqual([
        { userId: kid.id, email: 'kid@example.com', name: 'kid', access: 'write' },
        { userId: owner.id, email: 'owner@example.com', name: 'owner', access: 'admin' },
      ]);
      expect(await second.deleteGrant(kid.id, 'album:trip')).toBe(true);
      expect(await second.deleteGrant(kid.id, 'album:trip')).toBe(false);
      expect(await store.grantOf(kid.id, 'album:trip')).toBeUndefined();
      expect((await store.membersOf('album:trip')).map((m) => m.email)).toEqual(['owner@example.com']);
      expect(await store.membersOf('album:empty')).toEqual([]);
    });

    it('lists users by email and patches name, password, quota and admin flag, seen by every instance', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('owner@example.com'), catalogOf, 'first'))!;
      const kid = (await store.insertUser(newUser('Kid@example.com'), catalogOf, 'additional'))!;
      expect(owner.createdAt).toBeGreaterThan(0);
      expect(owner).toMatchObject({ disabledAt: undefined, quotaBytes: undefined });
      const second = await other();
      expect((await second.listUsers()).map((u) => u.email)).toEqual(['Kid@example.com', 'owner@example.com']);
      const changed = await second.updateUser(kid.id, { name: 'Kiddo', passwordHash: 'scrypt$new', quotaBytes: 5 * 2 ** 40, isOwner: true });
      expect(changed).toEqual({ ...kid, name: 'Kiddo', passwordHash: 'scrypt$new', quotaBytes: 5 * 2 ** 40, isOwner: true });
      expect(await store.findById(kid.id)).toEqual(changed);
      expect(await store.updateUser(kid.id, { quotaBytes: null })).toMatchObject({ quotaBytes: undefined });
      expect(await store.updateUser(kid.id, {})).toMatchObject({ name: 'Kiddo' });
      expect(await store.updateUser('nobody' as UserId, { name: 'x' })).toBeUndefined();
    });

    it('never leaves no enabled administrator, by demotion, disabling or deletion', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('owner@example.com'), catalogOf, 'first'))!;
      const kid = (await store.insertUser(newUser('kid@example.com'), catalogOf, 'additional'))!;
      expect(await store.updateUser(owner.id, { isOwner: false })).toBe(LAST_ADMIN);
      expect(await store.updateUser(owner.id, { disabledAt: 5 })).toBe(LAST_ADMIN);
      expect(await store.deleteUser(owner.id)).toBe(LAST_ADMIN);
      expect(await store.updateUser(kid.id, { disabledAt: 5 })).toMatchObject({ disabledAt: 5 }); // not an admin: allowed
      expect(await store.updateUser(kid.id, { isOwner: true })).toMatchObject({ isOwner: true });
      // A disabled admin does not count: the owner is still the only enabled one.
      expect(await store.updateUser(owner.id, { isOwner: false })).toBe(LAST_ADMIN);
      await store.updateUser(kid.id, { disabledAt: null });
      // Two instances demote both admins at once: exactly one wins.
      const second = await other();
      const results = await Promise.all([store.updateUser(owner.id, { isOwner: false }), second.updateUser(kid.id, { isOwner: false })]);
      expect(results.filter((r) => r === LAST_ADMIN)).toHaveLength(1);
      expect((await store.listUsers()).filter((u) => u.isOwner)).toHaveLength(1);
    });

    it('hides a disabled user’s tokens, and deletes a user with their tokens and grants', async () => {
      const { store, other } = await setup();
      await store.insertUser(newUser('owner@example.com'), catalogOf, 'first');
      const kid = (await store.insertUser(newUser('kid@example.com'), catalogOf, 'additional'))!;
      await store.insertToken('kid-token', kid.id, 10);
      await store.setGrant(kid.id, { room: 'album:trip', access: 'read' });
      await store.updateUser(kid.id, { disabledAt: 20 });
      expect(await store.findByTokenHash('kid-token')).toBeUndefined();
      expect(await store.findSession('kid-token')).toBeUndefined();
      await store.updateUser(kid.id, { disabledAt: null });
      expect((await store.findByTokenHash('kid-token'))?.id).toBe(kid.id);
      const second = await other();
      expect(await second.deleteUser(kid.id)).toBe(true);
      expect(await second.deleteUser(kid.id)).toBe(false);
      expect(await store.findById(kid.id)).toBeUndefined();
      expect(await store.findByTokenHash('kid-token')).toBeUndefined();
      expect(await store.membersOf('album:trip')).toEqual([]);
      expect(await store.countUsers()).toBe(1);
    });

    it('records sessions with browser and address, renews last use, and revokes all but one', async () => {
      const { store, other } = await setup();
      const owner = (await store.insertUser(newUser('owner@example.com'), catalogOf, 'first'))!;
      await store.insertToken('laptop', owner.id, 100, { userAgent: 'Firefox', address: '192.0.2.1' });
      await store.insertToken('phone', owner.id, 200);
      await store.insertToken('tablet', owner.id, 300, { address: '2001:db8::1' });
      await store.touchToken('laptop', 400);
      const second = await other();
      expect(await second.findSession('laptop')).toEqual({
        user: owner,
        session: { hash: 'laptop', createdAt: 100, lastSeenAt: 400, userAgent: 'Firefox', address: '192.0.2.1' },
      });
      expect((await second.sessionsOf(owner.id)).map((s) => [s.hash, s.lastSeenAt])).toEqual([
        ['laptop', 400],
        ['tablet', 300],
        ['phone', 200],
      ]);
      expect((await second.revokeTokensOf(owner.id, 500, 'laptop')).sort()).toEqual(['phone', 'tablet']);
      expect(await store.revokeTokensOf(owner.id, 600, 'laptop')).toEqual([]);
      expect((await store.sessionsOf(owner.id)).map((s) => s.hash)).toEqual(['laptop']);
      await store.touchToken('phone', 700); // revoked: stays revoked
      expect(await store.findSession('phone')).toBeUndefined();
      expect(await store.revokeTokensOf(owner.id, 800)).toEqual(['laptop']);
    });

    it('keeps everything across a reopen', async () => {
      const { store, other, close } = await setup();
      const owner = (await store.insertUser(newUser('o@example.com'), catalogOf, 'first'))!;
      await store.insertToken('h', owner.id, 1);
      await close(store);
      const again = await other();
      expect((await again.findByTokenHash('h'))?.email).toBe('o@example.com');
      expect(await again.grantsOf(owner.id)).toEqual(catalogOf(owner.id));
    });
  });
};
