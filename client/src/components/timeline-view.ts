/**
 * The timeline: day groups newest first, or an empty state (a big import prompt for the
 * library, a hint for favourites and trash). Off-screen days skip layout and paint with
 * `content-visibility`, sized from their counts, until a later issue virtualizes fully.
 *
 *   <sbx-timeline-view .view=${catalog.view('all')} .thumbs=${thumbs} .loaded=${true}></sbx-timeline-view>
 *   timeline.addEventListener('sbx-open', (e) => openViewer(e.detail))
 */
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { TimelineFilter, type TimelineView } from '../domain/catalog/timeline-index.js';
import type { ThumbStore } from '../domain/storage/thumb-store.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './day-group.js';

const ROW_HEIGHT = 200;

export class TimelineViewElement extends LitElement {
  static override properties = {
    view: { attribute: false },
    thumbs: { attribute: false },
    loaded: { type: Boolean },
  };
  declare view: TimelineView | undefined;
  declare thumbs: ThumbStore | null;
  declare loaded: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 20px 24px 80px; }
      h1 { font-size: 13px; font-weight: 500; text-transform: uppercase; letter-spacing: 0.08em; color: var(--sbx-text-dim); margin: 4px 0 18px; }
      sbx-day-group { content-visibility: auto; }
      .empty { display: grid; place-items: center; text-align: center; min-height: 60vh; }
      .empty-inner { max-width: 420px; }
      .empty .art { width: 96px; height: 96px; margin: 0 auto 20px; border-radius: 28px; display: grid; place-items: center; background: var(--sbx-accent-soft); color: var(--sbx-accent); }
      .empty .art svg { width: 48px; height: 48px; }
      .empty h2 { font-size: 22px; font-weight: 500; margin: 0 0 8px; }
      .empty p { color: var(--sbx-text-dim); margin: 0 0 24px; line-height: 1.5; }
      .empty .btn.primary { height: 44px; padding: 0 24px; border-radius: 22px; font-size: 15px; }
    `,
  ];

  constructor() {
    super();
    this.view = undefined;
    this.thumbs = null;
    this.loaded = false;
  }

  override render() {
    const view = this.view;
    if (!this.loaded) return html`<div class="empty" data-testid="timeline-loading"></div>`;
    if (!view || view.days.length === 0) return this.renderEmpty(view?.filter ?? TimelineFilter.all);
    const title = view.filter === TimelineFilter.favorites ? 'Favourites' : view.filter === TimelineFilter.trash ? 'Trash' : null;
    return html`<div data-testid="timeline" data-filter=${view.filter} data-count=${view.order.length}>
      ${title ? html`<h1>${title} · ${view.order.length}</h1>` : null}
      ${repeat(
        view.days,
        (d) => d.day,
        (d) => html`<sbx-day-group
          style="contain-intrinsic-size: auto ${Math.ceil(d.assets.length / 5) * (ROW_HEIGHT + 4) + 40}px"
          .bucket=${d}
          .thumbs=${this.thumbs}
          .rowHeight=${ROW_HEIGHT}
        ></sbx-day-group>`,
      )}
    </div>`;
  }

  private renderEmpty(filter: TimelineFilter) {
    if (filter === TimelineFilter.favorites) {
      return html`<div class="empty" data-testid="empty-state" data-filter="favorites"><div class="empty-inner">
        <div class="art">${icons.heartOutline}</div><h2>No favourites yet</h2><p>Tap the heart on a photo to find it here.</p></div></div>`;
    }
    if (filter === TimelineFilter.trash) {
      return html`<div class="empty" data-testid="empty-state" data-filter="trash"><div class="empty-inner">
        <div class="art">${icons.trash}</div><h2>Trash is empty</h2><p>Photos you delete wait here until you restore them.</p></div></div>`;
    }
    return html`<div class="empty" data-testid="empty-state" data-filter="all"><div class="empty-inner">
      <div class="art">${icons.photos}</div>
      <h2>Your library is empty</h2>
      <p>Import photos and videos from this device, or drop them anywhere on this window. They stay available offline on every device you sign in to.</p>
      <button class="btn primary" data-testid="empty-import-button" @click=${() => this.dispatchEvent(new CustomEvent('sbx-import', { bubbles: true, composed: true }))}>
        ${icons.upload} Import photos
      </button>
    </div></div>`;
  }
}

if (!customElements.get('sbx-timeline-view')) customElements.define('sbx-timeline-view', TimelineViewElement);
