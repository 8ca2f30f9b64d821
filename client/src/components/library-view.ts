/**
 * The signed-in shell: toolbar, timeline (photos, favourites or trash), the viewer, the
 * import panel and drag-and-drop import onto the whole window. Wires controllers to
 * components; all state lives in the controllers and the catalog.
 *
 *   <sbx-library-view .library=${librarySession} @sbx-logout=${logout}></sbx-library-view>
 *   (the session controller creates the LibrarySession)
 */
import { LitElement, css, html, nothing } from 'lit';
import type { AssetId } from '../../../protocol/src/index.js';
import { CatalogController } from '../controllers/catalog-controller.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { ImportController } from '../controllers/import-controller.js';
import { MlController } from '../controllers/ml-controller.js'; // issue 6: people and search
import { AlbumsController } from '../controllers/albums-controller.js'; // albums
import { SelectionController } from '../controllers/selection-controller.js'; // albums
import { SharedAlbumsController } from '../controllers/shared-albums-controller.js'; // shared albums
import type { ShareRole } from '../domain/albums/shared-albums.js';
import { albumMembers, albumSummaries, orderedView, summarizeAlbum } from '../domain/albums/album-summaries.js';
import type { AlbumPick, SelectionAction } from '../domain/albums/selection.js';
import { listView } from '../domain/ml/list-view.js';
import type { SearchFilters } from '../domain/ml/smart-search.js';
import { TimelineFilter } from '../domain/catalog/timeline-index.js';
import type { LibrarySession } from '../domain/library-session.js';
import './admin-jobs-view.js'; // issue 5: admin Jobs page
import './app-toolbar.js';
import './asset-viewer.js';
import './drop-overlay.js';
import './import-panel.js';
import './timeline-view.js';
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

const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;

export class LibraryView extends LitElement {
  static override properties = {
    library: { attribute: false },
    filter: { state: true },
    openId: { state: true },
    dragging: { state: true },
    adminJobs: { state: true }, // issue 5: admin Jobs page
    section: { state: true },
    personId: { state: true },
    showHiddenPeople: { state: true },
    query: { state: true },
    searchFilters: { state: true },
    albumId: { state: true },
  };
  declare albumId: string | null;
  declare section: LibrarySection;
  declare personId: string | null;
  declare showHiddenPeople: boolean;
  declare query: string;
  declare searchFilters: SearchFilters;
  declare library: LibrarySession | null;
  declare filter: TimelineFilter;
  declare openId: AssetId | null;
  declare dragging: boolean;
  declare adminJobs: boolean; // issue 5: admin Jobs page

  static override styles = css`
    :host { display: block; min-height: 100vh; }
    input[type='file'] { display: none; }
  `;

  private readonly catalog = new CatalogController(this, () => this.library);
  private readonly connection = new ConnectionController(this, () => this.library);
  private readonly imports = new ImportController(this, () => this.library);
  private readonly ml = new MlController(this, () => this.library);
  private readonly albums = new AlbumsController(this, () => this.library);
  private readonly shared = new SharedAlbumsController(this, () => this.library);
  private readonly select = new SelectionController(this, this.albums, {
    view: () => this.currentView(), busy: () => this.openId !== null, isFavorite: (id) => this.catalog.get(id)?.favorite ?? false,
    keep: () => {
      if (this.section !== LibrarySection.album) return (id) => this.catalog.get(id)?.trashedAt === null;
      const { position } = this.currentView();
      return (id) => position.get(id) !== undefined;
    },
  });
  private dragDepth = 0;

  constructor() {
    super();
    this.library = null;
    this.filter = TimelineFilter.all;
    this.openId = null;
    this.dragging = false;
    this.adminJobs = false; // issue 5: admin Jobs page
    this.section = LibrarySection.timeline;
    this.personId = null;
    this.showHiddenPeople = false;
    this.query = '';
    this.searchFilters = {};
    this.albumId = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('dragenter', this.onDragEnter);
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('dragleave', this.onDragLeave);
    window.addEventListener('drop', this.onDrop);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('dragenter', this.onDragEnter);
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('dragleave', this.onDragLeave);
    window.removeEventListener('drop', this.onDrop);
    super.disconnectedCallback();
  }

