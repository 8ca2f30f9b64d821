/**
 * One person's page: back to People, the face, a name field (Enter or Save writes the name into
 * the catalog, synced to every device) and their photos in the timeline grid; a photo opens the viewer.
 * Test ids: `person-view`, `person-back`, `person-name-input`, `person-name-save`, `person-count`.
 *
 *   <sbx-person-view .person=${cluster} .view=${listView(assets)} .thumbs=${thumbs}
 *     @sbx-name=${(e) => ml.namePerson(cluster.id, e.detail)} @sbx-back=${back} @sbx-open=${open}></sbx-person-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import type { PersonCluster } from '../domain/ml/people-index.js';
import type { ThumbStore } from '../domain/storage/thumb-store.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './face-crop.js';
import './timeline-view.js';

export class PersonView extends LitElement {
  static override properties = { person: { attribute: false }, view: { attribute: false }, thumbs: { attribute: false } };
  declare person: PersonCluster | undefined;
  declare view: TimelineView | undefined;
  declare thumbs: ThumbStore | null;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; }
      header { display: flex; align-items: center; gap: 16px; padding: 20px 20px 8px; }
      sbx-face-crop { width: 64px; }
      input { font: inherit; font-size: 20px; background: transparent; color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 6px 10px; min-width: 240px; }
      input:focus { outline: 2px solid var(--sbx-accent); }
      .count { color: var(--sbx-text-dim); }
    `,
  ];

  constructor() {
    super();
    this.person = undefined;
    this.view = undefined;
    this.thumbs = null;
  }

  override render() {
    const p = this.person;
    if (!p) return html`<section data-testid="person-view"><header><button class="icon-btn" data-testid="person-back" title="People" @click=${() => this.emit('sbx-back', null)}>${icons.back}</button> This person is gone.</header></section>`;
    return html`<section data-testid="person-view" data-person-id=${p.id}>
      <header>
        <button class="icon-btn" data-testid="person-back" title="People" @click=${() => this.emit('sbx-back', null)}>${icons.back}</button>
        <sbx-face-crop .face=${p.cover} .thumbs=${this.thumbs}></sbx-face-crop>
        <input data-testid="person-name-input" placeholder="Add a name" .value=${p.name} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.save()} />
        <button class="btn" data-testid="person-name-save" @click=${() => this.save()}>Save</button>
        <span class="count" data-testid="person-count">${p.assets.length} ${p.assets.length === 1 ? 'photo' : 'photos'}</span>
      </header>
      ${this.view ? html`<sbx-timeline-view .view=${this.view} .thumbs=${this.thumbs} .loaded=${true}></sbx-timeline-view>` : nothing}
    </section>`;
  }

  private save(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input');
    if (input) this.emit('sbx-name', input.value);
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-person-view')) customElements.define('sbx-person-view', PersonView);
