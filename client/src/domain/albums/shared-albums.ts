/**
 * Shared albums on this device (SPEC SH*): finds the album rooms the user holds (`GET /api/me`),
 * joins each over the sync client with a Y.Doc of its own, shares an album (claims its room,
 * grants by email), mirrors the owner's catalog albums into their rooms as they change, lets a
 * contributor add their photos, and registers the blobs of what this user added in the room so
 * the other members may read them. A revoked room (`error(forbidden)`) is dropped at once.
 *
 *   const shared = new SharedAlbums({ api, sync, user, catalog: doc }); await shared.refresh()
 *   await shared.share(albumId, 'kid@example.com', ShareRole.contributor); shared.withMe()
 */
import * as Y from 'yjs';
import {
  ErrorReason, addToSharedAlbum, getAsset, mirrorAlbum, readAlbum, readSharedAlbum, removeFromSharedAlbum,
  type AssetFacts, type AssetId, type BlobHash, type CatalogAsset, type RoomGrant, type RoomId, type RoomMemberGrant,
  type SharedAlbum, type UserId,
} from '../../../../protocol/src/index.js';
import { ApiError, type ApiClient } from '../session/api-client.js';
import type { SyncClient } from '../sync/sync-client.js';

/** What a recipient may do: Viewer reads, Contributor also adds photos. */
export const ShareRole = { viewer: 'read', contributor: 'write' } as const;
export type ShareRole = (typeof ShareRole)[keyof typeof ShareRole];

export interface SharedAlbumEntry {
  readonly id: string;
  readonly room: RoomId;
  readonly doc: Y.Doc;
  access: RoomGrant['access'];
  /** Blobs this session registered in the room (PUT is idempotent; once per session). */
  readonly registered: Set<string>;
}

export interface SharedAlbumsOptions {
  readonly api: Pick<ApiClient, 'me' | 'grants' | 'share' | 'revoke' | 'registerBlob' | 'unregisterBlob'>;
  readonly sync: Pick<SyncClient, 'addRoom' | 'removeRoom' | 'onError' | 'onChange' | 'isSynced'>;
  readonly user: { readonly id: UserId; readonly name: string };
  /** The user's catalog doc: albums to mirror and facts of the photos they add. */
  readonly catalog: Y.Doc;
  /** How long a burst of catalog album edits is gathered before mirroring (ms). */
  readonly mirrorDelayMs?: number;
}

export const albumRoom = (id: string): RoomId => `album:${id}` as RoomId;

/** A member of someone else's album as the timeline and viewer draw it (no user state of ours). */
export const sharedAsset = (facts: AssetFacts): CatalogAsset => ({
  ...facts, id: facts.hash as string as AssetId, favorite: false, trashedAt: null, archived: false, rating: 0, description: '', tags: [], stack: null,
});

