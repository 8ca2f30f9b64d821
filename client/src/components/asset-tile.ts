/**
 * One photo or video in the timeline grid: local or server thumbnail (lazy), a placeholder
 * while none exists, favourite heart, video duration badge, and a hover heart button.
 *
 *   <sbx-asset-tile .asset=${asset} @sbx-open=${open}></sbx-asset-tile>
 *   tile.addEventListener('sbx-favorite', (e) => toggle(e.detail))
 */
import { LitElement, css, html, nothing } from 'lit';
import type { CatalogAsset } from '../../../protocol/src/index.js';
import { ThumbController } from '../controllers/thumb-controller.js';
import { formatDuration } from '../domain/catalog/format.js';
import { consumeThumbStore } from '../context/services.js';
import { icons } from './icons.js';

export class AssetTile extends LitElement {
  static override properties = {
    asset: { attribute: false },
    selected: { type: Boolean, reflect: true },
    selecting: { type: Boolean },
    selectable: { type: Boolean },
  };
  declare asset: CatalogAsset | undefined;
  /** Multi-select: this tile is selected; while `selecting`, a click selects instead of opening. */
  declare selected: boolean;
  declare selecting: boolean;
  /** Shows the hover checkbox (only where something handles `sbx-select`). */
  declare selectable: boolean;

  static override styles = css`
    :host { display: block; position: relative; overflow: hidden; background: var(--sbx-surface-2); cursor: pointer; border-radius: 2px; }
    button.open { all: unset; display: block; width: 100%; height: 100%; }
    button.open:focus-visible { outline: 3px solid var(--sbx-accent); outline-offset: -3px; }
    img { width: 100%; height: 100%; object-fit: cover; display: block; transition: transform 0.2s, filter 0.2s; }
    :host(:hover) img { filter: brightness(0.88); }
    .placeholder { width: 100%; height: 100%; display: grid; place-items: center; color: var(--sbx-text-faint); }
    .placeholder svg { width: 32px; height: 32px; fill: currentColor; }
    .shade { position: absolute; inset: 0 0 auto 0; height: 56px; background: linear-gradient(rgb(0 0 0 / 0.45), transparent); opacity: 0; transition: opacity 0.15s; pointer-events: none; }
    :host(:hover) .shade { opacity: 1; }
    .fav-toggle { position: absolute; top: 6px; left: 6px; width: 30px; height: 30px; border-radius: 50%; border: none; display: grid; place-items: center; background: transparent; color: white; cursor: pointer; opacity: 0; transition: opacity 0.15s, background-color 0.15s; }
    .fav-toggle:hover { background: rgb(255 255 255 / 0.2); }
    :host(:hover) .fav-toggle, .fav-toggle:focus-visible { opacity: 1; }
    .badge { position: absolute; display: flex; align-items: center; gap: 3px; color: white; font-size: 12px; font-weight: 500; text-shadow: 0 1px 3px rgb(0 0 0 / 0.7); pointer-events: none; }
    .badge.fav { left: 8px; bottom: 6px; }
    .badge.duration { right: 8px; top: 6px; }
    .select { position: absolute; top: 6px; right: 6px; width: 26px; height: 26px; border-radius: 50%; border: 2px solid white; padding: 0; display: grid; place-items: center; background: rgb(0 0 0 / 0.2); color: white; cursor: pointer; opacity: 0; transition: opacity 0.15s; }
    :host(:hover) .select, :host([selected]) .select, .select:focus-visible { opacity: 1; }
    :host([selected]) .select { background: var(--sbx-accent); border-color: var(--sbx-accent); }
    :host([selected]) button.open { transform: scale(0.86); border-radius: 6px; overflow: hidden; }
    :host([selected]) { background: color-mix(in srgb, var(--sbx-accent) 22%, var(--sbx-surface-2)); }
    button.open { transition: transform 0.15s; }
    :host([selected]) .badge.duration, :host(:hover) .badge.duration { display: none; }
    svg { width: 18px; height: 18px; fill: currentColor; filter: drop-shadow(0 1px 2px rgb(0 0 0 / 0.6)); }
  `;

  private readonly thumbs = consumeThumbStore(this);
  private readonly thumb = new ThumbController(this, () => [this.thumbs.value ?? null, this.asset?.hash] as const);

  constructor() {
    super();
    this.asset = undefined;
    this.selected = false;
    this.selecting = false;
    this.selectable = false;
  }

  override render() {
    const asset = this.asset;
    if (!asset) return nothing;
    return html`<button class="open" data-testid="asset-tile-open" aria-label=${asset.name} @click=${(e: MouseEvent) => (this.selecting && this.selectable ? this.emitSelect(e) : this.emit('sbx-open'))}>
        ${this.thumb.url
          ? html`<img src=${this.thumb.url} alt="" loading="lazy" decoding="async" draggable="false" data-testid="asset-thumb" @error=${() => this.thumb.failed()} />`
          : html`<div class="placeholder" data-testid="asset-placeholder">${asset.kind === 'video' ? icons.play : icons.image}</div>`}
      </button>
      <div class="shade"></div>
      ${asset.trashedAt === null
        ? html`<button class="fav-toggle" data-testid="tile-favorite" title=${asset.favorite ? 'Unfavourite' : 'Favourite'} aria-pressed=${asset.favorite}
            @click=${(e: Event) => { e.stopPropagation(); this.emit('sbx-favorite'); }}>${asset.favorite ? icons.heart : icons.heartOutline}</button>`
        : nothing}
      ${this.selectable
        ? html`<button class="select" data-testid="tile-select" title=${this.selected ? 'Deselect' : 'Select'} aria-pressed=${this.selected} @click=${this.emitSelect}>${this.selected ? icons.check : nothing}</button>`
        : nothing}
      ${asset.favorite ? html`<span class="badge fav" data-testid="favorite-badge">${icons.heart}</span>` : nothing}
      ${asset.kind === 'video'
        ? html`<span class="badge duration" data-testid="duration-badge">${asset.duration !== null ? formatDuration(asset.duration) : ''}${icons.play}</span>`
        : nothing}`;
  }

  private readonly emitSelect = (event: MouseEvent): void => {
    event.stopPropagation();
    this.dispatchEvent(new CustomEvent('sbx-select', { detail: { id: this.asset?.id, range: event.shiftKey }, bubbles: true, composed: true }));
  };

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail: this.asset?.id, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-asset-tile')) customElements.define('sbx-asset-tile', AssetTile);
