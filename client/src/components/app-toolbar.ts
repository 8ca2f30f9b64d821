/**
 * The library's top bar: brand, view switch (Photos / Favourites / Trash), connection pill,
 * Import button and the user menu with logout. Emits events; owns no state.
 *
 *   <sbx-app-toolbar .filter=${'all'} .status=${status} .pending=${n} .userName=${'Ada'}
 *     @sbx-filter=${(e) => (this.filter = e.detail)} @sbx-import=${pick} @sbx-logout=${logout}></sbx-app-toolbar>
 */
import { LitElement, css, html, nothing } from 'lit';
import { TimelineFilter } from '../domain/catalog/timeline-index.js';
import { ConnectionStatus } from '../domain/sync/connection-status.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './status-pill.js';
import type { IndexProgress } from '../domain/ml/ml-indexer.js'; // issue 6
import './ml-indicator.js'; // issue 6

export class AppToolbar extends LitElement {
  static override properties = {
    filter: { type: String },
    status: { type: String },
    pending: { type: Number },
    statusDetail: { type: String },
    userName: { type: String },
    userEmail: { type: String },
    isOwner: { type: Boolean }, // issue 5: admin Jobs page
    menuOpen: { state: true },
    section: { type: String }, // issue 6: 'timeline' | 'people' | 'search'
    mlProgress: { attribute: false }, // issue 6
    query: { type: String }, // issue 6
  };
  declare filter: TimelineFilter;
  declare status: ConnectionStatus;
  declare pending: number;
  declare statusDetail: string | null;
  declare userName: string;
  declare userEmail: string;
  declare menuOpen: boolean;
  declare isOwner: boolean; // issue 5: admin Jobs page
  declare section: string; // issue 6
  declare mlProgress: IndexProgress | null; // issue 6
  declare query: string; // issue 6

  static override styles = [
    buttonStyles,
    css`
      :host { position: sticky; top: 0; z-index: 10; display: block; background: color-mix(in srgb, var(--sbx-bg) 88%, transparent); backdrop-filter: blur(12px); border-bottom: 1px solid var(--sbx-border); }
      header { display: flex; align-items: center; gap: 12px; height: 64px; padding: 0 20px; }
      .brand { display: flex; align-items: center; gap: 8px; font-size: 20px; font-weight: 600; color: var(--sbx-text); margin-right: 12px; }
      .brand svg { width: 26px; height: 26px; color: var(--sbx-accent); }
      nav { display: flex; gap: 6px; }
      .spacer { flex: 1; }
      .search { display: flex; align-items: center; gap: 8px; height: 38px; padding: 0 14px; margin-left: 8px; border-radius: 19px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); flex: 0 1 360px; min-width: 120px; }
      .search input { all: unset; flex: 1; color: var(--sbx-text); font-size: 14px; min-width: 0; }
      .user { position: relative; }
      .avatar { width: 36px; height: 36px; border-radius: 50%; border: none; background: var(--sbx-accent); color: var(--sbx-on-accent); font-weight: 600; font-size: 15px; cursor: pointer; }
      .menu { position: absolute; right: 0; top: 46px; min-width: 220px; background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 12px; padding: 8px; box-shadow: 0 12px 40px rgb(0 0 0 / 0.4); }
      .who { padding: 8px 10px 12px; border-bottom: 1px solid var(--sbx-border); margin-bottom: 6px; }
      .who .name { font-weight: 500; }
      .who .email { color: var(--sbx-text-dim); font-size: 13px; }
      .menu .btn { width: 100%; border: none; border-radius: 8px; justify-content: flex-start; }
      @media (max-width: 1400px) { .brand span { display: none; } .brand { margin-right: 0; } header { gap: 8px; } }
      @media (max-width: 720px) { .brand span, .label { display: none; } header { gap: 6px; padding: 0 10px; } }
    `,
  ];

