/**
 * One person's page: back to People, the face, a name field (Enter or Save writes the name into
 * the catalog, synced to every device), Immich's person actions — "Merge with…" (pick another
 * person; their faces join this one), Hide/Unhide, "Faces" (each face with Remove and Move to…)
 * — and their photos in the timeline grid; a photo opens the viewer. Emits events; the ML
 * controller owns the people.
 * Test ids: `person-view`, `person-back`, `person-name-input`, `person-name-save`, `person-count`,
 * `person-hidden-badge`, `person-merge`, `merge-panel`, `merge-candidate` (data-person-id), `merge-cancel`,
 * `person-hide`, `person-faces-toggle`, `person-face` (data-face-key), `person-face-remove`, `person-face-move`.
 *
 *   <sbx-person-view .person=${cluster} .people=${ml.people({ hidden: true })} .view=${listView(assets)}
 *     @sbx-name=${(e) => ml.namePerson(cluster.id, e.detail)} @sbx-merge=${(e) => ml.mergePeople(e.detail, cluster.id)}></sbx-person-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { TimelineView } from '../domain/catalog/timeline-index.js';
import type { PersonCluster } from '../domain/ml/people-index.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';
import './face-crop.js';
import './timeline-view.js';

const label = (p: PersonCluster): string => `${p.name || 'Unnamed'} · ${p.assets.length} ${p.assets.length === 1 ? 'photo' : 'photos'}`;

export class PersonView extends LitElement {
  static override properties = {
    person: { attribute: false },
    people: { attribute: false },
    view: { attribute: false },
   
    merging: { state: true },
    showFaces: { state: true },
  };
  declare person: PersonCluster | undefined;
  /** Every person (hidden ones included): merge candidates and face destinations. */
  declare people: readonly PersonCluster[];
  declare view: TimelineView | undefined;
  declare merging: boolean;
  declare showFaces: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 16px; padding: 20px 20px 8px; }
      header sbx-face-crop { width: 64px; }
      input { font: inherit; font-size: 20px; background: transparent; color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 6px 10px; min-width: 240px; }
      input:focus { outline: 2px solid var(--sbx-accent); }
      .count { color: var(--sbx-text-dim); }
      .badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); }
      .actions { display: flex; gap: 8px; margin-left: auto; }
      .panel { margin: 8px 20px 12px; padding: 12px 16px; border: 1px solid var(--sbx-border); border-radius: 12px; background: var(--sbx-surface-2); }
      .panel h2 { font-size: 15px; font-weight: 500; margin: 0 0 10px; display: flex; justify-content: space-between; align-items: center; }
      .strip { display: flex; flex-wrap: wrap; gap: 14px; }
      .candidate { all: unset; cursor: pointer; display: flex; flex-direction: column; align-items: center; gap: 6px; padding: 6px; border-radius: 10px; width: 96px; text-align: center; font-size: 13px; }
      .candidate:hover { background: var(--sbx-hover); }
      .candidate:focus-visible { outline: 2px solid var(--sbx-accent); }
      .candidate sbx-face-crop, .face sbx-face-crop { width: 72px; }
      .face { display: flex; flex-direction: column; align-items: center; gap: 6px; width: 132px; font-size: 13px; }
      .face select { font: inherit; font-size: 12px; max-width: 132px; background: var(--sbx-surface); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 6px; padding: 2px 4px; }
      .face .btn { padding: 2px 10px; font-size: 12px; height: auto; }
      .empty { color: var(--sbx-text-dim); }
    `,
  ];

  constructor() {
    super();
    this.person = undefined;
    this.people = [];
    this.view = undefined;
    this.merging = false;
    this.showFaces = false;
  }

  override render() {
    const p = this.person;
    if (!p) return html`<section data-testid="person-view"><header><button class="icon-btn" data-testid="person-back" title="People" @click=${() => this.emit('sbx-back', null)}>${icons.back}</button> This person is gone.</header></section>`;
    const others = this.people.filter((o) => o.id !== p.id);
    return html`<section data-testid="person-view" data-person-id=${p.id}>
      <header>
        <button class="icon-btn" data-testid="person-back" title="People" @click=${() => this.emit('sbx-back', null)}>${icons.back}</button>
        <sbx-face-crop .face=${p.cover}></sbx-face-crop>
        <input data-testid="person-name-input" placeholder="Add a name" .value=${p.name} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.save()} />
        <button class="btn" data-testid="person-name-save" @click=${() => this.save()}>Save</button>
        <span class="count" data-testid="person-count">${p.assets.length} ${p.assets.length === 1 ? 'photo' : 'photos'}</span>
        ${p.hidden ? html`<span class="badge" data-testid="person-hidden-badge">Hidden</span>` : nothing}
        <span class="actions">
          <button class="btn" data-testid="person-merge" aria-pressed=${this.merging} ?disabled=${others.length === 0} @click=${() => (this.merging = !this.merging)}>Merge with…</button>
          <button class="btn" data-testid="person-faces-toggle" aria-pressed=${this.showFaces} @click=${() => (this.showFaces = !this.showFaces)}>Faces (${p.faces.length})</button>
          <button class="btn" data-testid="person-hide" @click=${() => this.emit('sbx-hide', !p.hidden)}>${p.hidden ? 'Unhide' : 'Hide'}</button>
        </span>
      </header>
      ${this.merging ? this.renderMerge(p, others) : nothing}
      ${this.showFaces ? this.renderFaces(p, others) : nothing}
      ${this.view ? html`<sbx-timeline-view .view=${this.view} .loaded=${true}></sbx-timeline-view>` : nothing}
    </section>`;
  }

  private renderMerge(p: PersonCluster, others: readonly PersonCluster[]) {
    return html`<div class="panel" data-testid="merge-panel">
      <h2>Choose who to merge into ${p.name || 'this person'} <button class="btn" data-testid="merge-cancel" @click=${() => (this.merging = false)}>Cancel</button></h2>
      <div class="strip">
        ${others.map(
          (o) => html`<button class="candidate" data-testid="merge-candidate" data-person-id=${o.id} title=${label(o)}
            @click=${() => { this.merging = false; this.emit('sbx-merge', o.id); }}>
            <sbx-face-crop .face=${o.cover}></sbx-face-crop><span>${o.name || 'Unnamed'}</span><span class="count">${o.assets.length} ${o.assets.length === 1 ? 'photo' : 'photos'}</span>
          </button>`,
        )}
      </div>
    </div>`;
  }

  private renderFaces(p: PersonCluster, others: readonly PersonCluster[]) {
    return html`<div class="panel" data-testid="person-faces">
      <h2>Faces of ${p.name || 'this person'}</h2>
      <div class="strip">
        ${p.faces.map(
          (face) => html`<div class="face" data-testid="person-face" data-face-key=${face.key}>
            <sbx-face-crop .face=${face}></sbx-face-crop>
            <button class="btn" data-testid="person-face-remove" title="Not this person" @click=${() => this.emit('sbx-remove-face', face.key)}>Remove</button>
            <select data-testid="person-face-move" aria-label="Move this face to" @change=${(e: Event) => this.move(face.key, e.currentTarget as HTMLSelectElement)}>
              <option value="">Move to…</option>
              ${others.map((o) => html`<option value=${o.id}>${label(o)}</option>`)}
            </select>
          </div>`,
        )}
      </div>
    </div>`;
  }

  private move(face: string, select: HTMLSelectElement): void {
    const to = select.value;
    select.value = '';
    if (to !== '') this.emit('sbx-move-face', { face, to });
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
