/**
 * Account settings for every user: change the display name, change the password (optionally
 * signing out everywhere else), and the list of their sessions (browser, address, last seen) with
 * Revoke. Emits `sbx-close` to go back, `sbx-renamed` with the new name. State in AccountSettingsController.
 *
 *   <sbx-account-settings-view .token=${session.token} .name=${user.name} @sbx-close=${back}></sbx-account-settings-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import type { AccountSession } from '../../../protocol/src/index.js';
import { AccountSettingsController } from '../controllers/accounts-controller.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';

const value = (form: HTMLFormElement, name: string): string => (form.elements.namedItem(name) as HTMLInputElement).value;

/** "Firefox on Linux"-like summary of a user agent; the raw string stays in the title. */
const browserOf = (ua: string | undefined): string => {
  if (!ua) return 'Unknown browser';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : ua.split(/[ /]/)[0]!;
  const os = /iPhone|iPad/.test(ua) ? 'iOS' : /Android/.test(ua) ? 'Android' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
};

export class AccountSettingsView extends LitElement {
  static override properties = { token: { type: String }, name: { type: String } };
  declare token: string | null;
  declare name: string;

  private readonly account = new AccountSettingsController(this, () => this.token);

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 24px 20px 60px; max-width: 720px; margin: 0 auto; color: var(--sbx-text); }
      header { display: flex; align-items: center; gap: 12px; margin-bottom: 20px; }
      h1 { font-size: 22px; font-weight: 600; margin: 0; flex: 1; }
      h2 { font-size: 17px; font-weight: 600; margin: 24px 0 10px; }
      form { display: grid; gap: 10px; max-width: 420px; }
      label { display: grid; gap: 4px; font-size: 14px; }
      label.check { display: flex; gap: 8px; align-items: center; }
      input:not([type='checkbox']) { background: var(--sbx-surface-2); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 8px; padding: 8px; font: inherit; }
      .error { color: var(--sbx-danger, #f66); margin-bottom: 12px; }
      .notice { color: var(--sbx-text-dim); margin-bottom: 12px; }
      ul { list-style: none; padding: 0; margin: 0; }
      li { display: flex; gap: 12px; align-items: center; padding: 10px 0; border-bottom: 1px solid var(--sbx-border); }
      li div { flex: 1; }
      .dim { color: var(--sbx-text-dim); font-size: 13px; }
    `,
  ];

  constructor() {
    super();
    this.token = null;
    this.name = '';
  }

  override render() {
    const c = this.account;
    return html`<section data-testid="account-settings" aria-labelledby="account-title">
      <header>
        <button class="btn" aria-label="Back" @click=${() => this.emit('sbx-close', null)}>${icons.back}</button>
        <h1 id="account-title">Account settings</h1>
      </header>
      ${c.error ? html`<div class="error" role="alert">${c.error}</div>` : nothing}
      ${c.notice ? html`<div class="notice" role="status">${c.notice}</div>` : nothing}
      <h2>Name</h2>
      <form @submit=${this.rename}>
        <label>Display name <input name="name" required maxlength="200" .value=${this.name} /></label>
        <div><button class="btn primary" ?disabled=${c.busy}>Save name</button></div>
      </form>
      <h2>Password</h2>
      <form @submit=${this.changePassword}>
        <label>Current password <input name="current" type="password" required autocomplete="current-password" /></label>
        <label>New password <input name="next" type="password" required minlength="8" autocomplete="new-password" /></label>
        <label class="check"><input name="closeOthers" type="checkbox" /> Sign out all other sessions</label>
        <div><button class="btn primary" ?disabled=${c.busy}>Change password</button></div>
      </form>
      <h2>Sessions</h2>
      ${!c.loaded ? html`<p>Loading…</p>` : c.sessions.length === 0 ? html`<p>No sessions.</p>` : html`<ul aria-label="Sessions">${c.sessions.map((s) => this.session(s))}</ul>`}
    </section>`;
  }

  private session(s: AccountSession) {
    const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(s.lastSeenAt);
    const label = browserOf(s.userAgent);
    return html`<li data-testid="session-row">
      <div>
        <div title=${s.userAgent ?? ''}>${label}${s.current ? html` <span class="dim">(this device)</span>` : nothing}</div>
        <div class="dim">${s.address ?? 'unknown address'} · last seen ${when}</div>
      </div>
      ${s.current ? nothing : html`<button class="btn" ?disabled=${this.account.busy} aria-label=${`Revoke ${label}, last seen ${when}`}
        @click=${() => void this.account.run('Session revoked', (api) => api.revokeSession(s.id))}>Revoke</button>`}
    </li>`;
  }

  private rename = async (e: Event): Promise<void> => {
    e.preventDefault();
    const name = value(e.target as HTMLFormElement, 'name').trim();
    if (await this.account.run('Name saved', (api) => api.rename(name))) {
      this.name = name;
      this.emit('sbx-renamed', name);
    }
  };

  private changePassword = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const closeOtherSessions = (form.elements.namedItem('closeOthers') as HTMLInputElement).checked;
    const ok = await this.account.run(closeOtherSessions ? 'Password changed; other sessions signed out' : 'Password changed', (api) =>
      api.changePassword({ currentPassword: value(form, 'current'), newPassword: value(form, 'next'), closeOtherSessions }),
    );
    if (ok) form.reset();
  };

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-account-settings-view')) customElements.define('sbx-account-settings-view', AccountSettingsView);
