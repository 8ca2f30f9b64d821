/**
 * Root element: shows the owner sign-up or login screen, or the library once signed in.
 * Boots straight into the library from the cached session, never waiting on the network.
 *
 *   <shoebox-app></shoebox-app>
 *   document.body.append(document.createElement('shoebox-app'))
 */
import { LitElement, css, html } from 'lit';
import { AuthPhase, SessionController } from '../controllers/session-controller.js';
import './library-view.js';
import './login-view.js';

export class ShoeboxApp extends LitElement {
  static override styles = css`
    :host { display: block; min-height: 100vh; }
    .splash { display: grid; place-items: center; min-height: 100vh; color: var(--sbx-text-dim); }
  `;

  private readonly session = new SessionController(this);

  override render() {
    const s = this.session;
    switch (s.phase) {
      case AuthPhase.checking:
        return html`<div class="splash" data-testid="splash">Loading…</div>`;
      case AuthPhase.signup:
      case AuthPhase.login:
        return html`<sbx-login-view
          .mode=${s.phase}
          .error=${s.error}
          .busy=${s.busy}
          @sbx-login=${(e: CustomEvent<{ email: string; password: string }>) => void s.login(e.detail.email, e.detail.password)}
          @sbx-signup=${(e: CustomEvent<{ name: string; email: string; password: string }>) => void s.signup(e.detail.name, e.detail.email, e.detail.password)}
        ></sbx-login-view>`;
      case AuthPhase.library:
        return html`<sbx-library-view .library=${s.library} @sbx-logout=${() => void s.logout()}></sbx-library-view>`;
    }
  }
}

if (!customElements.get('shoebox-app')) customElements.define('shoebox-app', ShoeboxApp);
