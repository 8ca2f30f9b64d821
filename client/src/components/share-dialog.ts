/**
 * "Share album" dialog: invite a user of this server by email as Viewer (sees the album) or
 * Contributor (also adds photos), the people the album is shared with, and Remove (revoke).
 * Emits `sbx-share-invite` `{ email, role }`, `sbx-share-revoke` (user id) and `sbx-close`.
 * Test ids: `share-dialog`, `share-email`, `share-role`, `share-invite`, `share-error`,
 * `share-member` (data-user-id, data-access), `share-member-remove`, `share-close`.
 *
 *   <sbx-share-dialog .name=${'Summer'} .members=${grants} .busy=${false}
 *     @sbx-share-invite=${(e) => invite(e.detail.email, e.detail.role)} @sbx-close=${close}></sbx-share-dialog>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { RoomMemberGrant } from '../../../protocol/src/index.js';
import { ShareRole } from '../domain/albums/shared-albums.js';
import { buttonStyles, dialogStyles } from './theme.js';

const roleName = (access: RoomMemberGrant['access']): string => (access === 'read' ? 'Viewer' : access === 'write' ? 'Contributor' : 'Admin');

export class ShareDialog extends LitElement {
  static override properties = { name: {}, members: { attribute: false }, busy: { type: Boolean }, error: {} };
  declare name: string;
  declare members: readonly RoomMemberGrant[];
  declare busy: boolean;
  declare error: string;

  static override styles = [
    buttonStyles,
    dialogStyles,
    css`
      .dialog { width: min(480px, 94vw); }
      h2 { margin: 0 0 4px; font-size: 18px; font-weight: 500; }
      .sub { color: var(--sbx-text-dim); font-size: 13px; margin: 0 0 16px; }
      form { display: flex; gap: 8px; margin-bottom: 8px; }
      input, select { font: inherit; background: var(--sbx-surface); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 8px 10px; }
      input { flex: 1; min-width: 0; }
      input:focus, select:focus { outline: 2px solid var(--sbx-accent); }
      .error { color: var(--sbx-danger, #f28b82); font-size: 13px; margin: 4px 0 8px; }
      h3 { font-size: 13px; font-weight: 500; color: var(--sbx-text-dim); margin: 16px 0 6px; text-transform: uppercase; letter-spacing: 0.04em; }
      ul { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 2px; }
      li { display: flex; align-items: center; gap: 10px; padding: 8px 4px; }
      .who { flex: 1; min-width: 0; display: flex; flex-direction: column; }
      .who span:last-child { color: var(--sbx-text-dim); font-size: 13px; overflow: hidden; text-overflow: ellipsis; }
      .role { color: var(--sbx-text-dim); font-size: 13px; }
      .none { color: var(--sbx-text-dim); font-size: 14px; padding: 4px; }
      .end { display: flex; justify-content: flex-end; }
    `,
  ];

  constructor() {
    super();
    this.name = '';
    this.members = [];
    this.busy = false;
    this.error = '';
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector('input')?.focus();
  }

  override render() {
    return html`<div class="dialog" role="dialog" aria-label="Share album" data-testid="share-dialog" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.close(e)}>
      <h2>Share “${this.name || 'Untitled'}”</h2>
      <p class="sub">People with an account on this Shoebox server. Viewers see the album; contributors can also add their photos.</p>
      <form @submit=${this.invite}>
        <input data-testid="share-email" type="email" required placeholder="Email address" aria-label="Email address" maxlength="320" ?disabled=${this.busy} />
        <select data-testid="share-role" aria-label="Role" ?disabled=${this.busy}>
          <option value=${ShareRole.viewer}>Viewer</option>
          <option value=${ShareRole.contributor}>Contributor</option>
        </select>
        <button class="btn primary" data-testid="share-invite" type="submit" ?disabled=${this.busy}>Invite</button>
      </form>
      ${this.error ? html`<p class="error" role="alert" data-testid="share-error">${this.error}</p>` : nothing}
      <h3>Shared with</h3>
      ${this.members.length === 0
        ? html`<p class="none">Nobody yet.</p>`
        : html`<ul>
            ${this.members.map(
              (m) => html`<li data-testid="share-member" data-user-id=${m.userId} data-access=${m.access}>
                <span class="who"><span>${m.name}</span><span>${m.email}</span></span>
                <span class="role">${roleName(m.access)}</span>
                <button class="btn" data-testid="share-member-remove" ?disabled=${this.busy} title="Stop sharing with ${m.name}"
                  @click=${() => this.emit('sbx-share-revoke', m.userId)}>Remove</button>
              </li>`,
            )}
          </ul>`}
      <div class="end"><button class="btn" data-testid="share-close" @click=${this.close}>Done</button></div>
    </div>`;
  }

  private readonly invite = (event: Event): void => {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input');
    const role = this.renderRoot.querySelector<HTMLSelectElement>('select')?.value === ShareRole.contributor ? ShareRole.contributor : ShareRole.viewer;
    const email = input?.value.trim() ?? '';
    if (email === '') return;
    this.emit('sbx-share-invite', { email, role });
  };

  private readonly close = (event?: Event): void => {
    event?.stopPropagation();
    this.emit('sbx-close', null);
  };

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-share-dialog')) customElements.define('sbx-share-dialog', ShareDialog);
