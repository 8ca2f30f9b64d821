/**
 * The connection pill in the toolbar: Online, Offline, Connecting, or "Syncing · N pending".
 *
 *   <sbx-status-pill .status=${'online'} .pending=${3}></sbx-status-pill>
 *   <sbx-status-pill .status=${'offline'} .pending=${0}></sbx-status-pill>
 */
import { LitElement, css, html } from 'lit';
import { ConnectionStatus } from '../domain/sync/connection-status.js';

export class StatusPill extends LitElement {
  static override properties = {
    status: { type: String },
    pending: { type: Number },
    detail: { type: String },
  };
  declare status: ConnectionStatus;
  declare pending: number;
  declare detail: string | null;

  static override styles = css`
    :host { display: inline-flex; }
    .pill { display: inline-flex; align-items: center; gap: 8px; height: 28px; padding: 0 12px; border-radius: 14px; font-size: 13px; background: var(--sbx-surface-2); color: var(--sbx-text-dim); white-space: nowrap; }
    .dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
    .online .dot { background: var(--sbx-ok); }
    .syncing .dot, .connecting .dot { background: var(--sbx-warn); animation: pulse 1.2s ease-in-out infinite; }
    .offline .dot { background: var(--sbx-text-faint); }
    @keyframes pulse { 50% { opacity: 0.3; } }
  `;

  constructor() {
    super();
    this.status = ConnectionStatus.offline;
    this.pending = 0;
    this.detail = null;
  }

  override render() {
    const syncing = this.status === ConnectionStatus.online && this.pending > 0;
    const cls = syncing ? 'syncing' : this.status;
    const label =
      this.status === ConnectionStatus.offline
        ? this.pending > 0 ? `Offline · ${this.pending} pending` : 'Offline'
        : this.status === ConnectionStatus.connecting
          ? 'Connecting…'
          : syncing ? `Syncing · ${this.pending} pending` : 'Online';
    return html`<span class="pill ${cls}" data-testid="status-pill" data-status=${cls} data-pending=${this.pending} title=${this.detail ?? label}>
      <span class="dot"></span>${label}
    </span>`;
  }
}

if (!customElements.get('sbx-status-pill')) customElements.define('sbx-status-pill', StatusPill);
