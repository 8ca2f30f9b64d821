/**
 * The signed-in shell: toolbar, bottom bar (phone), timeline (photos, favourites or trash),
 * albums, people, search, the viewer, the import panel and drag-and-drop import. Wires
 * controllers to components; which view shows (and which photo is open) is the address
 * (`RouterController`), everything else lives in the controllers and the catalog. Provides
 * the ThumbStore to every component below through @lit/context.
 *
 *   <sbx-library-view .library=${librarySession} @sbx-logout=${logout}></sbx-library-view>
 *   (the session controller creates the LibrarySession)
 */
import { LitElement, css, html, nothing } from 'lit';
import { TRASH_DAYS, type AssetId } from '../../../protocol/src/index.js';
import { CatalogController } from '../controllers/catalog-controller.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { ImportController } from '../controllers/import-controller.js';
import { DropImportController } from '../controllers/drop-import-controller.js';
import { MlController } from '../controllers/ml-controller.js'; // issue 6: people and search
import { AlbumsController } from '../controllers/albums-controller.js'; // albums
import { SelectionController } from '../controllers/selection-controller.js'; // albums
import { SharedAlbumsController } from '../controllers/shared-albums-controller.js'; // shared albums
import { TrashRetentionController } from '../controllers/trash-retention-controller.js';
import type { ShareRole } from '../domain/albums/shared-albums.js';
import { albumMembers, albumSummaries, orderedView, summarizeAlbum } from '../domain/albums/album-summaries.js';
import type { AlbumPick, SelectionAction } from '../domain/albums/selection.js';
import { listView } from '../domain/ml/list-view.js';
import type { SearchFilters } from '../domain/ml/smart-search.js';
import { TimelineFilter } from '../domain/catalog/timeline-index.js';
import { LibraryAction, type LibraryEdit } from '../domain/catalog/bulk-actions.js';
import type { LibrarySession } from '../domain/library-session.js';
import './admin-jobs-view.js'; // issue 5: admin Jobs page
import './admin-users-view.js'; // issue 13
import './account-settings-view.js'; // issue 13
import './app-toolbar.js';
import type { ViewerEdit } from './asset-viewer.js';
import './asset-viewer.js';
import './drop-overlay.js';
import './import-panel.js';
import './timeline-view.js';
import './memories-strip.js';
import type { TimelineViewElement } from './timeline-view.js';
import './bottom-nav.js';
import { RouterController } from '../router/router-controller.js';
import { ContextProvider } from '@lit/context';
import { thumbStoreContext } from '../context/services.js';
import { RouteView, formatRoute, sectionOf, timelineRoute, withoutPhoto, type Route } from '../router/route.js';
import './people-view.js';
import './person-view.js';
import './search-view.js';
import './album-picker.js';
import './selection-bar.js';
import './album-view.js';
import './albums-view.js';
import './share-dialog.js';

/** What the main area shows (issue 6 adds people, a person and search results beside the timeline). */
export const LibrarySection = { timeline: 'timeline', people: 'people', person: 'person', search: 'search', albums: 'albums', album: 'album' } as const;
export type LibrarySection = (typeof LibrarySection)[keyof typeof LibrarySection];

/** The tab title per section (the toolbar shows the same section as current). */
const TITLES: Readonly<Record<RouteView, string>> = {
  timeline: 'Photos', favorites: 'Favourites', trash: 'Trash', albums: 'Albums', album: 'Albums', people: 'People', person: 'People',
  search: 'Search', recent: 'Recently added', archive: 'Archive', adminJobs: 'Jobs', adminUsers: 'Users', account: 'Account settings', notFound: 'Not found',
};

/** The routes the timeline grid shows, each with its filter (issue 11 adds Recently added and Archive). */
const TIMELINE_FILTERS: ReadonlyMap<RouteView, TimelineFilter> = new Map<RouteView, TimelineFilter>([
  [RouteView.timeline, TimelineFilter.all],
  [RouteView.favorites, TimelineFilter.favorites],
  [RouteView.recent, TimelineFilter.recent],
  [RouteView.archive, TimelineFilter.archive],
  [RouteView.trash, TimelineFilter.trash],
]);

export class LibraryView extends LitElement {
  static override properties = {
    library: { attribute: false },
    showHiddenPeople: { state: true },
  };
  declare showHiddenPeople: boolean;
  declare library: LibrarySession | null;

