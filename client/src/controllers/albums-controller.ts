/**
 * Albums for the signed-in library: re-renders the host when any album changes (locally or
 * through sync) and performs the user's album and bulk edits through the protocol's album and
 * catalog functions, each bulk edit in one transaction (one sync update, one undo step).
 *
 *   private albums = new AlbumsController(this, () => this.library);
 *   const id = this.albums.create('Holiday', [...selection.ids]); this.albums.rename(id, 'Summer')
 */
import {
  addToAlbum, createAlbum, deleteAlbum, readAlbum, removeFromAlbum, renameAlbum, setAlbumCover, setFavorite, trashAsset,
  type Album, type AssetId,
} from '../../../protocol/src/index.js';
import { newAlbumId } from '../domain/albums/album-summaries.js';
import type { LibrarySession } from '../domain/library-session.js';
import { LibraryBoundController } from './library-bound-controller.js';

export class AlbumsController extends LibraryBoundController {
  get doc() {
    return this.bound?.catalog.doc ?? null;
  }

  album(id: string): Album | undefined {
    const doc = this.doc;
    return doc ? readAlbum(doc, id) : undefined;
  }

  /** Creates an album holding `assets` (in that order); returns its id. */
  create(name: string, assets: readonly AssetId[]): string | null {
    const doc = this.doc;
    if (!doc) return null;
    const id = newAlbumId();
    doc.transact(() => {
      createAlbum(doc, name.trim() || 'Untitled', id);
      for (const asset of assets) addToAlbum(doc, id, asset);
    });
    return id;
  }

  /** Adds to one of my albums, or (as a Contributor) to an album shared with me. */
  add(id: string, assets: readonly AssetId[]): void {
    const doc = this.doc;
    if (doc && !readAlbum(doc, id)) this.bound?.shared.contribute(id, assets);
    else this.edit(id, (d) => assets.forEach((asset) => addToAlbum(d, id, asset)));
  }

  /** Removes from my album; when it is shared, also what others added to its room (SH6 keeps those otherwise). */
  remove(id: string, assets: readonly AssetId[]): void {
    this.edit(id, (doc) => assets.forEach((asset) => removeFromAlbum(doc, id, asset)));
    if (this.bound?.shared.isShared(id)) this.bound.shared.removeFromRoom(id, assets);
  }

  rename(id: string, name: string): void {
    const trimmed = name.trim();
    if (trimmed !== '') this.edit(id, (doc) => renameAlbum(doc, id, trimmed));
  }

  setCover(id: string, asset: AssetId | null): void {
    this.edit(id, (doc) => setAlbumCover(doc, id, asset));
  }

  delete(id: string): void {
    this.edit(id, (doc) => deleteAlbum(doc, id));
  }

  /** Sets the favourite flag of every asset. */
  favorite(assets: readonly AssetId[], on: boolean): void {
    const doc = this.doc;
    if (doc) doc.transact(() => assets.forEach((asset) => setFavorite(doc, asset, on)));
  }

  trash(assets: readonly AssetId[]): void {
    const doc = this.doc;
    const at = Date.now();
    if (doc) doc.transact(() => assets.forEach((asset) => trashAsset(doc, asset, at)));
  }

  /** Runs an edit on an album that still exists here (it may have gone through sync meanwhile). */
  private edit(id: string, change: (doc: NonNullable<AlbumsController['doc']>) => void): void {
    const doc = this.doc;
    if (!doc || !readAlbum(doc, id)) return;
    doc.transact(() => change(doc));
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    if (!library) return undefined;
    const { doc } = library.catalog;
    const albums = doc.getMap('albums');
    const items = doc.getMap('albumItems');
    const changed = () => this.requestFrameUpdate();
    albums.observeDeep(changed);
    items.observeDeep(changed);
    return () => {
      albums.unobserveDeep(changed);
      items.unobserveDeep(changed);
    };
  }
}
