/**
 * Full-screen viewer: preview then original (or the video), metadata panel, previous/next,
 * favourite, archive, rating, download of the original and trash/restore. Keys: ←/→ move, Esc
 * closes, f favourites, a archives/unarchives, 0–5 rate, Delete trashes. Library edits leave as
 * `sbx-library-edit` with `{ id, edit }` (a LibraryEdit, as the selection bar applies in bulk).
 * Touch: swipe left/right for next/previous, swipe down to close. An address naming an asset
 * that is not in the view (deleted, or not shared with this user) shows `missing`.
 *
 *   <sbx-asset-viewer .asset=${asset} .hasPrev=${true} .hasNext=${false}
 *     @sbx-close=${close} @sbx-next=${next} @sbx-favorite=${fav} @sbx-trash=${trash}
 *     @sbx-library-edit=${(e) => edit(e.detail.id, e.detail.edit)}></sbx-asset-viewer>
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import type { AssetId, CatalogAsset } from '../../../protocol/src/index.js';
import { ViewerImageController } from '../controllers/viewer-image-controller.js';
import { formatCoordinates, formatDuration, formatTaken } from '../domain/catalog/format.js';
import { LibraryAction, type LibraryEdit } from '../domain/catalog/bulk-actions.js';
import { formatBytes } from '../domain/import/import-state.js';
import { downloadOriginal } from '../domain/storage/download-original.js';
import { originalUrl, playableVideoUrl } from '../domain/storage/thumb-store.js';
import { consumeThumbStore } from '../context/services.js';
import { icons } from './icons.js';
import './place-info.js'; // issue 15: the place's name
import { ratingLabel } from './star-rating.js';
import './star-rating.js';
import { buttonStyles } from './theme.js';

/** What the viewer asks its host to write into the catalog for one asset. */
export interface ViewerEdit {
  readonly id: AssetId;
  readonly edit: LibraryEdit;
}

