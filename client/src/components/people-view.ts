/**
 * The People page: one tile per person found in the library's faces (a round face crop, the
 * name or "Add a name", the number of photos), most photos first. Hidden people are left out
 * unless "Show hidden" is on (then they show dimmed). Clicking a tile opens the person. Emits
 * events; the ML controller owns the people.
 * Test ids: `people-view`, `people-empty`, `people-show-hidden` (aria-pressed), `person-tile` (data-person-id,
 * data-hidden), `person-tile-name`, `person-tile-count`.
 *
 *   <sbx-people-view .people=${ml.people({ hidden: show })} .showHidden=${show} .progress=${ml.progress}
 *     @sbx-person=${(e) => openPerson(e.detail)} @sbx-show-hidden=${(e) => (show = e.detail)}></sbx-people-view>
 */
import { LitElement, css, html } from 'lit';
import type { IndexProgress } from '../domain/ml/ml-indexer.js';
import type { PersonCluster } from '../domain/ml/people-index.js';
import { buttonStyles } from './theme.js';
import './face-crop.js';

export class PeopleView extends LitElement {
  static override properties = { people: { attribute: false }, progress: { attribute: false }, showHidden: { attribute: false } };
  declare people: readonly PersonCluster[];
  declare showHidden: boolean;
  declare progress: IndexProgress | null;

  static override styles = [buttonStyles, css`
    :host { display: block; padding: 24px 20px; }
    .head { display: flex; align-items: center; justify-content: space-between; margin: 0 0 20px; }
    h1 { font-size: 22px; font-weight: 500; margin: 0; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 24px 16px; }
    .tile { all: unset; cursor: pointer; display: flex; flex-direction: column; align-items: center; gap: 8px; padding: 8px; border-radius: 12px; }
    .tile:hover { background: var(--sbx-hover); }
    .tile:focus-visible { outline: 2px solid var(--sbx-accent); }
    .tile.hidden { opacity: 0.45; }
    sbx-face-crop { width: 120px; }
    .name { font-weight: 500; text-align: center; }
    .name.unnamed { color: var(--sbx-text-dim); font-weight: 400; }
    .count { color: var(--sbx-text-dim); font-size: 13px; }
    .empty { color: var(--sbx-text-dim); padding: 48px 0; text-align: center; }
  `];

  constructor() {
    super();
    this.people = [];
    this.progress = null;
    this.showHidden = false;
  }

  override render() {
    return html`<section data-testid="people-view">
      <div class="head"><h1>People</h1>
        <button class="btn" data-testid="people-show-hidden" aria-pressed=${this.showHidden} @click=${() => this.dispatchEvent(new CustomEvent('sbx-show-hidden', { detail: !this.showHidden, bubbles: true, composed: true }))}>Show hidden people</button></div>
      ${this.people.length === 0
        ? html`<p class="empty" data-testid="people-empty">${this.progress && this.progress.status !== 'done' ? 'Looking for faces in your photos…' : 'No people yet. People appear once a face has been seen in a few photos.'}</p>`
        : html`<div class="grid">
            ${this.people.map(
              (p) => html`<button class="tile ${p.hidden ? 'hidden' : ''}" data-testid="person-tile" data-person-id=${p.id} data-hidden=${p.hidden} @click=${() => this.dispatchEvent(new CustomEvent('sbx-person', { detail: p.id, bubbles: true, composed: true }))}>
                <sbx-face-crop .face=${p.cover}></sbx-face-crop>
                <span class="name ${p.name ? '' : 'unnamed'}" data-testid="person-tile-name">${p.name || 'Add a name'}</span>
                <span class="count" data-testid="person-tile-count">${p.assets.length} ${p.assets.length === 1 ? 'photo' : 'photos'}</span>
              </button>`,
            )}
          </div>`}
    </section>`;
  }
}

if (!customElements.get('sbx-people-view')) customElements.define('sbx-people-view', PeopleView);
