/**
 * The bar that replaces the toolbar while photos are selected: clear (✕ or Esc), the count, and
 * the actions — Add to album, Favourite, Archive, Rate, Add tag, Move to trash — plus, on an
 * album page, Set as cover (one photo) and Remove from album; in the Archive, Unarchive; in the
 * Trash, Restore and Delete permanently. Emits `sbx-selection-action` with an album-side action
 * and `sbx-library-action` with a LibraryEdit (bulk-actions.ts); owns no state. Every control
 * has an accessible name (labels hide on phones). Test ids: `selection-bar` (data-count),
 * `selection-clear`, `selection-count`, `selection-<action>`.
 *
 *   <sbx-selection-bar .count=${3} .context=${'trash'} @sbx-library-action=${(e) => apply(e.detail)}></sbx-selection-bar>
 */
import { LitElement, css, html, nothing } from 'lit';
import { SelectionAction } from '../domain/albums/selection.js';
import { LibraryAction, type LibraryEdit } from '../domain/catalog/bulk-actions.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';

/** Where the selection is made: it decides which actions make sense. */
export const SelectionContext = { library: 'library', archive: 'archive', trash: 'trash' } as const;
export type SelectionContext = (typeof SelectionContext)[keyof typeof SelectionContext];

export class SelectionBar extends LitElement {
  static override properties = { count: { type: Number }, inAlbum: { type: Boolean }, context: { type: String }, tagging: { state: true } };
  declare count: number;
  declare inAlbum: boolean;
  declare context: SelectionContext;
  declare tagging: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { position: fixed; inset: 0 0 auto 0; z-index: 20; display: block; background: var(--sbx-surface); border-bottom: 1px solid var(--sbx-border); box-shadow: 0 4px 20px rgb(0 0 0 / 0.3); }
      .bar { display: flex; align-items: center; gap: 8px; height: 64px; padding: 0 20px; }
      .count { font-size: 17px; font-weight: 500; margin-left: 6px; }
      .spacer { flex: 1; }
      select, input { font: inherit; color: inherit; background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 6px; padding: 6px; }
      form { display: flex; gap: 6px; align-items: center; }
      /* Icons only (names stay in aria-label) below 1100 px; on a phone the actions wrap onto a second row. */
      @media (max-width: 1100px) { .label { display: none; } .btn { padding: 0 10px; } }
      @media (max-width: 720px) { .bar { gap: 4px; padding: 6px 8px; height: auto; min-height: 52px; flex-wrap: wrap; row-gap: 6px; } }

    `,
  ];

  constructor() {
    super();
    this.count = 0;
    this.inAlbum = false;
    this.context = SelectionContext.library;
    this.tagging = false;
  }

  override render() {
    const action = (what: SelectionAction, label: string, icon: unknown) =>
      html`<button class="btn" data-testid="selection-${what}" aria-label=${label} @click=${() => this.emit(what)}>${icon}<span class="label">${label}</span></button>`;
    const edit = (e: LibraryEdit, label: string, icon: unknown) =>
      html`<button class="btn" data-testid="selection-${e.kind}" aria-label=${label} @click=${() => this.apply(e)}>${icon}<span class="label">${label}</span></button>`;
    const body = this.context === SelectionContext.trash
      ? html`${edit({ kind: LibraryAction.restore }, 'Restore', icons.restore)}
          ${edit({ kind: LibraryAction.deletePermanently }, 'Delete permanently', icons.trash)}`
      : html`${action(SelectionAction.addToAlbum, 'Add to album', icons.album)}
          ${action(SelectionAction.favorite, 'Favourite', icons.heartOutline)}
          ${this.context === SelectionContext.archive
            ? edit({ kind: LibraryAction.unarchive }, 'Unarchive', icons.restore)
            : edit({ kind: LibraryAction.archive }, 'Archive', icons.photos)}
          ${this.renderRate()} ${this.renderTag()}
          ${this.inAlbum && this.count === 1 ? action(SelectionAction.setCover, 'Set as cover', icons.image) : nothing}
          ${this.inAlbum ? action(SelectionAction.removeFromAlbum, 'Remove from album', icons.close) : nothing}
          ${action(SelectionAction.trash, 'Move to trash', icons.trash)}`;
    return html`<div class="bar" data-testid="selection-bar" data-count=${this.count}>
      <button class="icon-btn" data-testid="selection-clear" title="Clear selection (Esc)" aria-label="Clear selection" @click=${() => this.emit(SelectionAction.clear)}>${icons.close}</button>
      <span class="count" data-testid="selection-count">${this.count} selected</span>
      <span class="spacer"></span>
      ${body}
    </div>`;
  }

  private renderRate() {
    const pick = (event: Event) => {
      const select = event.target as HTMLSelectElement;
      const rating = Number(select.value);
      select.value = '';
      if (Number.isInteger(rating) && rating >= 0 && rating <= 5) this.apply({ kind: LibraryAction.rate, rating });
    };
    return html`<select data-testid="selection-rate" aria-label="Rate" @change=${pick}>
      <option value="" selected disabled>Rate…</option>
      ${[5, 4, 3, 2, 1].map((n) => html`<option value=${n}>${'★'.repeat(n)} (${n})</option>`)}
      <option value="0">No rating</option>
    </select>`;
  }

  private renderTag() {
    if (!this.tagging) {
      return html`<button class="btn" data-testid="selection-tag" aria-label="Add tag" @click=${() => (this.tagging = true)}>${icons.check}<span class="label">Add tag</span></button>`;
    }
    const submit = (event: SubmitEvent) => {
      event.preventDefault();
      const input = (event.target as HTMLFormElement).querySelector('input')!;
      const tag = input.value.trim();
      this.tagging = false;
      if (tag !== '') this.apply({ kind: LibraryAction.tag, tag });
    };
    return html`<form @submit=${submit}>
      <input data-testid="selection-tag-name" aria-label="Tag name" placeholder="Travel/Japan" maxlength="256" autofocus />
      <button class="btn" type="submit" aria-label="Apply tag">Tag</button>
    </form>`;
  }

  private apply(edit: LibraryEdit): void {
    this.dispatchEvent(new CustomEvent<LibraryEdit>('sbx-library-action', { detail: edit, bubbles: true, composed: true }));
  }

  private emit(action: SelectionAction): void {
    this.dispatchEvent(new CustomEvent('sbx-selection-action', { detail: action, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-selection-bar')) customElements.define('sbx-selection-bar', SelectionBar);
