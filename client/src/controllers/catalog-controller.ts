/**
 * Keeps a TimelineIndex in step with the catalog Y.Doc (one index update per animation
 * frame, whatever the number of transactions; a render only when something changed) and performs the user's catalog edits through the
 * protocol's catalog functions.
 *
 *   private catalog = new CatalogController(this, () => this.library);
 *   const view = this.catalog.view(TimelineFilter.all); this.catalog.toggleFavorite(id)
 */
import { restoreAsset, setFavorite, trashAsset, type AssetId, type CatalogAsset, type UserId } from '../../../protocol/src/index.js';
import { applyChunk, type LibraryEdit } from '../domain/catalog/bulk-actions.js';
import { observeCatalog } from '../domain/catalog/catalog-store.js';
import { TimelineFilter, TimelineIndex, type TimelineView } from '../domain/catalog/timeline-index.js';
import { openTimelineViews } from '../domain/catalog/timeline-views.js';
import type { LibrarySession } from '../domain/library-session.js';
import { LibraryBoundController } from './library-bound-controller.js';

const emptyView = (filter: TimelineFilter): TimelineView => ({
  filter, count: 0, runs: [], at: () => undefined, order: [], position: { get: () => undefined },
});

export class CatalogController extends LibraryBoundController {
  /** False until the IndexedDB copy of the catalog is loaded. */
  loaded = false;
  private index: TimelineIndex | null = null;
  /** Materialized views from IndexedDB, shown until the CRDT has loaded. */
  private early = new Map<TimelineFilter, TimelineView>();
  private frame = 0;

  view(filter: TimelineFilter): TimelineView {
    return this.index?.view(filter) ?? this.early.get(filter) ?? emptyView(filter);
  }

  get(id: AssetId): CatalogAsset | undefined {
    return this.index?.get(id);
  }

  get size(): number {
    return this.index?.size ?? 0;
  }

  toggleFavorite(id: AssetId): void {
    const doc = this.bound?.catalog.doc;
    const asset = this.index?.get(id);
    if (doc && asset) setFavorite(doc, id, !asset.favorite);
  }

  trash(id: AssetId): void {
    const doc = this.bound?.catalog.doc;
    if (doc) trashAsset(doc, id, Date.now());
  }

  restore(id: AssetId): void {
    const doc = this.bound?.catalog.doc;
    if (doc) restoreAsset(doc, id);
  }

  /** One library edit on one asset (the viewer's archive, rating…), as bulk actions write it. */
  edit(id: AssetId, edit: LibraryEdit): void {
    const doc = this.bound?.catalog.doc;
    if (doc && this.index?.get(id)) applyChunk(doc, [id], edit, Date.now());
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    this.loaded = false;
    this.index = null;
    this.early.clear();
    if (!library) return undefined;
    const { doc } = library.catalog;
    const views = openTimelineViews(library.session.user.id as UserId);
    const saveViews = () => {
      for (const filter of Object.values(TimelineFilter)) views.save(filter, () => this.index!.view(filter));
    };
    // Paint from the materialized views first, then let the CRDT load (it blocks for a while
    // on a big library); with no views, load at once.
    void Promise.all(Object.values(TimelineFilter).map(async (filter) => [filter, await views.load(filter)] as const)).then((loaded) => {
      if (this.bound !== library) return;
      if (this.index || !loaded.some(([, v]) => v)) {
        library.catalog.startLoading();
        return;
      }
      for (const [filter, view] of loaded) if (view) this.early.set(filter, view);
      this.loaded = true;
      this.host.requestUpdate();
      // Two frames: the timeline lays out, then paints its tiles.
      void this.host.updateComplete.then(() => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => library.catalog.startLoading(), 0))));
    });
    const pending = new Set<AssetId>();
    const unobserve = observeCatalog(doc, (ids) => {
      for (const id of ids) pending.add(id);
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.index?.refresh(pending);
        pending.clear();
        if (this.index) saveViews();
        this.host.requestUpdate();
      });
    });
    void library.catalog.whenLoaded.then(() => {
      if (this.bound !== library) return;
      this.index = new TimelineIndex(doc);
      this.early.clear();
      pending.clear();
      saveViews();
      this.loaded = true;
      this.host.requestUpdate();
    });
    return () => {
      views.close();
      unobserve();
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
    };
  }
}
