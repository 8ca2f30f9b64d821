/**
 * Multi-select and the "Add to album" dialog for a host page: the selection (O(1) per click; tiles
 * only ask `has`), shift-click ranges in the current view's order, select all, Esc to clear, and
 * the selection bar's actions: album ones through the albums controller, library ones (archive,
 * restore, delete permanently, rate, tag…) written in time-boxed chunks by applyBulk.
 *
 *   private select = new SelectionController(this, albums, { view: () => this.currentView(), busy: () => this.openId !== null });
 *   html`<main @sbx-select=${this.select.onSelect}>` … this.select.act(SelectionAction.favorite, albumId); void this.select.apply(edit)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emptyTrash, type AssetId } from '../../../protocol/src/index.js';
import { emptySelection, selectAll, selectClick, SelectionAction, type AlbumPick, type Selection } from '../domain/albums/selection.js';
import { applyBulk, type LibraryEdit } from '../domain/catalog/bulk-actions.js';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import type { AlbumsController } from './albums-controller.js';

export interface SelectionHostHooks {
  /** The view the selection is made in (its order gives shift-click ranges). */
  readonly view: () => TimelineView;
  /** True while something else owns Esc (the viewer is open). */
  readonly busy: () => boolean;
  readonly isFavorite: (id: AssetId) => boolean;
  /** Which selected ids an action may still touch (a remote edit may have trashed or removed one). */
  readonly keep: () => (id: AssetId) => boolean;
}

export class SelectionController implements ReactiveController {
  selection: Selection = emptySelection;
  /** The assets the "Add to album" dialog is open for, or null. */
  picking: readonly AssetId[] | null = null;
  /** Progress of a library action being written (done of total), or null. */
  applying: { readonly done: number; readonly total: number } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly albums: AlbumsController,
    private readonly hooks: SelectionHostHooks,
  ) {
    host.addController(this);
  }

  get ids(): ReadonlySet<AssetId> {
    return this.selection.ids;
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  clear(): void {
    if (this.selection === emptySelection && this.picking === null) return;
    this.selection = emptySelection;
    this.picking = null;
    this.host.requestUpdate();
  }

  /** Opens the dialog for these assets (the viewer's photo), or closes it (null). */
  pickFor(ids: readonly AssetId[] | null): void {
    this.picking = ids;
    this.host.requestUpdate();
  }

  readonly onSelect = (event: CustomEvent<{ id: AssetId; range: boolean }>): void => {
    const view = this.hooks.view();
    this.selection = selectClick(this.selection, event.detail.id, { range: event.detail.range, position: view.position, at: (i) => view.idAt?.(i) ?? view.at(i)?.id });
    this.host.requestUpdate();
  };

  /** Selects every asset of the current view. */
  selectAll(): void {
    const view = this.hooks.view();
    this.selection = selectAll(view.count, (i) => view.idAt?.(i) ?? view.at(i)?.id);
    this.host.requestUpdate();
  }

  /**
   * Writes a library action on the selection (any size) in chunks that keep the page
   * responsive, then clears the selection. Resolves with how many assets it touched.
   */
  async apply(edit: LibraryEdit): Promise<number> {
    const doc = this.albums.doc;
    if (!doc || this.applying) return 0;
    if (edit.kind === 'delete-permanently' && !window.confirm(`Delete ${this.selection.ids.size} photos permanently? This cannot be undone.`)) return 0;
    const ids = [...this.selection.ids].filter(this.hooks.keep());
    this.applying = { done: 0, total: ids.length };
    this.host.requestUpdate();
    try {
      await applyBulk(doc, ids, edit, {
        progress: (done, total) => {
          this.applying = { done, total };
          this.host.requestUpdate();
        },
      });
    } finally {
      this.applying = null;
      this.clear();
      this.host.requestUpdate();
    }
    return ids.length;
  }

  /** Deletes permanently everything in the trash (SPEC D4), after the user confirms. */
  emptyTrash(confirm: (message: string) => boolean = (m) => window.confirm(m)): number {
    const doc = this.albums.doc;
    if (!doc || !confirm('Delete everything in the trash permanently? This cannot be undone.')) return 0;
    const n = emptyTrash(doc);
    this.clear();
    return n;
  }

  /** Carries out a selection-bar action; `album` is the album page the selection is on, if any. */
  act(action: SelectionAction, album: string | null): void {
    const ids = [...this.selection.ids].filter(this.hooks.keep());
    switch (action) {
      case SelectionAction.addToAlbum:
        this.pickFor(ids);
        return;
      case SelectionAction.favorite:
        this.albums.favorite(ids, !ids.every(this.hooks.isFavorite));
        break;
      case SelectionAction.trash:
        this.albums.trash(ids);
        break;
      case SelectionAction.setCover:
        if (album !== null) this.albums.setCover(album, ids[0] ?? null);
        break;
      case SelectionAction.removeFromAlbum:
        if (album !== null) this.albums.remove(album, ids);
        break;
      case SelectionAction.clear:
        break;
    }
    this.clear();
  }

  /** The dialog's choice: add to an album, or create one holding the assets. */
  pick(pick: AlbumPick): void {
    const ids = this.picking ?? [];
    if ('album' in pick) this.albums.add(pick.album, ids);
    else this.albums.create(pick.name, ids);
    if (this.hooks.busy()) {
      this.picking = null;
      this.host.requestUpdate();
    } else this.clear();
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.hooks.busy() || this.picking !== null || this.selection.ids.size === 0) return;
    event.preventDefault();
    this.clear();
  };
}
