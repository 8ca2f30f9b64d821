/**
 * Shared albums for the signed-in library: re-renders the host when a shared album's room or
 * the list of rooms changes, gives the Albums tab its "Shared with you" cards and an album page
 * its members (mine plus what others added), and runs the Share dialog's calls (invite, list,
 * revoke), keeping their state (members, busy, error) for the dialog.
 *
 *   private shared = new SharedAlbumsController(this, () => this.library);
 *   this.shared.cards(); await this.shared.invite(id, 'kid@example.com', ShareRole.contributor)
 */
import type { AssetId, CatalogAsset, RoomGrant, RoomMemberGrant } from '../../../protocol/src/index.js';
import { ApiError } from '../domain/session/api-client.js';
import { summarizeAlbum, type AlbumSummary } from '../domain/albums/album-summaries.js';
import { sharedAsset, type ShareRole } from '../domain/albums/shared-albums.js';
import type { LibrarySession } from '../domain/library-session.js';
import { LibraryBoundController } from './library-bound-controller.js';

export interface SharedAlbumCard extends AlbumSummary {
  readonly ownerName: string;
  readonly access: RoomGrant['access'];
}

export class SharedAlbumsController extends LibraryBoundController {
  /** The Share dialog's album (null when closed), its members, and the last call's state. */
  dialogFor: string | null = null;
  members: readonly RoomMemberGrant[] = [];
  busy = false;
  error = '';

  private get shared() {
    return this.bound?.shared ?? null;
  }

  /** Albums others shared with me, by name. */
  cards(): SharedAlbumCard[] {
    return (this.shared?.withMe() ?? [])
      .map(({ id, access, album }) => {
        const assets = album.members.map((m) => sharedAsset(m.facts));
        const byId = new Map(assets.map((a) => [a.id, a]));
        const summary = summarizeAlbum({ id, name: album.name, cover: album.cover as string as AssetId | null, createdAt: 0, assets: assets.map((a) => a.id) }, (a) => byId.get(a));
        return { ...summary, ownerName: album.ownerName, access };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  }

  card(id: string): SharedAlbumCard | undefined {
    return this.cards().find((c) => c.id === id);
  }

  isShared(id: string): boolean {
    return this.shared?.isShared(id) ?? false;
  }

  /**
   * The photos an album page shows beyond my catalog's: an album shared with me shows all its
   * members; my shared album adds what others contributed (after my own, in room order).
   */
  albumAssets(id: string, mine: readonly CatalogAsset[]): CatalogAsset[] {
    const album = this.shared?.read(id);
    if (!album) return [...mine];
    const seen = new Set(mine.map((a) => a.id));
    return [...mine, ...album.members.map((m) => sharedAsset(m.facts)).filter((a) => !seen.has(a.id))];
  }

  refresh(): void {
    this.shared?.refresh().catch(() => undefined); // offline: keep what we have
  }

  async openDialog(id: string | null): Promise<void> {
    this.dialogFor = id;
    this.members = [];
    this.error = '';
    this.host.requestUpdate();
    if (id !== null && this.isShared(id)) await this.run(async () => void (this.members = await this.shared!.members(id)));
  }

  async invite(id: string, email: string, role: ShareRole): Promise<void> {
    await this.run(async () => {
      await this.shared!.share(id, email, role);
      this.members = await this.shared!.members(id);
    });
  }

  async revoke(id: string, userId: string): Promise<void> {
    await this.run(async () => {
      await this.shared!.revoke(id, userId);
      this.members = await this.shared!.members(id);
    });
  }

  /** Adds my photos to an album shared with me; false when it is not one I may add to. */
  contribute(id: string, assets: readonly AssetId[]): boolean {
    return (this.shared?.contribute(id, assets) ?? 0) > 0;
  }

  private async run(call: () => Promise<void>): Promise<void> {
    if (!this.shared) return;
    this.busy = true;
    this.error = '';
    this.host.requestUpdate();
    try {
      await call();
    } catch (err) {
      this.error = err instanceof ApiError && err.code === 'userNotFound' ? 'No account with this email on this Shoebox server.' : err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    this.dialogFor = null;
    this.members = [];
    if (!library) return undefined;
    return library.shared.onChange(() => this.requestFrameUpdate());
  }
}
