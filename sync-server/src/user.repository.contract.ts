/**
 * The contract every UserRepository implementation passes (embedded SQLite, PostgreSQL): the
 * first user alone becomes owner even under concurrent signups, case-insensitive unique emails,
 * tokens that stop working once revoked, grants per (user, room) and a room's member list, all
 * seen by a second repository instance over the same storage (another relay node).
 *
 *   runUserRepositoryContractTests('sqlite', async () => ({ open: async () => createUserRepository(openDatabase(dir)), dispose }))
 *   runUserRepositoryContractTests('postgres', async () => ({ open: () => createPostgresUserRepository({ url }), dispose }))
 */
import { describe, expect, it } from 'vitest';
import type { RoomGrant, UserId } from '../../protocol/src/index.js';
import type { NewUser, UserRepository } from './user.repository.js';
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