  override render() {
    const view = this.currentView();
    const user = this.library?.session.user;
    const at = this.openId ? view.position.get(this.openId) : undefined;
    // A shared album's photo may not be in my catalog: the view holds it.
    const open = this.openId ? (this.catalog.get(this.openId) ?? (at === undefined ? undefined : view.order[at])) : undefined;
    const showPanel = this.imports.items.length > 0 || this.imports.interrupted > 0;
    return html`
      <sbx-app-toolbar
        .filter=${this.filter}
        .status=${this.connection.status}
        .pending=${this.connection.pending}
        .statusDetail=${this.connection.lastError}
        .userName=${user?.name ?? ''}
        .userEmail=${user?.email ?? ''}
        @sbx-filter=${(e: CustomEvent<TimelineFilter>) => this.show(LibrarySection.timeline, () => (this.filter = e.detail))}
        .section=${this.section === LibrarySection.person ? LibrarySection.people : this.section === LibrarySection.album ? LibrarySection.albums : this.section}
        @sbx-albums=${() => this.show(LibrarySection.albums)}
        .mlProgress=${this.ml.progress}
        .query=${this.query}
        @sbx-people=${() => this.show(LibrarySection.people)}
        @sbx-search-focus=${() => this.ml.warm()}
        @sbx-search=${(e: CustomEvent<string>) => this.search(e.detail, this.searchFilters)}
        @sbx-import=${this.pickFiles}
        .isOwner=${user?.isOwner ?? false}
        @sbx-admin-jobs=${() => (this.adminJobs = true)}
      ></sbx-app-toolbar>
      ${this.adminJobs /* issue 5: admin Jobs page, shown in place of the timeline */
        ? html`<sbx-admin-jobs-view .token=${this.library?.session.token ?? null} @sbx-close=${() => (this.adminJobs = false)}></sbx-admin-jobs-view>`
        : nothing}
      <main data-testid="library" ?hidden=${this.adminJobs} @sbx-select=${this.select.onSelect}>
        ${this.renderSection()}
        <sbx-timeline-view
          style=${this.section === LibrarySection.timeline ? '' : 'display:none'}
          .view=${view}
          .thumbs=${this.library?.thumbs ?? null}
          .loaded=${this.catalog.loaded}
          .selection=${this.section === LibrarySection.timeline && this.filter !== TimelineFilter.trash ? this.select.ids : null}
          @sbx-import=${this.pickFiles}
          @sbx-open=${(e: CustomEvent<AssetId>) => (this.openId = e.detail)}
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
      ${open
        ? html`<sbx-asset-viewer
            .asset=${open}
            .thumbs=${this.library?.thumbs ?? null}
            .hasPrev=${at !== undefined && at > 0}
            .hasNext=${at !== undefined && at < view.order.length - 1}
            .foreign=${this.catalog.get(open.id) === undefined}
            .textLines=${this.ml.textIn(open.id)}
            @sbx-close=${() => (this.openId = null)}
            @sbx-prev=${() => this.step(-1)}
            @sbx-next=${() => this.step(1)}
            @sbx-favorite=${(e: CustomEvent<AssetId>) => this.catalog.toggleFavorite(e.detail)}
            @sbx-trash=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.trash(e.detail))}
            @sbx-restore=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.restore(e.detail))}
            @sbx-add-to-album=${(e: CustomEvent<AssetId>) => this.select.pickFor([e.detail])}
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
      ${this.dragging ? html`<sbx-drop-overlay></sbx-drop-overlay>` : nothing}
      ${this.select.ids.size > 0 && !open
        ? html`<sbx-selection-bar .count=${this.select.ids.size} .inAlbum=${this.section === LibrarySection.album}
            @sbx-selection-action=${(e: CustomEvent<SelectionAction>) => this.select.act(e.detail, this.section === LibrarySection.album ? this.albumId : null)}></sbx-selection-bar>`
        : nothing}
      ${this.shared.dialogFor !== null ? this.renderShareDialog(this.shared.dialogFor) : nothing}
      ${this.select.picking
        ? html`<sbx-album-picker .albums=${[...this.albumCards(), ...this.shared.cards().filter((c) => c.access !== 'read')]} .count=${this.select.picking.length}
            @sbx-album-pick=${(e: CustomEvent<AlbumPick>) => this.select.pick(e.detail)} @sbx-close=${() => this.select.pickFor(null)}></sbx-album-picker>`
        : nothing}
    `;
  }

  private renderSection() {
    const thumbs = this.library?.thumbs ?? null;
    const open = (e: CustomEvent<AssetId>) => (this.openId = e.detail);
    const favorite = (e: CustomEvent<AssetId>) => {
      this.catalog.toggleFavorite(e.detail);
      // Search hits are snapshots: search again so hearts (and a favourites filter) are current.
      if (this.section === LibrarySection.search) void this.ml.runSearch(this.query, this.searchFilters);
    };
    switch (this.section) {
      case LibrarySection.timeline:
        return nothing;
      case LibrarySection.people:
        return html`<sbx-people-view .people=${this.ml.people({ hidden: this.showHiddenPeople })} .showHidden=${this.showHiddenPeople} .thumbs=${thumbs} .progress=${this.ml.progress}
          @sbx-show-hidden=${(e: CustomEvent<boolean>) => (this.showHiddenPeople = e.detail)}
          @sbx-person=${(e: CustomEvent<string>) => this.show(LibrarySection.person, () => (this.personId = e.detail))}></sbx-people-view>`;
      case LibrarySection.person: {
        const person = this.personId === null ? undefined : this.ml.person(this.personId);
        const act = (change: (id: string) => string | void) => person && (this.personId = change(person.id) || person.id);
        return html`<sbx-person-view .person=${person} .people=${this.ml.people({ hidden: true })} .view=${this.currentView()} .thumbs=${thumbs}
          @sbx-back=${() => this.show(LibrarySection.people)} @sbx-open=${open} @sbx-favorite=${favorite}
          @sbx-name=${(e: CustomEvent<string>) => act((id) => this.ml.namePerson(id, e.detail))}
          @sbx-hide=${(e: CustomEvent<boolean>) => act((id) => this.ml.hidePerson(id, e.detail))}
          @sbx-merge=${(e: CustomEvent<string>) => act((id) => this.ml.mergePeople(e.detail, id))}
          @sbx-remove-face=${(e: CustomEvent<string>) => act(() => this.ml.removeFace(e.detail))}
          @sbx-move-face=${(e: CustomEvent<{ face: string; to: string }>) => act(() => void this.ml.moveFace(e.detail.face, e.detail.to))}></sbx-person-view>`;
      }
      case LibrarySection.albums:
        return html`<sbx-albums-view .albums=${this.albumCards()} .shared=${this.shared.cards()} .sharedIds=${new Set(this.albumCards().map((a) => a.id).filter((a) => this.shared.isShared(a)))}
          .thumbs=${thumbs} @sbx-album=${(e: CustomEvent<string>) => this.openAlbum(e.detail)}
          @sbx-create-album=${() => this.openAlbum(this.albums.create('Untitled', []))}></sbx-albums-view>`;
      case LibrarySection.album: {
        const album = this.albumId === null ? undefined : this.albums.album(this.albumId);
        const id = this.albumId ?? '';
        if (!album) {
          const card = this.shared.card(id);
          return html`<sbx-album-view .album=${card} .sharedBy=${card?.ownerName ?? ''} .view=${this.currentView()} .thumbs=${thumbs} .selection=${null}
            @sbx-back=${() => this.show(LibrarySection.albums)} @sbx-open=${open}></sbx-album-view>`;
        }
        const view = this.currentView();
        return html`<sbx-album-view .album=${{ ...summarizeAlbum(album, (a) => this.catalog.get(a)), count: view.count }} .shared=${this.shared.isShared(id)}
          .view=${view} .thumbs=${thumbs} .selection=${this.select.ids} @sbx-share=${() => void this.shared.openDialog(id)}
          @sbx-back=${() => this.show(LibrarySection.albums)} @sbx-open=${open} @sbx-favorite=${favorite}
          @sbx-rename-album=${(e: CustomEvent<string>) => this.albums.rename(id, e.detail)}
          @sbx-delete-album=${() => { this.albums.delete(id); this.show(LibrarySection.albums); }}></sbx-album-view>`;
      }
      case LibrarySection.search:
        return html`<sbx-search-view .result=${this.ml.searchResult} .error=${this.ml.searchError} .filters=${this.searchFilters} .thumbs=${thumbs}
          .personName=${this.searchFilters.person === undefined ? '' : (this.ml.person(this.searchFilters.person)?.name ?? '')}
          @sbx-search-person=${(e: CustomEvent<string>) => this.search('', { ...this.searchFilters, person: e.detail })}
          @sbx-filters=${(e: CustomEvent<SearchFilters>) => this.search(this.query, e.detail)} @sbx-open=${open} @sbx-favorite=${favorite}></sbx-search-view>`;
    }
  }

  /** The assets the main area shows, in order (the viewer steps through them). */
  private currentView() {
    switch (this.section) {
      case LibrarySection.person: {
        const person = this.personId === null ? undefined : this.ml.person(this.personId);
        return listView((person?.assets ?? []).flatMap((id) => this.catalog.get(id) ?? []));
      }
      case LibrarySection.search: {
        const order = (this.ml.searchResult?.hits ?? []).map((h) => h.asset);
        return { ...listView(order), order, position: new Map(order.map((a, i) => [a.id, i])) };
      }
      case LibrarySection.album: {
        const album = this.albumId === null ? undefined : this.albums.album(this.albumId);
        // Mine: my members, then what others added to its room; shared with me: the room's members.
        return orderedView(this.shared.albumAssets(this.albumId ?? '', album ? albumMembers(album, (a) => this.catalog.get(a)) : []));
      }
      default:
        return this.catalog.view(this.filter);
    }
  }

  private show(section: LibrarySection, then?: () => void): void {
    if (section === LibrarySection.albums) this.shared.refresh(); // albums shared with me since
    this.section = section;
    this.select.clear();
    this.adminJobs = false;
    then?.();
  }

  private search(query: string, filters: SearchFilters): void {
    this.query = query;
    this.searchFilters = filters;
    this.show(LibrarySection.search);
    void this.ml.runSearch(query, filters);
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
    if (id !== null) this.show(LibrarySection.album, () => (this.albumId = id));
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
    const at = this.openId ? view.position.get(this.openId) : undefined;
    if (at === undefined) return;
    const next = view.order[at + delta];
    if (next) this.openId = next.id;
  }

  /** Trash/restore takes the asset out of this view: show the next one, or close. */
  private removeFromView(id: AssetId, action: () => void): void {
    const view = this.currentView();
    const at = view.position.get(id);
    const neighbour = at === undefined ? undefined : (view.order[at + 1] ?? view.order[at - 1]);
    action();
    this.openId = neighbour?.id ?? null;
  }

  private readonly onDragEnter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.dragDepth++;
    this.dragging = true;
  };

  private readonly onDragOver = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  };

  private readonly onDragLeave = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this.dragging = false;
  };

  private readonly onDrop = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.dragDepth = 0;
    this.dragging = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) this.imports.importFiles(files);
  };
}

if (!customElements.get('sbx-library-view')) customElements.define('sbx-library-view', LibraryView);
