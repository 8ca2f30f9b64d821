/**
 * The library's top bar: brand, section links (Photos, Favourites, Albums, People, Trash),
 * search, connection pill, Import and the user menu. Below 700 px it is compact: the links
 * move to the bottom bar, search becomes an icon that opens a full-width field, and Import
 * and the menu keep only their icons. Emits events; owns no state but the open menu/search.
 *
 *   <sbx-app-toolbar .section=${'albums'} .status=${status} .pending=${n} .userName=${'Ada'}
 *     @sbx-navigate=${(e) => router.go(e.detail)} @sbx-import=${pick} @sbx-logout=${logout}></sbx-app-toolbar>
 */
import { LitElement, css, html } from 'lit';
import { ConnectionStatus } from '../domain/sync/connection-status.js';
import { RouteView } from '../router/route.js';
import { icons } from './icons.js';
import { NAV_ITEMS, navLinks, navigate } from './nav-items.js';
import { buttonStyles } from './theme.js';
import './status-pill.js';
import type { IndexProgress } from '../domain/ml/ml-indexer.js'; // issue 6
import './ml-indicator.js'; // issue 6

export class AppToolbar extends LitElement {
  static override properties = {
    status: { type: String },
    pending: { type: Number },
    statusDetail: { type: String },
    userName: { type: String },
    userEmail: { type: String },
    isOwner: { type: Boolean }, // issue 5: admin Jobs page
    menuOpen: { state: true },
    searchOpen: { state: true },
    section: { type: String },
    mlProgress: { attribute: false }, // issue 6
    query: { type: String }, // issue 6
  };
  declare status: ConnectionStatus;
  declare pending: number;
  declare statusDetail: string | null;
  declare userName: string;
  declare userEmail: string;
  declare menuOpen: boolean;
  /** Phone: the search field is open over the bar. */
  declare searchOpen: boolean;
  declare isOwner: boolean; // issue 5: admin Jobs page
  declare section: RouteView;
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
      .nav-link { display: inline-flex; align-items: center; gap: 8px; height: 36px; padding: 0 14px; border-radius: 18px; border: 1px solid var(--sbx-border); color: var(--sbx-text); text-decoration: none; font-size: 14px; font-weight: 500; white-space: nowrap; }
      .nav-link:hover { background: var(--sbx-hover); }
      .nav-link:focus-visible { outline: 2px solid var(--sbx-accent); outline-offset: 2px; }
      .nav-link[aria-current='page'] { background: var(--sbx-accent-soft); border-color: var(--sbx-accent); color: var(--sbx-accent-text); }
      .spacer { flex: 1; }
      .search { display: flex; align-items: center; gap: 8px; height: 38px; padding: 0 14px; margin-left: 8px; border-radius: 19px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); flex: 0 1 360px; min-width: 120px; }
      .search input { all: unset; flex: 1; color: var(--sbx-text); font-size: 14px; min-width: 0; }
      .search-toggle, .search-close { display: none; }
      .user, .btn.primary, sbx-status-pill, .search-toggle { position: relative; flex: none; }
      .avatar { width: 36px; height: 36px; border-radius: 50%; border: none; background: var(--sbx-accent); color: var(--sbx-on-accent); font-weight: 600; font-size: 15px; cursor: pointer; }
      .menu { position: absolute; right: 0; top: 46px; min-width: 220px; max-width: calc(100vw - 20px); box-sizing: border-box; background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 12px; padding: 8px; box-shadow: 0 12px 40px rgb(0 0 0 / 0.4); }
      .who { padding: 8px 10px 12px; border-bottom: 1px solid var(--sbx-border); margin-bottom: 6px; }
      .who .name { font-weight: 500; }
      .who .email { color: var(--sbx-text-dim); font-size: 13px; overflow: hidden; text-overflow: ellipsis; }
      .menu .btn { width: 100%; border: none; border-radius: 8px; justify-content: flex-start; }
      /* Recently added and Archive (issue 11) keep only their icons below 1600 px; their names stay accessible. */
      @media (max-width: 1600px) { .nav-link.secondary .label { display: none; } .nav-link.secondary { padding: 0 10px; } }
      @media (max-width: 1400px) { .brand span { display: none; } .brand { margin-right: 0; } header { gap: 8px; } nav .label { display: none; } .nav-link { padding: 0 10px; } }
      @media (max-width: 1100px) {
        nav .label, .btn.primary .label { display: none; }
        .nav-link { padding: 0 10px; }
        .btn.primary { width: 40px; padding: 0; justify-content: center; }
        .search { min-width: 140px; flex: 1 1 auto; }
        /* The pill keeps its coloured dot; its words stay in the tooltip. */
        sbx-status-pill { max-width: 28px; overflow: hidden; border-radius: 14px; }
      }
      /* Indexing progress also shows on the People page; the bar keeps room for search. */
      @media (max-width: 900px) { sbx-ml-indicator { display: none; } }
      @media (max-width: 700px) {
        header { gap: 4px; padding: 0 8px 0 12px; height: 56px; }
        nav { display: none; }
        .label { display: none; }
        .search-toggle { display: inline-grid; }
        .search { display: none; }
        header.searching .search { display: flex; position: absolute; inset: 9px 8px; margin: 0; flex: none; z-index: 1; }
        header.searching .search-close { display: inline-grid; width: 32px; height: 32px; color: var(--sbx-text-dim); }
      }
    `,
  ];

  constructor() {
    super();
    this.status = ConnectionStatus.offline;
    this.pending = 0;
    this.statusDetail = null;
    this.userName = '';
    this.userEmail = '';
    this.menuOpen = false;
    this.searchOpen = false;
    this.isOwner = false; // issue 5: admin Jobs page
    this.section = RouteView.timeline;
    this.mlProgress = null;
    this.query = '';
  }

  override render() {
    return html`<header data-testid="toolbar" class=${this.searchOpen ? 'searching' : ''}>
      <a class="brand" data-testid="app-name" href="/" aria-label="Shoebox" @click=${(e: Event) => { e.preventDefault(); navigate(this, { view: RouteView.timeline, at: null, photo: null }); }}>${icons.photos}<span>Shoebox</span></a>
      <nav aria-label="Sections">${navLinks(this.section, 'nav')}</nav>
      <form class="search" role="search" @submit=${this.onSearch}>
        ${icons.search}<input type="search" data-testid="search-input" placeholder="Search photos" aria-label="Search photos" .value=${this.query} @focus=${() => this.emit('sbx-search-focus', null)} />
        <button type="button" class="icon-btn search-close" aria-label="Close search" @click=${() => (this.searchOpen = false)}>${icons.close}</button>
      </form>
      <div class="spacer"></div>
      <button class="icon-btn search-toggle" aria-label="Search" data-testid="search-toggle" @click=${this.openSearch}>${icons.search}</button>
      <sbx-ml-indicator .progress=${this.mlProgress}></sbx-ml-indicator>
      <sbx-status-pill .status=${this.status} .pending=${this.pending} .detail=${this.statusDetail}></sbx-status-pill>
      <button class="btn primary" data-testid="import-button" aria-label="Import" @click=${() => this.emit('sbx-import', null)}>
        ${icons.upload}<span class="label">Import</span>
      </button>
      <div class="user">
        <button class="avatar" data-testid="user-menu" aria-label="Account" aria-haspopup="true" aria-expanded=${this.menuOpen} @click=${() => (this.menuOpen = !this.menuOpen)}>
          ${(this.userName || this.userEmail || '?').slice(0, 1).toUpperCase()}
        </button>
        ${this.menuOpen
          ? html`<div class="menu" role="menu" data-testid="user-menu-panel">
              <div class="who"><div class="name">${this.userName}</div><div class="email">${this.userEmail}</div></div>
              ${this.isOwner /* issue 5: admin Jobs page */
                ? html`<button class="btn" role="menuitem" data-testid="admin-jobs-button" @click=${() => { this.menuOpen = false; navigate(this, { view: RouteView.adminJobs, photo: null }); }}>${icons.info} Jobs</button>`
                : null}
              ${this.isOwner /* issue 13: Users page */
                ? html`<button class="btn" role="menuitem" @click=${() => { this.menuOpen = false; navigate(this, { view: RouteView.adminUsers, photo: null }); }}>${icons.people} Users</button>`
                : null}
              ${NAV_ITEMS.filter((item) => item.secondary === true).map(
                (item) => html`<button class="btn" role="menuitem" data-testid="menu-${item.id}" @click=${() => { this.menuOpen = false; navigate(this, item.route); }}>${item.icon} ${item.label}</button>`,
              )}
              <button class="btn" role="menuitem" @click=${() => { this.menuOpen = false; navigate(this, { view: RouteView.account, photo: null }); }}>${icons.info} Account settings</button>
              <button class="btn" role="menuitem" data-testid="logout-button" @click=${() => { this.menuOpen = false; this.emit('sbx-logout', null); }}>${icons.logout} Log out</button>
            </div>`
          : null}
      </div>
    </header>`;
  }

  private readonly openSearch = async (): Promise<void> => {
    this.searchOpen = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[type=search]')?.focus();
  };

  private readonly onSearch = (e: Event): void => {
    e.preventDefault();
    this.searchOpen = false;
    this.emit('sbx-search', (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement).value);
  };

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-app-toolbar')) customElements.define('sbx-app-toolbar', AppToolbar);
