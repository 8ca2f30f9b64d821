/**
 * "On this day" above the timeline (Immich's memories lane): one card per earlier year with
 * photos taken on today's month and day, newest year first, each with a cover thumbnail and its
 * count. The memories are computed in an idle callback (MemoriesController), never while
 * rendering; nothing is shown when there are none. A card opens the viewer on that year's first
 * photo of the day (`sbx-open`, bubbling); the viewer then steps through the day in the timeline.
 *
 *   <sbx-memories-strip .view=${catalog.view(TimelineFilter.all)}></sbx-memories-strip>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { CatalogAsset } from '../../../protocol/src/index.js';
import { consumeThumbStore } from '../context/services.js';
import { MemoriesController } from '../controllers/memories-controller.js';
import { ThumbController } from '../controllers/thumb-controller.js';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import type { ViewMemory } from '../domain/memories/memories-of-view.js';
import { icons } from './icons.js';

const yearsAgo = (n: number): string => (n === 1 ? '1 year ago' : `${n} years ago`);
const photos = (n: number): string => (n === 1 ? '1 photo' : `${n} photos`);

export class MemoriesStrip extends LitElement {
  static override properties = { view: { attribute: false } };
  declare view: TimelineView | undefined;

  static override styles = css`
    :host { display: block; padding: 20px 72px 0 24px; }
    :host([hidden]) { display: none; }
    @media (max-width: 700px) { :host { padding: 8px 36px 0 8px; } }
    .lane { display: flex; gap: 12px; overflow-x: auto; padding-bottom: 4px; scrollbar-width: thin; }
  `;

  private readonly memories = new MemoriesController(this, () => this.view);

  constructor() {
    super();
    this.view = undefined;
  }

  protected override willUpdate(): void {
    this.hidden = this.memories.value.length === 0;
  }

  override render() {
    const memories = this.memories.value;
    if (memories.length === 0) return nothing;
    return html`<section class="lane" aria-label="On this day" data-testid="memories-strip">
      ${memories.map((m) => html`<sbx-memory-card .memory=${m}></sbx-memory-card>`)}
    </section>`;
  }
}

export class MemoryCard extends LitElement {
  static override properties = { memory: { attribute: false } };
  declare memory: ViewMemory | undefined;

  static override styles = css`
    :host { flex: none; }
    button { all: unset; box-sizing: border-box; display: block; position: relative; width: 150px; height: 200px; border-radius: 12px; overflow: hidden; cursor: pointer; background: var(--sbx-surface-2); }
    button:focus-visible { outline: 3px solid var(--sbx-accent); outline-offset: 2px; }
    img { width: 100%; height: 100%; object-fit: cover; display: block; transition: filter 0.2s; }
    button:hover img { filter: brightness(0.85); }
    .placeholder { width: 100%; height: 100%; display: grid; place-items: center; color: var(--sbx-text-faint); }
    .placeholder svg { width: 32px; height: 32px; fill: currentColor; }
    .label { position: absolute; inset: auto 0 0 0; padding: 24px 12px 10px; color: white; background: linear-gradient(transparent, rgb(0 0 0 / 0.6)); }
    .label strong { display: block; font-size: 15px; font-weight: 500; }
    .label span { font-size: 12px; opacity: 0.85; }
  `;

  private readonly thumbs = consumeThumbStore(this);
  private readonly thumb = new ThumbController(this, () => [this.thumbs.value ?? null, this.cover?.hash] as const);

  constructor() {
    super();
    this.memory = undefined;
  }

  private get cover(): CatalogAsset | undefined {
    return this.memory?.assets[0];
  }

  override render() {
    const memory = this.memory;
    const cover = this.cover;
    if (!memory || !cover) return nothing;
    const label = `On this day, ${yearsAgo(memory.yearsAgo)}, ${photos(memory.count)}`;
    return html`<button data-testid="memory-card" data-year=${memory.year} aria-label=${label}
        @click=${() => this.dispatchEvent(new CustomEvent('sbx-open', { detail: cover.id, bubbles: true, composed: true }))}>
      ${this.thumb.url
        ? html`<img src=${this.thumb.url} alt="" decoding="async" draggable="false" @error=${() => this.thumb.failed()} />`
        : html`<div class="placeholder">${icons.image}</div>`}
      <div class="label" aria-hidden="true"><strong>${yearsAgo(memory.yearsAgo)}</strong><span>${photos(memory.count)}</span></div>
    </button>`;
  }
}

if (!customElements.get('sbx-memories-strip')) customElements.define('sbx-memories-strip', MemoriesStrip);
if (!customElements.get('sbx-memory-card')) customElements.define('sbx-memory-card', MemoryCard);