  constructor() {
    super();
    this.filter = TimelineFilter.all;
    this.status = ConnectionStatus.offline;
    this.pending = 0;
    this.statusDetail = null;
    this.userName = '';
    this.userEmail = '';
    this.menuOpen = false;
    this.isOwner = false; // issue 5: admin Jobs page
    this.section = 'timeline'; // issue 6
    this.mlProgress = null;
    this.query = '';
  }

  override render() {
    const tab = (filter: TimelineFilter, label: string, icon: unknown, testid: string) =>
      html`<button class="btn" aria-pressed=${this.section === 'timeline' && this.filter === filter} aria-label=${label} data-testid=${testid} @click=${() => this.emit('sbx-filter', filter)}>
        ${icon}<span class="label">${label}</span>
      </button>`;
    return html`<header data-testid="toolbar">
      <div class="brand" data-testid="app-name">${icons.photos}<span>Shoebox</span></div>
      <nav>
        ${tab(TimelineFilter.all, 'Photos', icons.image, 'nav-photos')}
        ${tab(TimelineFilter.favorites, 'Favourites', icons.heartOutline, 'nav-favorites')}
        ${tab(TimelineFilter.recent, 'Recently added', icons.upload, 'nav-recent')}
        ${tab(TimelineFilter.archive, 'Archive', icons.photos, 'nav-archive')}
        ${tab(TimelineFilter.trash, 'Trash', icons.trash, 'nav-trash')}
        ${this.section === 'timeline' && this.filter === TimelineFilter.trash /* issue 11 */
          ? html`<button class="btn" data-testid="empty-trash" aria-label="Empty trash" @click=${() => this.emit('sbx-empty-trash', null)}>${icons.close}<span class="label">Empty trash</span></button>`
          : nothing}
        <button class="btn" aria-pressed=${this.section === 'albums'} data-testid="nav-albums" @click=${() => this.emit('sbx-albums', null)}>${icons.album}<span class="label">Albums</span></button>
        <button class="btn" aria-pressed=${this.section === 'people'} data-testid="nav-people" @click=${() => this.emit('sbx-people', null)}>${icons.people}<span class="label">People</span></button>
      </nav>
      <form class="search" role="search" @submit=${(e: Event) => { e.preventDefault(); this.emit('sbx-search', (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement).value); }}>
        ${icons.search}<input type="search" data-testid="search-input" placeholder="Search photos" aria-label="Search photos" .value=${this.query} @focus=${() => this.emit('sbx-search-focus', null)} />
      </form>
      <div class="spacer"></div>
      <sbx-ml-indicator .progress=${this.mlProgress}></sbx-ml-indicator>
      <sbx-status-pill .status=${this.status} .pending=${this.pending} .detail=${this.statusDetail}></sbx-status-pill>
      <button class="btn primary" data-testid="import-button" @click=${() => this.emit('sbx-import', null)}>
        ${icons.upload}<span class="label">Import</span>
      </button>
      <div class="user">
        <button class="avatar" data-testid="user-menu" aria-haspopup="true" aria-expanded=${this.menuOpen} @click=${() => (this.menuOpen = !this.menuOpen)}>
          ${(this.userName || this.userEmail || '?').slice(0, 1).toUpperCase()}
        </button>
        ${this.menuOpen
          ? html`<div class="menu" role="menu" data-testid="user-menu-panel">
              <div class="who"><div class="name">${this.userName}</div><div class="email">${this.userEmail}</div></div>
              ${this.isOwner /* issue 5: admin Jobs page */
                ? html`<button class="btn" role="menuitem" data-testid="admin-jobs-button" @click=${() => { this.menuOpen = false; this.emit('sbx-admin-jobs', null); }}>${icons.info} Jobs</button>`
                : null}
              <button class="btn" role="menuitem" data-testid="logout-button" @click=${() => { this.menuOpen = false; this.emit('sbx-logout', null); }}>${icons.logout} Log out</button>
            </div>`
          : null}
      </div>
    </header>`;
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-app-toolbar')) customElements.define('sbx-app-toolbar', AppToolbar);