const viewerIcon = (d: string) => svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d}></path></svg>`;
const download = viewerIcon('M5 20h14v-2H5v2zM19 9h-4V3H9v6H5l7 7 7-7z');
const archive = viewerIcon('M20.54 5.23l-1.39-1.68C18.88 3.21 18.47 3 18 3H6c-.47 0-.88.21-1.16.55L3.46 5.23C3.17 5.57 3 6.02 3 6.5V19c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V6.5c0-.48-.17-.93-.46-1.27zM12 17.5L6.5 12H10v-2h4v2h3.5L12 17.5zM5.12 5l.81-1h12l.94 1H5.12z');
const unarchive = viewerIcon('M20.55 5.22l-1.39-1.68C18.88 3.21 18.47 3 18 3H6c-.47 0-.88.21-1.15.55L3.46 5.22C3.17 5.57 3 6.01 3 6.5V19c0 1.1.89 2 2 2h14c1.1 0 2-.9 2-2V6.5c0-.49-.17-.93-.45-1.28zM12 9.5l5.5 5.5H14v2h-4v-2H6.5L12 9.5zM5.12 5l.82-1h12l.93 1H5.12z');

export class AssetViewer extends LitElement {
  static override properties = {
    asset: { attribute: false },
    hasPrev: { type: Boolean },
    hasNext: { type: Boolean },
    foreign: { type: Boolean },
    missing: { type: Boolean },
    textLines: { attribute: false },
    showInfo: { state: true },
    notice: { state: true },
  };
  declare asset: CatalogAsset | undefined;
  declare hasPrev: boolean;
  declare hasNext: boolean;
  /** Not in my catalog (a photo of an album shared with me): no favourite, album or trash actions. */
  declare foreign: boolean;
  /** Text read in the photo (OCR), shown in the info panel to read and copy. */
  declare textLines: readonly string[] | undefined;
  declare showInfo: boolean;
  /** No asset, and the view has loaded: the address names a photo this user cannot see. */
  declare missing: boolean;
  /** A failed download's reason, shown until the next action. */
  declare notice: string | null;

  static override styles = [
    buttonStyles,
    css`
      :host { position: fixed; inset: 0; z-index: 50; display: flex; background: #000; color: #fff; height: 100dvh; }
      .stage { position: relative; flex: 1; min-width: 0; display: grid; place-items: center; overflow: hidden; touch-action: none; }
      img.media, video.media { position: absolute; inset: 0; margin: auto; max-width: 100%; max-height: 100%; object-fit: contain; display: block; transition: transform 0.2s; }
      .stage.dragging .media { transition: none; }
      .gone { display: grid; justify-items: center; gap: 12px; max-width: 320px; text-align: center; padding: 0 24px; color: rgb(255 255 255 / 0.8); }
      .gone h2 { margin: 0; font-size: 18px; font-weight: 500; color: #fff; }
      .missing { color: var(--sbx-text-dim); display: grid; justify-items: center; gap: 12px; }
      .missing svg { width: 56px; height: 56px; }
      .bar { position: absolute; inset: 0 0 auto 0; display: flex; align-items: center; gap: 4px; padding: 10px 12px 24px; background: linear-gradient(rgb(0 0 0 / 0.7), transparent); z-index: 2; }
      /* Icons stay legible over a bright photo. */
      .bar svg, .bar .title { filter: drop-shadow(0 1px 2px rgb(0 0 0 / 0.9)); }
      .bar .spacer { flex: 1; }
      .bar .shared-note { font-size: 13px; color: rgb(255 255 255 / 0.7); margin-right: 8px; }
      .bar .title { font-size: 14px; color: rgb(255 255 255 / 0.85); margin-left: 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .icon-btn { color: #fff; }
      .icon-btn:hover { background: rgb(255 255 255 / 0.14); }
      .icon-btn.on { color: var(--sbx-fav); }
      .nav { position: absolute; top: 50%; transform: translateY(-50%); width: 48px; height: 48px; background: rgb(0 0 0 / 0.35); z-index: 2; }
      .nav.prev { left: 16px; }
      .nav.next { right: 16px; }
      .nav svg { width: 28px; height: 28px; }
      aside { width: 340px; flex: none; background: var(--sbx-surface); color: var(--sbx-text); border-left: 1px solid var(--sbx-border); padding: 20px 22px; overflow-y: auto; box-sizing: border-box; }
      aside h2 { font-size: 16px; font-weight: 500; margin: 6px 0 18px; }
      dl { margin: 0; display: grid; gap: 14px; }
      dt { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--sbx-text-dim); margin-bottom: 3px; }
      dd { margin: 0; font-size: 14px; word-break: break-word; }
      .ocr { white-space: pre-wrap; user-select: text; font-size: 13px; }
      .notice { position: absolute; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 3; max-width: min(420px, 90%); padding: 10px 14px; border-radius: 8px; background: rgb(32 32 32 / 0.92); color: #fff; font-size: 14px; }
      .trashed { margin-bottom: 16px; padding: 10px 12px; border-radius: 8px; background: var(--sbx-danger-soft); color: var(--sbx-danger); font-size: 13px; }
      @media (max-width: 700px) {
        .bar { padding: max(6px, env(safe-area-inset-top)) 4px 6px; gap: 0; }
        .bar .title, .bar .shared-note { display: none; }
        .nav { width: 40px; height: 40px; }
        .nav.prev { left: 6px; }
        .nav.next { right: 6px; }
      }
      @media (max-width: 800px) { aside { position: absolute; inset: auto 0 0 0; width: auto; max-height: 50vh; border-left: none; border-top: 1px solid var(--sbx-border); z-index: 3; } }
    `,
  ];

  private readonly thumbs = consumeThumbStore(this);
  private readonly image = new ViewerImageController(this, () => [this.asset, this.thumbs.value ?? null] as const);

  constructor() {
    super();
    this.asset = undefined;
    this.hasPrev = false;
    this.hasNext = false;
    this.foreign = false;
    this.missing = false;
    this.notice = null;
    this.showInfo = window.innerWidth > 900;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('keydown', this.onKey);
    super.disconnectedCallback();
  }

  override render() {
    const a = this.asset;
    if (!a) return this.renderGone();
    const trashed = a.trashedAt !== null;
    return html`<div class="stage" data-testid="viewer" data-asset-id=${a.id} @pointerdown=${this.onPointerDown} @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp} @pointercancel=${this.onPointerCancel}>
        <div class="bar">
          <button class="icon-btn" title="Close (Esc)" aria-label="Close" data-testid="viewer-close" @click=${() => this.emit('sbx-close')}>${icons.back}</button>
          <span class="title">${a.name}</span>
          <span class="spacer"></span>
          ${this.foreign
            ? html`<span class="shared-note" data-testid="viewer-shared">Shared with you</span>`
            : trashed
            ? html`<button class="icon-btn" title="Restore" aria-label="Restore" data-testid="viewer-restore" @click=${() => this.emit('sbx-restore')}>${icons.restore}</button>`
            : html`<button class="icon-btn ${a.favorite ? 'on' : ''}" title="Favourite (f)" aria-label="Favourite" aria-pressed=${a.favorite} data-testid="viewer-favorite" @click=${() => this.emit('sbx-favorite')}>
                  ${a.favorite ? icons.heart : icons.heartOutline}
                </button>
                <button class="icon-btn" title="Add to album" aria-label="Add to album" data-testid="viewer-add-to-album" @click=${() => this.emit('sbx-add-to-album')}>${icons.album}</button>
                ${a.archived
                  ? html`<button class="icon-btn" title="Unarchive (a)" aria-label="Unarchive" data-testid="viewer-unarchive" @click=${() => this.edit({ kind: LibraryAction.unarchive })}>${unarchive}</button>`
                  : html`<button class="icon-btn" title="Archive (a)" aria-label="Archive" data-testid="viewer-archive" @click=${() => this.edit({ kind: LibraryAction.archive })}>${archive}</button>`}
                <button class="icon-btn" title="Move to trash (Delete)" aria-label="Move to trash" data-testid="viewer-trash" @click=${() => this.emit('sbx-trash')}>${icons.trash}</button>`}
          <button class="icon-btn" title="Download original" aria-label="Download" data-testid="viewer-download" @click=${() => void this.download(a)}>${download}</button>
          <button class="icon-btn" title="Info" aria-label="Info" aria-pressed=${this.showInfo} data-testid="viewer-info-toggle" @click=${() => (this.showInfo = !this.showInfo)}>${icons.info}</button>
        </div>
        ${this.hasPrev ? html`<button class="icon-btn nav prev" title="Previous (←)" aria-label="Previous" data-testid="viewer-prev" @click=${() => this.emit('sbx-prev')}>${icons.prev}</button>` : nothing}
        ${this.hasNext ? html`<button class="icon-btn nav next" title="Next (→)" aria-label="Next" data-testid="viewer-next" @click=${() => this.emit('sbx-next')}>${icons.next}</button>` : nothing}
        ${this.renderMedia(a)}
        ${this.notice ? html`<div class="notice" role="alert" data-testid="viewer-notice">${this.notice}</div>` : nothing}
      </div>
      ${this.showInfo ? this.renderInfo(a) : nothing}`;
  }

  private renderGone() {
    const close = html`<div class="bar"><button class="icon-btn" title="Close (Esc)" aria-label="Close" data-testid="viewer-close" @click=${() => this.emit('sbx-close')}>${icons.back}</button></div>`;
    return html`<div class="stage" data-testid="viewer" data-asset-id="">
      ${close}
      ${this.missing
        ? html`<div class="gone" role="alert" data-testid="viewer-not-found">${icons.image}<h2>Photo not found</h2>
            <span>It was deleted, or it is not shared with you. Check that you are signed in as the right user.</span></div>`
        : html`<div class="gone" data-testid="viewer-loading">Loading…</div>`}
    </div>`;
  }

  /** Swipe: left/right steps, down closes; the photo follows the finger until released. */
  private swipe: { id: number; x: number; y: number; dx: number; dy: number } | null = null;

  private readonly onPointerDown = (e: PointerEvent): void => {
    if (e.pointerType === 'mouse' || (e.target as Element).closest('button, aside, video')) return;
    this.swipe = { id: e.pointerId, x: e.clientX, y: e.clientY, dx: 0, dy: 0 };
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    const s = this.swipe;
    if (!s || s.id !== e.pointerId) return;
    s.dx = e.clientX - s.x;
    s.dy = e.clientY - s.y;
    const stage = e.currentTarget as HTMLElement;
    stage.classList.add('dragging');
    const media = stage.querySelector<HTMLElement>('.media');
    if (media) media.style.transform = Math.abs(s.dx) > Math.abs(s.dy) ? `translateX(${s.dx}px)` : `translateY(${Math.max(0, s.dy)}px)`;
  };

  private readonly onPointerUp = (e: PointerEvent): void => {
    const s = this.swipe;
    this.onPointerCancel(e);
    if (!s || s.id !== e.pointerId) return;
    const horizontal = Math.abs(s.dx) > 60 && Math.abs(s.dx) > Math.abs(s.dy) * 1.5;
    if (horizontal && s.dx < 0 && this.hasNext) this.emit('sbx-next');
    else if (horizontal && s.dx > 0 && this.hasPrev) this.emit('sbx-prev');
    else if (s.dy > 100 && s.dy > Math.abs(s.dx) * 1.5) this.emit('sbx-close');
  };

  private readonly onPointerCancel = (e: PointerEvent): void => {
    this.swipe = null;
    const stage = e.currentTarget as HTMLElement;
    stage.classList.remove('dragging');
    const media = stage.querySelector<HTMLElement>('.media');
    if (media) media.style.transform = '';
  };

  private renderMedia(a: CatalogAsset) {
    if (a.kind === 'video') {
      return html`<video class="media" data-testid="viewer-video" controls autoplay playsinline .poster=${`/api/blobs/${a.hash}/preview`} src=${playableVideoUrl(a.hash)} @error=${this.onVideoError}></video>`;
    }
    if (!this.image.src) {
      return html`<div class="missing" data-testid="viewer-missing">${icons.image}<span>Preview not available offline yet</span></div>`;
    }
    return html`<img class="media" data-testid="viewer-image" data-stage=${this.image.stage} src=${this.image.src} alt=${a.name} @error=${() => this.image.failed()} />`;
  }

  private renderInfo(a: CatalogAsset) {
    const row = (label: string, value: string | null, testid: string) =>
      value ? html`<div><dt>${label}</dt><dd data-testid=${testid}>${value}</dd></div>` : nothing;
    const camera = [a.make, a.model && a.make && a.model.startsWith(a.make) ? a.model.slice(a.make.length).trim() : a.model].filter(Boolean).join(' ');
    return html`<aside data-testid="viewer-info">
      <h2>Info</h2>
      ${a.trashedAt !== null ? html`<div class="trashed">In trash since ${new Date(a.trashedAt).toLocaleString()}</div>` : nothing}
      <dl>
        ${row('File name', a.name, 'info-name')}
        ${row('Taken', formatTaken(a.takenAt, a.utcOffset), 'info-taken')}
        ${row('Dimensions', a.width > 0 ? `${a.width} × ${a.height}` : null, 'info-dimensions')}
        ${row('Size', formatBytes(a.size), 'info-size')}
        ${row('Type', a.mime, 'info-type')}
        ${row('Duration', a.duration !== null ? formatDuration(a.duration) : null, 'info-duration')}
        ${this.foreign || a.trashedAt !== null
          ? a.rating > 0 ? html`<div><dt>Rating</dt><dd data-testid="info-rating" data-rating=${a.rating}><sbx-star-rating .value=${a.rating}></sbx-star-rating></dd></div>` : nothing
          : html`<div><dt>Rating</dt><dd data-testid="info-rating" data-rating=${a.rating} title=${ratingLabel(a.rating)}>
              <sbx-star-rating editable .value=${a.rating} @sbx-rate=${(e: CustomEvent<number>) => this.edit({ kind: LibraryAction.rate, rating: e.detail })}></sbx-star-rating></dd></div>`}
        ${row('Camera', camera || null, 'info-camera')}
        ${row('Location', a.latitude !== null && a.longitude !== null ? formatCoordinates(a.latitude, a.longitude) : null, 'info-location')}
        <sbx-place-info .latitude=${a.latitude} .longitude=${a.longitude}></sbx-place-info>
        ${this.textLines?.length ? html`<div><dt>Text in photo</dt><dd class="ocr" data-testid="info-text">${this.textLines.join('\n')}</dd></div>` : nothing}
      </dl>
    </aside>`;
  }

  /** The transcode may still be in the works (503) or the server gone: fall back to the original. */
  private readonly onVideoError = (event: Event): void => {
    const video = event.target as HTMLVideoElement;
    const hash = this.asset?.hash;
    if (hash && !video.src.endsWith(originalUrl(hash))) video.src = originalUrl(hash);
  };

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    // Typing in a field (the album picker's name, over the viewer) is not a shortcut.
    const target = event.composedPath()[0];
    if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    const a = this.asset;
    if (!a) return;
    const key = event.key;
    if (key === 'Escape') this.emit('sbx-close');
    else if (key === 'ArrowLeft' && this.hasPrev) this.emit('sbx-prev');
    else if (key === 'ArrowRight' && this.hasNext) this.emit('sbx-next');
    else if ((key === 'f' || key === 'F') && a.trashedAt === null && !this.foreign) this.emit('sbx-favorite');
    else if (key === 'Delete' && a.trashedAt === null && !this.foreign) this.emit('sbx-trash');
    else if ((key === 'a' || key === 'A') && a.trashedAt === null && !this.foreign) this.edit({ kind: a.archived ? LibraryAction.unarchive : LibraryAction.archive });
    else if (/^[0-5]$/.test(key) && a.trashedAt === null && !this.foreign) this.edit({ kind: LibraryAction.rate, rating: Number(key) });
    else return;
    event.preventDefault();
  };

  private async download(a: CatalogAsset): Promise<void> {
    this.notice = null;
    const outcome = await downloadOriginal(a);
    if (!outcome.ok && this.asset?.id === a.id) this.notice = outcome.message;
  }

  private edit(edit: LibraryEdit): void {
    const id = this.asset?.id;
    this.notice = null;
    if (id !== undefined) this.dispatchEvent(new CustomEvent<ViewerEdit>('sbx-library-edit', { detail: { id, edit }, bubbles: true, composed: true }));
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail: this.asset?.id, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-asset-viewer')) customElements.define('sbx-asset-viewer', AssetViewer);
