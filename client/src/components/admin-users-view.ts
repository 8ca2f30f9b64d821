/**
 * The administrators' Users page: every account with its storage, quota and state; a dialog to
 * create one (email, name, initial password, quota); per user: make or remove admin, set the
 * quota, disable or enable, reset the password, delete after typing the email again.
 * Emits `sbx-close` to go back. State and calls live in AdminUsersController.
 *
 *   <sbx-admin-users-view .token=${session.token} @sbx-close=${() => (this.page = 'photos')}></sbx-admin-users-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { AdminUser } from '../../../protocol/src/index.js';
import { AdminUsersController } from '../controllers/accounts-controller.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';

const GIB = 2 ** 30;

/** Bytes in the browser's locale, e.g. "1.5 GB". */
export const formatBytes = (bytes: number): string => {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let i = 0;
  let value = bytes;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return new Intl.NumberFormat(undefined, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
};

type Pending = { kind: 'create' } | { kind: 'password'; user: AdminUser } | { kind: 'delete'; user: AdminUser };

const field = (form: HTMLFormElement, name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;

export class AdminUsersView extends LitElement {
  static override properties = { token: { type: String }, pending: { state: true } };
  declare token: string | null;
  declare pending: Pending | null;

  private readonly users = new AdminUsersController(this, () => this.token);

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 24px 20px 60px; max-width: 1100px; margin: 0 auto; color: var(--sbx-text); }
      header { display: flex; align-items: center; gap: 12px; margin-bottom: 20px; }
      h1 { font-size: 22px; font-weight: 600; margin: 0; flex: 1; }
      .error { color: var(--sbx-danger, #f66); margin-bottom: 12px; }
      .notice { color: var(--sbx-text-dim); margin-bottom: 12px; }
      table { width: 100%; border-collapse: collapse; }
      th, td { text-align: left; padding: 10px 8px; border-bottom: 1px solid var(--sbx-border); vertical-align: top; }
      th { font-size: 12px; color: var(--sbx-text-dim); font-weight: 500; }
      .email { color: var(--sbx-text-dim); font-size: 13px; }
      .tag { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: var(--sbx-border); margin-left: 6px; }
      .actions { display: flex; flex-wrap: wrap; gap: 6px; }
      .quota { display: flex; gap: 6px; align-items: center; }
      .quota input { width: 80px; }
      input { background: var(--sbx-surface-2); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 8px; font: inherit; }
      .backdrop { position: fixed; inset: 0; z-index: 60; display: grid; place-items: center; background: rgb(0 0 0 / 0.55); }
      .dialog { max-height: 80vh; overflow: auto; background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 16px; padding: 20px; }
      .dialog form { display: grid; gap: 10px; width: min(360px, 80vw); }
      .dialog label { display: grid; gap: 4px; font-size: 14px; }
      .dialog .row { display: flex; gap: 8px; justify-content: flex-end; }
      @media (max-width: 720px) {
        thead { display: none; }
        tr { display: grid; border-bottom: 1px solid var(--sbx-border); padding: 8px 0; }
        td { border: none; padding: 4px 0; }
      }
    `,
  ];

  constructor() {
    super();
    this.token = null;
    this.pending = null;
  }

  override render() {
    const c = this.users;
    return html`<section data-testid="admin-users" aria-labelledby="users-title">
      <header>
        <button class="btn" aria-label="Back" @click=${() => this.dispatchEvent(new CustomEvent('sbx-close', { bubbles: true, composed: true }))}>${icons.back}</button>
        <h1 id="users-title">Users</h1>
        <button class="btn primary" @click=${() => (this.pending = { kind: 'create' })}>New user</button>
      </header>
      ${c.error ? html`<div class="error" role="alert">${c.error}</div>` : nothing}
      ${c.notice ? html`<div class="notice" role="status">${c.notice}</div>` : nothing}
      ${!c.loaded
        ? html`<p>Loading…</p>`
        : c.users.length === 0
          ? html`<p>No users yet.</p>`
          : html`<table aria-label="Users">
              <thead><tr><th>User</th><th>Storage</th><th>Quota (GiB)</th><th>Actions</th></tr></thead>
              <tbody>${c.users.map((u) => this.row(u))}</tbody>
            </table>`}
      ${this.pending ? this.dialog(this.pending) : nothing}
    </section>`;
  }

  private row(u: AdminUser) {
    const busy = this.users.busy;
    const update = (notice: string, body: Parameters<AdminUsersController['run']>[1]) => void this.users.run(notice, body);
    return html`<tr data-testid="user-row" data-email=${u.email}>
      <td>
        <div>${u.name}${u.isAdmin ? html`<span class="tag">Admin</span>` : nothing}${u.disabled ? html`<span class="tag">Disabled</span>` : nothing}</div>
        <div class="email">${u.email}</div>
      </td>
      <td>${u.usage ? html`${formatBytes(u.usage.originalsBytes + u.usage.derivativesBytes)} · ${new Intl.NumberFormat().format(u.usage.assets)} items` : '—'}</td>
      <td>
        <form class="quota" @submit=${(e: Event) => {
          e.preventDefault();
          const raw = field(e.target as HTMLFormElement, 'quota').trim();
          const quotaBytes = raw === '' ? null : Math.round(Number(raw) * GIB);
          update(`Quota of ${u.email} saved`, (api) => api.updateUser(u.id, { quotaBytes }));
        }}>
          <input name="quota" type="number" min="0" step="any" placeholder="default" aria-label=${`Quota for ${u.email} in GiB`}
            .value=${u.quotaBytes === null ? '' : String(u.quotaBytes / GIB)} />
          <button class="btn" ?disabled=${busy} aria-label=${`Save quota for ${u.email}`}>Save</button>
        </form>
      </td>
      <td class="actions">
        <button class="btn" ?disabled=${busy} aria-label=${`${u.isAdmin ? 'Remove admin' : 'Make admin'}: ${u.email}`}
          @click=${() => update(`${u.email} is ${u.isAdmin ? 'no longer' : 'now'} an administrator`, (api) => api.updateUser(u.id, { isAdmin: !u.isAdmin }))}>${u.isAdmin ? 'Remove admin' : 'Make admin'}</button>
        <button class="btn" ?disabled=${busy} aria-label=${`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
          @click=${() => update(`${u.email} ${u.disabled ? 'enabled' : 'disabled'}`, (api) => api.updateUser(u.id, { disabled: !u.disabled }))}>${u.disabled ? 'Enable' : 'Disable'}</button>
        <button class="btn" ?disabled=${busy} aria-label=${`Reset password of ${u.email}`} @click=${() => (this.pending = { kind: 'password', user: u })}>Reset password</button>
        <button class="btn" ?disabled=${busy} aria-label=${`Delete ${u.email}`} @click=${() => (this.pending = { kind: 'delete', user: u })}>Delete</button>
      </td>
    </tr>`;
  }

  private dialog(p: Pending) {
    const title = p.kind === 'create' ? 'Create user' : p.kind === 'password' ? `Reset password of ${p.user.email}` : `Delete ${p.user.email}`;
    const submit = async (e: Event): Promise<void> => {
      e.preventDefault();
      const form = e.target as HTMLFormElement;
      const ok =
        p.kind === 'create'
          ? await this.users.run(`Created ${field(form, 'email')}`, (api) => {
              const quota = field(form, 'quota').trim();
              return api.createUser({ email: field(form, 'email'), name: field(form, 'name'), password: field(form, 'password'), quotaBytes: quota === '' ? null : Math.round(Number(quota) * GIB) });
            })
          : p.kind === 'password'
            ? await this.users.run(`New password set for ${p.user.email}; their sessions were closed`, (api) => api.resetPassword(p.user.id, field(form, 'password')))
            : await this.users.run(`Deleted ${p.user.email}`, (api) => api.deleteUser(p.user.id, field(form, 'confirm')));
      if (ok) this.pending = null;
    };
    return html`<div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-label=${title}>
        <h2>${title}</h2>
        ${this.users.error ? html`<div class="error" role="alert">${this.users.error}</div>` : nothing}
        <form @submit=${submit}>
          ${p.kind === 'create'
            ? html`<label>Email <input name="email" type="email" required autocomplete="off" /></label>
                <label>Name <input name="name" required autocomplete="off" /></label>
                <label>Initial password <input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
                <label>Quota in GiB (empty: server default) <input name="quota" type="number" min="0" step="any" /></label>`
            : p.kind === 'password'
              ? html`<label>New password <input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>`
              : html`<p>This deletes the account of ${p.user.name}, closes their sessions and removes their access to shared albums. Type their email to confirm.</p>
                  <label>Email to confirm <input name="confirm" type="email" required autocomplete="off" /></label>`}
          <div class="row">
            <button type="button" class="btn" @click=${() => (this.pending = null)}>Cancel</button>
            <button class="btn primary" ?disabled=${this.users.busy}>${p.kind === 'create' ? 'Create' : p.kind === 'password' ? 'Set password' : 'Delete user'}</button>
          </div>
        </form>
      </div>
    </div>`;
  }
}

if (!customElements.get('sbx-admin-users-view')) customElements.define('sbx-admin-users-view', AdminUsersView);
