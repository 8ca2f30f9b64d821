/**
 * The import/upload panel (bottom right): batch progress "Uploading 12 / 200 · 45 MB / 380 MB"
 * and one row per file with its state (hashing, queued, uploading %, done, duplicate,
 * skipped, failed with the server's message). Collapsible; emits `sbx-clear` and `sbx-close`.
 *
 *   <sbx-import-panel .items=${imports.items} .summary=${imports.summary}></sbx-import-panel>
 *   panel.addEventListener('sbx-clear', () => imports.clearFinished())
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ImportItemState, formatBytes, summarize, type ImportItem, type ImportSummary } from '../domain/import/import-state.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';

const STATE_LABEL: Record<ImportItemState, string> = {
  hashing: 'Reading',
  queued: 'Queued',
  uploading: 'Uploading',
  done: 'Uploaded',
  duplicate: 'Already in library',
  skipped: 'Skipped',
  failed: 'Failed',
};

export class ImportPanel extends LitElement {
  static override properties = {
    items: { attribute: false },
    summary: { attribute: false },
    interrupted: { type: Number },
    collapsed: { state: true },
  };
  declare items: readonly ImportItem[];
  declare summary: ImportSummary;
  declare interrupted: number;
  declare collapsed: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { position: fixed; right: 20px; bottom: 20px; z-index: 40; width: 380px; max-width: calc(100vw - 40px); }
      .panel { background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 14px; box-shadow: 0 16px 48px rgb(0 0 0 / 0.45); overflow: hidden; }
      header { display: flex; align-items: center; gap: 6px; padding: 12px 8px 10px 16px; }
      header .title { flex: 1; font-weight: 500; font-size: 14px; }
      .icon-btn { width: 32px; height: 32px; }
      .icon-btn svg { width: 18px; height: 18px; }
      .progress { padding: 0 16px 12px; }
      .line { font-size: 13px; color: var(--sbx-text-dim); margin-bottom: 8px; }
      .bar { height: 4px; border-radius: 2px; background: var(--sbx-surface-2); overflow: hidden; }
      .bar > div { height: 100%; background: var(--sbx-accent); transition: width 0.3s; }
      ul { list-style: none; margin: 0; padding: 4px 0; max-height: 300px; overflow-y: auto; border-top: 1px solid var(--sbx-border); }
      li { display: grid; grid-template-columns: 1fr auto; gap: 2px 12px; padding: 7px 16px; font-size: 13px; }
      li .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      li .state { color: var(--sbx-text-dim); text-align: right; white-space: nowrap; }
      li .msg { grid-column: 1 / -1; font-size: 12px; color: var(--sbx-text-dim); }
      li[data-state='failed'] .state, li[data-state='failed'] .msg { color: var(--sbx-danger); }
      li[data-state='skipped'] .state { color: var(--sbx-warn); }
      li[data-state='done'] .state { color: var(--sbx-ok); }
      .note { padding: 8px 16px 12px; font-size: 12px; color: var(--sbx-text-dim); }
      footer { display: flex; justify-content: flex-end; padding: 8px 12px 12px; border-top: 1px solid var(--sbx-border); }
      footer .btn { height: 30px; font-size: 13px; }
    `,
  ];

  constructor() {
    super();
    this.items = [];
    this.summary = summarize([]);
    this.interrupted = 0;
    this.collapsed = false;
  }

  override render() {
    const s = this.summary;
    const pct = s.bytesTotal > 0 ? Math.round((s.bytesSent / s.bytesTotal) * 100) : s.finished ? 100 : 0;
    const title = !s.finished
      ? s.hashing > 0 && s.toUpload === 0 ? `Reading ${s.total - s.hashing} / ${s.total}` : `Uploading ${s.uploaded} / ${s.toUpload}`
      : s.total > 0 ? `Import finished` : `Interrupted uploads`;
    return html`<div class="panel" data-testid="import-panel" data-finished=${s.finished}>
      <header>
        <span class="title" data-testid="import-title">${title}</span>
        <button class="icon-btn" title=${this.collapsed ? 'Expand' : 'Collapse'} data-testid="import-panel-toggle" @click=${() => (this.collapsed = !this.collapsed)}>
          ${this.collapsed ? icons.prev : icons.next}
        </button>
        ${s.finished ? html`<button class="icon-btn" title="Close" data-testid="import-panel-close" @click=${() => this.emit('sbx-clear')}>${icons.close}</button>` : nothing}
      </header>
      ${s.total > 0
        ? html`<div class="progress">
            <div class="line" data-testid="import-progress-text">
              Uploading ${s.uploaded} / ${s.toUpload} · ${formatBytes(s.bytesSent)} / ${formatBytes(s.bytesTotal)}${s.duplicates ? ` · ${s.duplicates} already in library` : ''}${s.skipped ? ` · ${s.skipped} skipped` : ''}${s.failed ? ` · ${s.failed} failed` : ''}
            </div>
            <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct} data-testid="import-progress-bar"><div style="width:${pct}%"></div></div>
          </div>`
        : nothing}
      ${this.collapsed
        ? nothing
        : html`<ul data-testid="import-list">
            ${repeat(this.items, (i) => i.id, (i) => this.renderItem(i))}
          </ul>`}
      ${this.interrupted > 0
        ? html`<div class="note" data-testid="import-interrupted">${this.interrupted} upload${this.interrupted === 1 ? '' : 's'} from an earlier session did not finish. Import the same files again to resume.</div>`
        : nothing}
    </div>`;
  }

  private renderItem(item: ImportItem) {
    let state = STATE_LABEL[item.state];
    if (item.state === ImportItemState.uploading && item.size > 0) state = `Uploading ${Math.min(100, Math.round((item.bytesDone / item.size) * 100))}%`;
    if (item.state === ImportItemState.hashing && item.bytesDone > 0 && item.size > 0) state = `Reading ${Math.round((item.bytesDone / item.size) * 100)}%`;
    return html`<li data-testid="import-item" data-state=${item.state} data-name=${item.name}>
      <span class="name" title=${item.name}>${item.name}</span>
      <span class="state" data-testid="import-item-state">${state}</span>
      ${item.message && item.state !== ImportItemState.duplicate ? html`<span class="msg" data-testid="import-item-message">${item.message}</span>` : nothing}
    </li>`;
  }

  private emit(type: string): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-import-panel')) customElements.define('sbx-import-panel', ImportPanel);