  static override styles = css`
    :host { display: block; min-height: 100vh; }
    input[type='file'] { display: none; }
    .not-found { max-width: 480px; margin: 12vh auto; padding: 0 24px; text-align: center; }
    .not-found h2 { font-size: 22px; font-weight: 500; margin: 0 0 8px; }
    .not-found p { color: var(--sbx-text-dim); line-height: 1.5; }
    .not-found a { color: var(--sbx-accent-text); }
    .trash-note { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin: 16px 24px 0; padding: 10px 14px; border-radius: 10px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); font-size: 14px; }
    .trash-note span { flex: 1 1 240px; }
    .trash-note button { font: inherit; color: var(--sbx-danger); background: none; border: 1px solid var(--sbx-border); border-radius: 18px; padding: 6px 14px; cursor: pointer; }
    @media (max-width: 700px) { main { padding-bottom: calc(64px + env(safe-area-inset-bottom)); } .trash-note { margin: 12px 12px 0; } }
  `;

  private readonly catalog = new CatalogController(this, () => this.library);
  /** Deletes what was trashed more than 30 days ago, after the catalog loads and every few hours. */
  readonly trashRetention = new TrashRetentionController(this, () => this.library);
  private readonly connection = new ConnectionController(this, () => this.library);
  private readonly imports = new ImportController(this, () => this.library);
  private readonly ml = new MlController(this, () => this.library);
  private readonly albums = new AlbumsController(this, () => this.library);
  private readonly shared = new SharedAlbumsController(this, () => this.library);
  private readonly select = new SelectionController(this, this.albums, {
    view: () => this.currentView(), busy: () => this.router.route.photo !== null, isFavorite: (id) => this.catalog.get(id)?.favorite ?? false,
    keep: () => {
      // issue 11: the Trash grid selects trashed photos, every other grid the ones not trashed.
      if (this.section !== LibrarySection.album) return (id) => (this.catalog.get(id)?.trashedAt === null) !== (this.filter === TimelineFilter.trash);
      const { position } = this.currentView();
      return (id) => position.get(id) !== undefined;
    },
  });
  private readonly router = new RouterController(this);
  /** The thumb store for every tile, face and viewer below (no property passing). */
  private readonly thumbStore = new ContextProvider(this, { context: thumbStoreContext, initialValue: null });
  private lastSection: RouteView | null = null;
  private lastSearch: string | null = null;
  private wasOnTimeline = false;
  private readonly drop = new DropImportController(this, (files) => this.imports.importFiles(files));

  constructor() {
    super();
    this.library = null;
    this.showHiddenPeople = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('sbx-navigate', this.onNavigate);
    // The timeline restores its position from the address (?at=), not from the browser.
    history.scrollRestoration = 'manual';
  }

  override disconnectedCallback(): void {
    this.removeEventListener('sbx-navigate', this.onNavigate);
    super.disconnectedCallback();
  }

  /** Section changes clear the selection, refresh shared albums and run the address's search. */
  protected override willUpdate(): void {
    const thumbs = this.library?.thumbs ?? null;
    if (this.thumbStore.value !== thumbs) this.thumbStore.setValue(thumbs);
    const route = this.router.route;
    const section = sectionOf(route);
    if (section !== this.lastSection) {
      if (section === RouteView.albums) this.shared.refresh(); // albums shared with me since
      if (this.lastSection !== null) this.select.clear();
      this.lastSection = section;
    }
    if (route.view === RouteView.search) {
      const key = formatRoute(withoutPhoto(route));
      if (key !== this.lastSearch && this.library) {
        this.lastSearch = key;
        void this.ml.runSearch(route.q, route.filters);
      }
    } else this.lastSearch = null;
    document.title = `${TITLES[section]} · Shoebox`;
  }

  /** A reload or Back onto the timeline at a date scrolls there once the timeline shows. */
  protected override updated(): void {
    const route = this.router.route;
    const onTimeline = route.view === RouteView.timeline;
    if (onTimeline && !this.wasOnTimeline && route.at !== null) {
      const at = route.at;
      void this.updateComplete.then(() => this.renderRoot.querySelector<TimelineViewElement>('sbx-timeline-view')?.scrollToDay(at));
    }
    this.wasOnTimeline = onTimeline;
  }

