// The device-side rules of shared albums (SPEC SH6, SH9) over an in-memory server double: which
// rooms are joined, mirroring, blob registration with retry, and dropping a revoked room. The
// real relay and blob store are exercised end to end in e2e/shared-albums.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  addAsset, addToAlbum, createAlbum, ErrorReason, mirrorAlbum, readSharedAlbum, removeFromAlbum,
  type AssetId, type ErrorMessage, type RoomGrant, type RoomId, type UserId,
} from '../../../../protocol/src/index.js';
import { factsOf, syncReplicas } from '../../../../protocol/src/catalog-builders.js';
import { ApiError } from '../session/api-client.js';
import { SharedAlbums, ShareRole } from './shared-albums.js';

const me = 'u-me' as UserId;
const id = (n: number) => factsOf(n).hash as string as AssetId;

const setup = (rooms: RoomGrant[] = []) => {
  const catalog = new Y.Doc();
  const joined = new Map<RoomId, Y.Doc>();
  const errors = new Set<(e: ErrorMessage) => void>();
  const changes = new Set<() => void>();
  const registered: string[] = [];
  const unregistered: string[] = [];
  let uploaded = new Set<string>();
  const api = {
    me: async () => ({ user: { id: me, email: 'me@example.com', name: 'Me', isOwner: true }, rooms }),
    grants: async (room: string) => ({ room, grants: [] }),
    share: vi.fn(async (room: string, body: { userId?: string; email?: string; access: RoomGrant['access'] }) => {
      if (body.userId === me) rooms = [...rooms, { room, access: 'admin' }];
      return { grant: { userId: body.userId ?? 'u-kid', email: body.email ?? '', name: '', access: body.access } };
    }),
    revoke: async () => undefined,
    registerBlob: async (hash: string, room: string) => {
      if (!uploaded.has(hash)) throw new ApiError(404, 'notFound', 'not your blob');
      registered.push(`${room}/${hash}`);
    },
    unregisterBlob: async (hash: string, room: string) => void unregistered.push(`${room}/${hash}`),
  };
  const sync = {
    addRoom: (room: RoomId, doc: Y.Doc) => void joined.set(room, doc),
    removeRoom: (room: RoomId) => void joined.delete(room),
    onError: (l: (e: ErrorMessage) => void) => (errors.add(l), () => errors.delete(l)),
    onChange: (l: () => void) => (changes.add(l), () => changes.delete(l)),
    isSynced: (room: RoomId) => joined.has(room),
  };
  const shared = new SharedAlbums({ api, sync, user: { id: me, name: 'Me' }, catalog, mirrorDelayMs: 0 });
  const fail = (reason: ErrorMessage['reason'], room: string) =>
    errors.forEach((l) => l({ type: 9, reason, room, message: '' } as unknown as ErrorMessage));
  const settle = async () => {
    changes.forEach((l) => l());
    await vi.advanceTimersByTimeAsync(10);
  };
  return { catalog, joined, shared, api, fail, settle, registered, unregistered, upload: (...n: number[]) => (uploaded = new Set([...uploaded, ...n.map((i) => factsOf(i).hash)])) };
};

afterEach(() => void vi.useRealTimers());

describe('shared albums on a device', () => {
  it('[SH9] sharing claims the room, mirrors the album (SH6) and registers its blobs once uploaded', async () => {
    vi.useFakeTimers();
    const t = setup();
    for (const n of [1, 2, 3]) addAsset(t.catalog, factsOf(n));
    createAlbum(t.catalog, 'Trip', 'trip');
    addToAlbum(t.catalog, 'trip', id(1));
    addToAlbum(t.catalog, 'trip', id(2));
    t.upload(1);
    await t.shared.share('trip', 'kid@example.com', ShareRole.contributor);
    expect(t.api.share.mock.calls.map((c) => c[1])).toEqual([{ userId: me, access: 'admin' }, { email: 'kid@example.com', access: 'write' }]);
    await t.settle();
    const room = t.joined.get('album:trip' as RoomId)!;
    expect(readSharedAlbum(room).members.map((m) => m.facts.hash)).toEqual([factsOf(1).hash, factsOf(2).hash]);
    expect(t.registered).toEqual([`album:trip/${factsOf(1).hash}`]);
    t.upload(2); // the second upload finishes: the retry registers it
    await vi.advanceTimersByTimeAsync(3100);
    expect(t.registered).toContain(`album:trip/${factsOf(2).hash}`);
    // The owner edits the catalog album: the room follows, the removed blob is unregistered.
    removeFromAlbum(t.catalog, 'trip', id(1));
    addToAlbum(t.catalog, 'trip', id(3));
    await t.settle();
    expect(readSharedAlbum(room).members.map((m) => m.facts.hash)).toEqual([factsOf(2).hash, factsOf(3).hash]);
    expect(t.unregistered).toEqual([`album:trip/${factsOf(1).hash}`]);
    expect(t.shared.isShared('trip')).toBe(true);
    expect(t.shared.withMe()).toEqual([]);
  });

  it('[SH9] an album shared with me is listed once synced, takes my photos as Contributor, and goes at revocation', async () => {
    vi.useFakeTimers();
    const t = setup([{ room: 'album:fam', access: 'write' }, { room: 'catalog:u-me', access: 'admin' }]);
    addAsset(t.catalog, factsOf(7));
    await t.shared.refresh();
    expect([...t.joined.keys()]).toEqual(['album:fam']);
    expect(t.shared.withMe()).toEqual([]); // nothing synced yet: not shown as an empty "Untitled"
    const owner = new Y.Doc();
    mirrorAlbum(owner, { name: 'Family', cover: null, assets: [] }, () => undefined, 'u-olga' as UserId, 'Olga');
    syncReplicas(owner, t.joined.get('album:fam' as RoomId)!);
    expect(t.shared.withMe().map((a) => [a.id, a.access, a.album.name, a.album.ownerName])).toEqual([['fam', 'write', 'Family', 'Olga']]);
    t.upload(7);
    t.shared.contribute('fam', [id(7)]);
    await t.settle();
    expect(t.shared.read('fam')?.members.map((m) => [m.facts.hash, m.addedBy])).toEqual([[factsOf(7).hash, me]]);
    expect(t.registered).toEqual([`album:fam/${factsOf(7).hash}`]);
    t.fail(ErrorReason.readOnly, 'album:fam'); // downgraded while connected
    expect(t.shared.withMe()[0]?.access).toBe('read');
    expect(t.shared.contribute('fam', [id(7)])).toBe(0);
    t.fail(ErrorReason.forbidden, 'album:fam');
    expect(t.joined.size).toBe(0);
    expect(t.shared.withMe()).toEqual([]);
  });
});