export class SharedAlbums {
  private readonly entries = new Map<string, SharedAlbumEntry>();
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private mirrorTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly options: SharedAlbumsOptions) {
    const { sync, catalog } = options;
    this.cleanups.push(
      sync.onError((error) => {
        if (!error.room.startsWith('album:')) return;
        const id = error.room.slice('album:'.length);
        if (error.reason === ErrorReason.forbidden) this.drop(id);
        const entry = this.entries.get(id);
        if (error.reason === ErrorReason.readOnly && entry && entry.access !== 'read') {
          entry.access = 'read'; // downgraded to Viewer while connected
          this.emit();
        }
      }),
      // A room whose first sync just finished may be mirrored and registered now.
      sync.onChange(() => this.scheduleMirror()),
    );
    const albums = catalog.getMap('albums');
    const items = catalog.getMap('albumItems');
    const changed = () => this.scheduleMirror();
    albums.observeDeep(changed);
    items.observeDeep(changed);
    this.cleanups.push(() => { albums.unobserveDeep(changed); items.unobserveDeep(changed); });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Joins the album rooms the server lists for this user and drops the ones no longer granted. */
  async refresh(): Promise<void> {
    const { rooms } = await this.options.api.me();
    if (this.closed) return;
    const granted = new Map(rooms.filter((r) => r.room.startsWith('album:')).map((r) => [r.room.slice('album:'.length), r.access]));
    for (const id of [...this.entries.keys()]) if (!granted.has(id)) this.drop(id);
    for (const [id, access] of granted) this.join(id, access);
    this.emit();
  }

  entry(id: string): SharedAlbumEntry | undefined {
    return this.entries.get(id);
  }

  /** Is this catalog album shared (its room is mine)? */
  isShared(id: string): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && this.owns(entry);
  }

  /** Mine: I administer the room and the album is in my catalog (I mirror it). Otherwise shared with me. */
  private owns(entry: SharedAlbumEntry): boolean {
    return entry.access === 'admin' && readAlbum(this.options.catalog, entry.id) !== undefined;
  }

  /** Albums I shared stay out of "Shared with you", even once deleted from my catalog. */
  private sharedByMe(entry: SharedAlbumEntry): boolean {
    return this.owns(entry) || readSharedAlbum(entry.doc).owner === this.options.user.id;
  }

  /** Albums others shared with me, with what the room holds now. */
  withMe(): { id: string; access: RoomGrant['access']; album: SharedAlbum }[] {
    // A room not synced yet (no owner written) is left out rather than shown as an empty "Untitled".
    return [...this.entries.values()]
      .filter((e) => !this.sharedByMe(e))
      .map((e) => ({ id: e.id, access: e.access, album: readSharedAlbum(e.doc) }))
      .filter((e) => e.album.owner !== null);
  }

  read(id: string): SharedAlbum | undefined {
    const entry = this.entries.get(id);
    return entry ? readSharedAlbum(entry.doc) : undefined;
  }

  /** Shares one of my albums: claims its room if nobody holds it, then grants `email` the role. */
  async share(id: string, email: string, role: ShareRole): Promise<RoomMemberGrant> {
    if (!readAlbum(this.options.catalog, id)) throw new RangeError(`no album ${id}`);
    const room = albumRoom(id);
    if (this.entries.get(id)?.access !== 'admin') {
      try {
        await this.options.api.share(room, { userId: this.options.user.id, access: 'admin' });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'ownGrant')) throw err; // already mine
      }
      this.join(id, 'admin');
    }
    const { grant } = await this.options.api.share(room, { email: email.trim(), access: role });
    this.mirror(id);
    this.emit();
    return grant;
  }

  /** The album's members other than me (admin only). */
  async members(id: string): Promise<RoomMemberGrant[]> {
    const { grants } = await this.options.api.grants(albumRoom(id));
    return grants.filter((g) => g.userId !== this.options.user.id);
  }

  async revoke(id: string, userId: string): Promise<void> {
    await this.options.api.revoke(albumRoom(id), userId);
    this.emit();
  }

  /** Adds photos of my catalog to an album shared with me (Contributor), registering their blobs. */
  contribute(id: string, assets: readonly AssetId[]): number {
    const entry = this.entries.get(id);
    if (!entry || this.owns(entry) || entry.access === 'read') return 0;
    const facts = assets.flatMap((a) => getAsset(this.options.catalog, a) ?? []);
    const added = addToSharedAlbum(entry.doc, facts, this.options.user.id);
    this.registerMine(entry);
    return added.length;
  }

  /** Removes members from a room I administer or may write (e.g. the owner removing a contribution). */
  removeFromRoom(id: string, hashes: readonly string[]): void {
    const entry = this.entries.get(id);
    if (entry && entry.access !== 'read') for (const hash of removeFromSharedAlbum(entry.doc, hashes)) this.unregister(entry, hash);
  }

  close(): void {
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (this.mirrorTimer) clearTimeout(this.mirrorTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const id of [...this.entries.keys()]) this.drop(id, false);
    this.listeners.clear();
  }

  private join(id: string, access: RoomGrant['access']): void {
    const existing = this.entries.get(id);
    if (existing) {
      existing.access = access;
      return;
    }
    const entry: SharedAlbumEntry = { id, room: albumRoom(id), doc: new Y.Doc(), access, registered: new Set() };
    entry.doc.on('update', () => this.emit());
    this.entries.set(id, entry);
    this.options.sync.addRoom(entry.room, entry.doc);
  }

  private drop(id: string, notify = true): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.options.sync.removeRoom(entry.room);
    entry.doc.destroy();
    if (notify) this.emit();
  }

  private scheduleMirror(): void {
    if (this.closed || this.mirrorTimer) return;
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = null;
      for (const entry of this.entries.values()) {
        if (!this.options.sync.isSynced(entry.room)) continue;
        if (this.owns(entry)) this.mirror(entry.id);
        else this.registerMine(entry);
      }
    }, this.options.mirrorDelayMs ?? 150);
  }

  /** SH6: the room follows my catalog album; blobs of what I added are registered, of what I removed unregistered. */
  private mirror(id: string): void {
    const entry = this.entries.get(id);
    const album = readAlbum(this.options.catalog, id);
    if (!entry || !this.owns(entry) || !album || !this.options.sync.isSynced(entry.room)) return;
    const { user, catalog } = this.options;
    const { removed } = mirrorAlbum(entry.doc, album, (a) => getAsset(catalog, a), user.id, user.name);
    for (const hash of removed) this.unregister(entry, hash);
    this.registerMine(entry);
  }

  /** Registers (once per session) the blob of every member I added; a failure is retried a little later. */
  private registerMine(entry: SharedAlbumEntry): void {
    const mine = readSharedAlbum(entry.doc).members.filter((m) => m.addedBy === this.options.user.id && !entry.registered.has(m.facts.hash));
    for (const { facts } of mine) {
      entry.registered.add(facts.hash);
      this.options.api.registerBlob(facts.hash, entry.room).catch(() => {
        // Not uploaded yet (404) or offline: try again on the next pass.
        entry.registered.delete(facts.hash);
        this.retryLater();
      });
    }
  }

  private unregister(entry: SharedAlbumEntry, hash: BlobHash): void {
    entry.registered.delete(hash);
    this.options.api.unregisterBlob(hash, entry.room).catch(() => undefined); // not mine or already gone
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.scheduleMirror();
    }, 3000);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
