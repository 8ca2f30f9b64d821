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
import { TimelineFilter } from '../domain/catalog/timeline-index.js';
import type { LibrarySession } from '../domain/library-session.js';
import './admin-jobs-view.js'; // issue 5: admin Jobs page
import './app-toolbar.js';
import './asset-viewer.js';
import './drop-overlay.js';
import './import-panel.js';
import './timeline-view.js';

const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;

export class LibraryView extends LitElement {
  static override properties = {
    library: { attribute: false },
    filter: { state: true },
    openId: { state: true },
    dragging: { state: true },
    adminJobs: { state: true }, // issue 5: admin Jobs page
  };
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
  private dragDepth = 0;

  constructor() {
    super();
    this.library = null;
    this.filter = TimelineFilter.all;
    this.openId = null;
    this.dragging = false;
    this.adminJobs = false; // issue 5: admin Jobs page
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
    const view = this.catalog.view(this.filter);
    const user = this.library?.session.user;
    const open = this.openId ? this.catalog.get(this.openId) : undefined;
    const at = open ? view.position.get(open.id) : undefined;
    const showPanel = this.imports.items.length > 0 || this.imports.interrupted > 0;
    return html`
      <sbx-app-toolbar
        .filter=${this.filter}
        .status=${this.connection.status}
        .pending=${this.connection.pending}
        .statusDetail=${this.connection.lastError}
        .userName=${user?.name ?? ''}
        .userEmail=${user?.email ?? ''}
        @sbx-filter=${(e: CustomEvent<TimelineFilter>) => (this.filter = e.detail)}
        @sbx-import=${this.pickFiles}
        .isOwner=${user?.isOwner ?? false}
        @sbx-admin-jobs=${() => (this.adminJobs = true)}
      ></sbx-app-toolbar>
      ${this.adminJobs /* issue 5: admin Jobs page, shown in place of the timeline */
        ? html`<sbx-admin-jobs-view .token=${this.library?.session.token ?? null} @sbx-close=${() => (this.adminJobs = false)}></sbx-admin-jobs-view>`
        : nothing}
      <main data-testid="library" ?hidden=${this.adminJobs}>
        <sbx-timeline-view
          .view=${view}
          .thumbs=${this.library?.thumbs ?? null}
          .loaded=${this.catalog.loaded}
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
            @sbx-close=${() => (this.openId = null)}
            @sbx-prev=${() => this.step(-1)}
            @sbx-next=${() => this.step(1)}
            @sbx-favorite=${(e: CustomEvent<AssetId>) => this.catalog.toggleFavorite(e.detail)}
            @sbx-trash=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.trash(e.detail))}
            @sbx-restore=${(e: CustomEvent<AssetId>) => this.removeFromView(e.detail, () => this.catalog.restore(e.detail))}
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
    `;
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
    const view = this.catalog.view(this.filter);
    const at = this.openId ? view.position.get(this.openId) : undefined;
    if (at === undefined) return;
    const next = view.order[at + delta];
    if (next) this.openId = next.id;
  }

  /** Trash/restore takes the asset out of this view: show the next one, or close. */
  private removeFromView(id: AssetId, action: () => void): void {
    const view = this.catalog.view(this.filter);
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