  override render() {
    const route = this.router.route;
    const view = this.currentView();
    const user = this.library?.session.user;
    const openId = route.photo;
    const at = openId ? view.position.get(openId) : undefined;
    // A shared album's photo may not be in my catalog: the view holds it.
    const open = openId ? (this.catalog.get(openId) ?? (at === undefined ? undefined : view.order[at])) : undefined;
    const showPanel = this.imports.items.length > 0 || this.imports.interrupted > 0;
    const adminJobs = route.view === RouteView.adminJobs && (user?.isOwner ?? false);
    const adminUsers = route.view === RouteView.adminUsers && (user?.isOwner ?? false); // issue 13
    const account = route.view === RouteView.account; // issue 13
    return html`
      <sbx-app-toolbar
        .section=${sectionOf(route)}
        .status=${this.connection.status}
        .pending=${this.connection.pending}
        .statusDetail=${this.connection.lastError}
        .userName=${user?.name ?? ''}
        .userEmail=${user?.email ?? ''}
        .mlProgress=${this.ml.progress}
        .query=${this.query}
        @sbx-search-focus=${() => this.ml.warm()}
        @sbx-search=${(e: CustomEvent<string>) => this.search(e.detail, this.searchFilters)}
        @sbx-import=${this.pickFiles}
        .isOwner=${user?.isOwner ?? false}
      ></sbx-app-toolbar>
      ${adminJobs /* issue 5: admin Jobs page, shown in place of the timeline */
        ? html`<sbx-admin-jobs-view .token=${this.library?.session.token ?? null} @sbx-close=${() => this.router.go(timelineRoute())}></sbx-admin-jobs-view>`
        : nothing}
      ${adminUsers
        ? html`<sbx-admin-users-view .token=${this.library?.session.token ?? null} @sbx-close=${() => this.router.go(timelineRoute())}></sbx-admin-users-view>`
        : account
          ? html`<sbx-account-settings-view .token=${this.library?.session.token ?? null} .name=${user?.name ?? ''} @sbx-close=${() => this.router.go(timelineRoute())}></sbx-account-settings-view>`
          : nothing}
      <main data-testid="library" data-route=${route.view} ?hidden=${adminJobs || adminUsers || account} ?inert=${openId !== null} @sbx-select=${this.select.onSelect} @sbx-open=${this.openPhoto}>
        ${this.renderSection()}
        ${route.view === RouteView.timeline ? html`<sbx-memories-strip .view=${this.catalog.view(TimelineFilter.all)}></sbx-memories-strip>` : nothing}
        <sbx-timeline-view
          style=${this.filterRoute() ? '' : 'display:none'}
          .view=${view}
          .loaded=${this.catalog.loaded}
          .selection=${this.section === LibrarySection.timeline ? this.select.ids : null}
          @sbx-import=${this.pickFiles}
          @sbx-at=${(e: CustomEvent<string | null>) => route.view === RouteView.timeline && route.photo === null && this.router.replace({ ...route, at: e.detail })}
          @sbx-favorite=${(e: CustomEvent<AssetId>) => this.catalog.toggleFavorite(e.detail)}
        ></sbx-timeline-view>
      </main>
      <input
        type="file"
        multiple
        accept="image/*,video/*"
        data-testid="import-input"
        @change=${(e: Event) => this.importFrom(e.target as HTMLInputElement)}
      />
      ${openId !== null
        ? html`<sbx-asset-viewer
            .asset=${open}
            .missing=${open === undefined && this.viewReady()}
            .hasPrev=${at !== undefined && at > 0}
            .hasNext=${at !== undefined && at < view.order.length - 1}
            .foreign=${open !== undefined && this.catalog.get(open.id) === undefined}
            @sbx-close=${() => this.router.back(withoutPhoto(route))}
            .textLines=${open === undefined ? undefined : this.ml.textIn(open.id)}
            @sbx-prev=${() => this.step(-1)}
            @sbx-next=${() => this.step(1)}
            @sbx-favorite=${(e: CustomEvent<AssetId>) => this.catalog.toggleFavorite(e.detail)}
            @sbx-trash=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.trash(e.detail))}
            @sbx-restore=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.restore(e.detail))}
            @sbx-add-to-album=${(e: CustomEvent<AssetId>) => this.select.pickFor([e.detail])}
            @sbx-library-edit=${(e: CustomEvent<ViewerEdit>) => this.editFromViewer(e.detail)}
          ></sbx-asset-viewer>`
        : nothing}
      ${showPanel
        ? html`<sbx-import-panel
            .items=${this.imports.items}
            .summary=${this.imports.summary}
            .interrupted=${this.imports.interrupted}
            @sbx-clear=${() => this.imports.clearFinished()}
          ></sbx-import-panel>`
        : nothing}
      ${this.drop.dragging ? html`<sbx-drop-overlay></sbx-drop-overlay>` : nothing}
      ${this.select.ids.size > 0 && !openId
        ? html`<sbx-selection-bar .count=${this.select.ids.size} .inAlbum=${this.section === LibrarySection.album}
            .context=${this.filter === TimelineFilter.trash || this.filter === TimelineFilter.archive ? this.filter : 'library'}
            @sbx-library-action=${(e: CustomEvent<LibraryEdit>) => void this.select.apply(e.detail)}
            @sbx-selection-action=${(e: CustomEvent<SelectionAction>) => this.select.act(e.detail, this.section === LibrarySection.album ? this.albumId : null)}></sbx-selection-bar>`
        : nothing}
      ${this.shared.dialogFor !== null ? this.renderShareDialog(this.shared.dialogFor) : nothing}
      ${this.select.picking
        ? html`<sbx-album-picker .albums=${[...this.albumCards(), ...this.shared.cards().filter((c) => c.access !== 'read')]} .count=${this.select.picking.length}
            @sbx-album-pick=${(e: CustomEvent<AlbumPick>) => this.select.pick(e.detail)} @sbx-close=${() => this.select.pickFor(null)}></sbx-album-picker>`
        : nothing}
      <sbx-bottom-nav .section=${sectionOf(route)}></sbx-bottom-nav>
    `;
  }

  private renderSection() {
    const route = this.router.route;
    const favorite = (e: CustomEvent<AssetId>) => {
      this.catalog.toggleFavorite(e.detail);
      // Search hits are snapshots: search again so hearts (and a favourites filter) are current.
      if (route.view === RouteView.search) void this.ml.runSearch(route.q, route.filters);
    };
    switch (route.view) {
      case RouteView.trash: /* issue 11: what happens to trashed photos, and Empty trash */
        return html`<div class="trash-note" data-testid="trash-note"><span>Photos in the trash are deleted permanently after ${TRASH_DAYS} days.</span>
          <button data-testid="empty-trash" @click=${() => this.select.emptyTrash()}>Empty trash</button></div>`;
      case RouteView.timeline:
      case RouteView.favorites:
      case RouteView.recent:
      case RouteView.archive:
      case RouteView.adminJobs:
        return route.view === RouteView.adminJobs && !this.library?.session.user.isOwner ? this.renderNotFound('Only the server owner can see the jobs page.') : nothing;
      case RouteView.adminUsers:
        return this.library?.session.user.isOwner ? nothing : this.renderNotFound('Only an administrator can manage users.');
      case RouteView.account:
        return nothing;
      case RouteView.notFound:
        return this.renderNotFound('There is no page at this address.');
      case RouteView.people:
        return html`<sbx-people-view .people=${this.ml.people({ hidden: this.showHiddenPeople })} .showHidden=${this.showHiddenPeople} .progress=${this.ml.progress}
          @sbx-show-hidden=${(e: CustomEvent<boolean>) => (this.showHiddenPeople = e.detail)}
          @sbx-person=${(e: CustomEvent<string>) => this.router.go({ view: RouteView.person, id: e.detail, photo: null })}></sbx-people-view>`;
      case RouteView.person: {
        const person = this.ml.person(route.id);
        const act = (change: (id: string) => string | void) => {
          if (!person) return;
          const id = change(person.id) || person.id;
          if (id !== route.id) this.router.replace({ ...route, id });
        };
        return html`<sbx-person-view .person=${person} .people=${this.ml.people({ hidden: true })} .view=${this.currentView()}
          @sbx-back=${() => this.router.go({ view: RouteView.people, photo: null })} @sbx-favorite=${favorite}
          @sbx-name=${(e: CustomEvent<string>) => act((id) => this.ml.namePerson(id, e.detail))}
          @sbx-hide=${(e: CustomEvent<boolean>) => act((id) => this.ml.hidePerson(id, e.detail))}
          @sbx-merge=${(e: CustomEvent<string>) => act((id) => this.ml.mergePeople(e.detail, id))}
          @sbx-remove-face=${(e: CustomEvent<string>) => act(() => this.ml.removeFace(e.detail))}
          @sbx-move-face=${(e: CustomEvent<{ face: string; to: string }>) => act(() => void this.ml.moveFace(e.detail.face, e.detail.to))}></sbx-person-view>`;
      }
      case RouteView.albums:
        return html`<sbx-albums-view .albums=${this.albumCards()} .shared=${this.shared.cards()} .sharedIds=${new Set(this.albumCards().map((a) => a.id).filter((a) => this.shared.isShared(a)))}
          @sbx-album=${(e: CustomEvent<string>) => this.openAlbum(e.detail)}
          @sbx-create-album=${() => this.openAlbum(this.albums.create('Untitled', []))}></sbx-albums-view>`;
      case RouteView.album: {
        const id = route.id;
        const album = this.albums.album(id);
        const back = () => this.router.go({ view: RouteView.albums, photo: null });
        if (!album) {
          const card = this.shared.card(id);
          return html`<sbx-album-view .album=${card} .sharedBy=${card?.ownerName ?? ''} .view=${this.currentView()} .selection=${null}
            @sbx-back=${back}></sbx-album-view>`;
        }
        const view = this.currentView();
        return html`<sbx-album-view .album=${{ ...summarizeAlbum(album, (a) => this.catalog.get(a)), count: view.count }} .shared=${this.shared.isShared(id)}
          .view=${view} .selection=${this.select.ids} @sbx-share=${() => void this.shared.openDialog(id)}
          @sbx-back=${back} @sbx-favorite=${favorite}
          @sbx-rename-album=${(e: CustomEvent<string>) => this.albums.rename(id, e.detail)}
          @sbx-delete-album=${() => { this.albums.delete(id); this.router.replace({ view: RouteView.albums, photo: null }); }}></sbx-album-view>`;
      }
      case RouteView.search:
        return html`<sbx-search-view .result=${this.ml.searchResult} .error=${this.ml.searchError} .filters=${route.filters}
          .personName=${route.filters.person === undefined ? '' : (this.ml.person(route.filters.person)?.name ?? '')}
          @sbx-search-person=${(e: CustomEvent<string>) => this.search('', { ...route.filters, person: e.detail })}
          @sbx-filters=${(e: CustomEvent<SearchFilters>) => this.search(route.q, e.detail)} @sbx-favorite=${favorite}></sbx-search-view>`;
    }
  }

  private renderNotFound(message: string) {
    return html`<section class="not-found" data-testid="not-found" role="alert">
      <h2>Not found</h2><p>${message}</p>
      <a href="/" @click=${(e: Event) => { e.preventDefault(); this.router.go(timelineRoute()); }}>Go to Photos</a>
    </section>`;
  }

  /** The router's current section, as the main area groups it. */
  private get section(): LibrarySection {
    const view = this.router.route.view;
    return view === RouteView.album || view === RouteView.albums || view === RouteView.people || view === RouteView.person || view === RouteView.search ? view : LibrarySection.timeline;
  }

  /** The timeline shows Photos, Favourites, Recently added, Archive and Trash. */
  private filterRoute(): boolean {
    return TIMELINE_FILTERS.has(this.router.route.view);
  }

  private get filter(): TimelineFilter {
    return TIMELINE_FILTERS.get(this.router.route.view) ?? TimelineFilter.all;
  }

  private get albumId(): string | null {
    const route = this.router.route;
    return route.view === RouteView.album ? route.id : null;
  }

  private get query(): string {
    const route = this.router.route;
    return route.view === RouteView.search ? route.q : '';
  }

  private get searchFilters(): SearchFilters {
    const route = this.router.route;
    return route.view === RouteView.search ? route.filters : {};
  }

  /** Whether the current view has what it needs to say an asset is not in it (vs. still loading). */
  private viewReady(): boolean {
    return this.catalog.loaded && (this.router.route.view !== RouteView.search || this.ml.searchResult !== null);
  }

  /** The assets the main area shows, in order (the viewer steps through them). */
  private currentView() {
    const route = this.router.route;
    switch (route.view) {
      case RouteView.person: {
        const person = this.ml.person(route.id);
        return listView((person?.assets ?? []).flatMap((id) => this.catalog.get(id) ?? []));
      }
      case RouteView.search: {
        const order = (this.ml.searchResult?.hits ?? []).map((h) => h.asset);
        return { ...listView(order), order, position: new Map(order.map((a, i) => [a.id, i])) };
      }
      case RouteView.album: {
        const album = this.albums.album(route.id);
        // Mine: my members, then what others added to its room; shared with me: the room's members.
        return orderedView(this.shared.albumAssets(route.id, album ? albumMembers(album, (a) => this.catalog.get(a)) : []));
      }
      default:
        return this.catalog.view(this.filter);
    }
  }

  private readonly openPhoto = (e: CustomEvent<AssetId>): void => {
    e.stopPropagation();
    this.router.go({ ...this.router.route, photo: e.detail });
  };

  private readonly onNavigate = (e: Event): void => {
    const route = (e as CustomEvent<Route>).detail;
    // Albums again: list the albums shared with me since (a section change does it too).
    if (route.view === RouteView.albums && this.router.route.view === RouteView.albums) this.shared.refresh();
    if (route.view === RouteView.timeline && this.router.route.view === RouteView.timeline) window.scrollTo({ top: 0 });
    this.router.go(route);
  };

  private search(q: string, filters: SearchFilters): void {
    this.router.go({ view: RouteView.search, q, filters, photo: null });
  }

  private renderShareDialog(id: string) {
    const s = this.shared;
    return html`<sbx-share-dialog .name=${this.albums.album(id)?.name ?? ''} .members=${s.members} .busy=${s.busy} .error=${s.error}
      @sbx-share-invite=${(e: CustomEvent<{ email: string; role: ShareRole }>) => void s.invite(id, e.detail.email, e.detail.role)}
      @sbx-share-revoke=${(e: CustomEvent<string>) => void s.revoke(id, e.detail)}
      @sbx-close=${() => void s.openDialog(null)}></sbx-share-dialog>`;
  }

  /** My albums; a shared one counts what others added to it too (as its page shows). */
  private albumCards() {
    const doc = this.albums.doc;
    const get = (a: AssetId) => this.catalog.get(a);
    return (doc ? albumSummaries(doc, get) : []).map((card) => {
      const album = this.shared.isShared(card.id) ? this.albums.album(card.id) : undefined;
      return album ? { ...card, count: this.shared.albumAssets(card.id, albumMembers(album, get)).length } : card;
    });
  }

  private openAlbum(id: string | null): void {
    if (id !== null) this.router.go({ view: RouteView.album, id, photo: null });
  }

  private readonly pickFiles = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  };

  private importFrom(input: HTMLInputElement): void {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length > 0) this.imports.importFiles(files);
  }

  /** Moves the viewer by one in the current view's order. */
  private step(delta: number): void {
    const view = this.currentView();
    const route = this.router.route;
    const at = route.photo ? view.position.get(route.photo) : undefined;
    if (at === undefined) return;
    const next = view.order[at + delta];
    if (next) this.router.replace({ ...route, photo: next.id });
  }

  /** Archive/unarchive takes the photo out of a timeline view (not an album or person): move on as trash does. */
  private editFromViewer({ id, edit }: ViewerEdit): void {
    const leaves = (edit.kind === LibraryAction.archive || edit.kind === LibraryAction.unarchive) && this.filterRoute();
    if (leaves) this.removeFromView(id, () => this.catalog.edit(id, edit));
    else this.catalog.edit(id, edit);
  }

  /** Trash/restore takes the asset out of this view: show the next one, or close. */
  private removeFromView(id: AssetId, action: () => void): void {
    const view = this.currentView();
    const at = view.position.get(id);
    const neighbour = at === undefined ? undefined : (view.order[at + 1] ?? view.order[at - 1]);
    action();
    const route = this.router.route;
    if (neighbour) this.router.replace({ ...route, photo: neighbour.id });
    else this.router.back(withoutPhoto(route));
  }
}

if (!customElements.get('sbx-library-view')) customElements.define('sbx-library-view', LibraryView);
