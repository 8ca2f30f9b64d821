/**
 * The sign-in screen, or on a fresh server "Create the owner account". Renders only;
 * submits as `sbx-login` / `sbx-signup` events for the session controller.
 *
 *   <sbx-login-view .mode=${'login'} .error=${msg} @sbx-login=${(e) => login(e.detail)}></sbx-login-view>
 *   <sbx-login-view .mode=${'signup'} @sbx-signup=${(e) => signup(e.detail)}></sbx-login-view>
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from './theme.js';
import { icons } from './icons.js';

export class LoginView extends LitElement {
  static override properties = {
    mode: { type: String },
    error: { type: String },
    busy: { type: Boolean },
  };
  declare mode: 'login' | 'signup';
  declare error: string | null;
  declare busy: boolean;

  static override styles = [
    buttonStyles,
    css`
      :host { display: grid; place-items: center; min-height: 100vh; padding: 24px; box-sizing: border-box; }
      .card { width: 100%; max-width: 380px; background: var(--sbx-surface); border: 1px solid var(--sbx-border); border-radius: 16px; padding: 36px 32px; box-shadow: 0 20px 60px rgb(0 0 0 / 0.35); }
      .brand { display: flex; align-items: center; gap: 10px; color: var(--sbx-accent); font-size: 22px; font-weight: 600; margin-bottom: 24px; }
      .brand svg { width: 30px; height: 30px; }
      h1 { font-size: 20px; font-weight: 500; margin: 0 0 6px; }
      p.sub { margin: 0 0 24px; color: var(--sbx-text-dim); font-size: 14px; }
      label { display: block; font-size: 13px; color: var(--sbx-text-dim); margin: 14px 0 6px; }
      input { width: 100%; box-sizing: border-box; height: 42px; padding: 0 12px; border-radius: 8px; border: 1px solid var(--sbx-border); background: var(--sbx-bg); color: var(--sbx-text); font: inherit; font-size: 15px; }
      input:focus { outline: none; border-color: var(--sbx-accent); box-shadow: 0 0 0 3px var(--sbx-accent-soft); }
      .btn.primary { width: 100%; justify-content: center; margin-top: 24px; height: 42px; border-radius: 21px; }
      .error { margin-top: 16px; padding: 10px 12px; border-radius: 8px; background: var(--sbx-danger-soft); color: var(--sbx-danger); font-size: 14px; }
    `,
  ];

  constructor() {
    super();
    this.mode = 'login';
    this.error = null;
    this.busy = false;
  }

  override render() {
    const signup = this.mode === 'signup';
    return html`<form class="card" data-testid=${signup ? 'signup-form' : 'login-form'} @submit=${this.submit}>
      <div class="brand">${icons.photos}<span>Shoebox</span></div>
      <h1>${signup ? 'Create the owner account' : 'Sign in'}</h1>
      <p class="sub">${signup ? 'This server is new. The first account owns it.' : 'Welcome back to your photo library.'}</p>
      ${signup
        ? html`<label for="name">Name</label><input id="name" name="name" autocomplete="name" required data-testid="signup-name" />`
        : nothing}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required data-testid=${signup ? 'signup-email' : 'login-email'} />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete=${signup ? 'new-password' : 'current-password'} required data-testid=${signup ? 'signup-password' : 'login-password'} />
      <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid=${signup ? 'signup-submit' : 'login-submit'}>
        ${signup ? 'Create account' : 'Sign in'}
      </button>
      ${this.error ? html`<div class="error" role="alert" data-testid="auth-error">${this.error}</div>` : nothing}
    </form>`;
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const field = (name: string): string => String(data.get(name) ?? '');
    const detail = { name: field('name').trim(), email: field('email').trim(), password: field('password') };
    this.dispatchEvent(new CustomEvent(this.mode === 'signup' ? 'sbx-signup' : 'sbx-login', { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-login-view')) customElements.define('sbx-login-view', LoginView);
