/**
 * The bar that replaces the toolbar while photos are selected: clear (✕ or Esc), the count, and
 * the actions — Add to album, Favourite, Move to trash — plus, on an album page, Set as cover
 * (one photo) and Remove from album. Emits `sbx-selection-action` with the action; owns no state.
 * Test ids: `selection-bar` (data-count), `selection-clear`, `selection-count`, `selection-<action>`.
 *
 *   <sbx-selection-bar .count=${3} .inAlbum=${true} @sbx-selection-action=${(e) => act(e.detail)}></sbx-selection-bar>
 */
import { LitElement, css, html, nothing } from 'lit';
import { SelectionAction } from '../domain/albums/selection.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';


export class SelectionBar extends LitElement {
  static override properties = { count: { type: Number }, inAlbum: { type: Boolean } };
  declare count: number;
  declare inAlbum: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { position: fixed; inset: 0 0 auto 0; z-index: 20; display: block; background: var(--sbx-surface); border-bottom: 1px solid var(--sbx-border); box-shadow: 0 4px 20px rgb(0 0 0 / 0.3); }
      .bar { display: flex; align-items: center; gap: 8px; height: 64px; padding: 0 20px; }
      .count { font-size: 17px; font-weight: 500; margin-left: 6px; }
      .spacer { flex: 1; }
      @media (max-width: 720px) { .label { display: none; } .bar { gap: 4px; padding: 0 8px; } .btn { padding: 0 10px; } }
    `,
  ];

  constructor() {
    super();
    this.count = 0;
    this.inAlbum = false;
  }

  override render() {
    const action = (what: SelectionAction, label: string, icon: unknown) =>
      html`<button class="btn" data-testid="selection-${what}" aria-label=${label} @click=${() => this.emit(what)}>${icon}<span class="label">${label}</span></button>`;
    return html`<div class="bar" data-testid="selection-bar" data-count=${this.count}>
      <button class="icon-btn" data-testid="selection-clear" title="Clear selection (Esc)" @click=${() => this.emit(SelectionAction.clear)}>${icons.close}</button>
      <span class="count" data-testid="selection-count">${this.count} selected</span>
      <span class="spacer"></span>
      ${action(SelectionAction.addToAlbum, 'Add to album', icons.album)}
      ${action(SelectionAction.favorite, 'Favourite', icons.heartOutline)}
      ${this.inAlbum && this.count === 1 ? action(SelectionAction.setCover, 'Set as cover', icons.image) : nothing}
      ${this.inAlbum ? action(SelectionAction.removeFromAlbum, 'Remove from album', icons.close) : nothing}
      ${action(SelectionAction.trash, 'Move to trash', icons.trash)}
    </div>`;
  }

  private emit(action: SelectionAction): void {
    this.dispatchEvent(new CustomEvent('sbx-selection-action', { detail: action, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-selection-bar')) customElements.define('sbx-selection-bar', SelectionBar);
