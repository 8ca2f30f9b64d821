/**
 * The phone's bottom navigation bar (below 700 px wide; hidden on wider screens, where the
 * toolbar shows the same links): Photos, Favourites, Albums, People, Trash.
 *
 *   <sbx-bottom-nav .section=${sectionOf(route)}></sbx-bottom-nav>   // emits sbx-navigate
 */
import { LitElement, css, html } from 'lit';
import { RouteView } from '../router/route.js';
import { navLinks } from './nav-items.js';

export class BottomNav extends LitElement {
  static override properties = { section: { type: String } };
  declare section: RouteView;

  static override styles = css`
    :host { display: none; }
    @media (max-width: 700px) {
      :host { display: block; position: fixed; inset: auto 0 0 0; z-index: 15; background: color-mix(in srgb, var(--sbx-surface) 94%, transparent); backdrop-filter: blur(12px); border-top: 1px solid var(--sbx-border); padding-bottom: env(safe-area-inset-bottom); }
    }
    nav { display: flex; height: 64px; }
    .nav-link { flex: 1; min-width: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 4px; color: var(--sbx-text-dim); text-decoration: none; font-size: 12px; -webkit-tap-highlight-color: transparent; }
    .nav-link svg { width: 24px; height: 24px; fill: currentColor; padding: 4px 16px; border-radius: 16px; }
    .nav-link[aria-current='page'] { color: var(--sbx-accent-text); }
    .nav-link[aria-current='page'] svg { background: var(--sbx-accent-soft); }
    .nav-link:focus-visible { outline: 2px solid var(--sbx-accent); outline-offset: -4px; }
  `;

  constructor() {
    super();
    this.section = RouteView.timeline;
  }

  override render() {
    return html`<nav aria-label="Sections" data-testid="bottom-nav">${navLinks(this.section, 'bottom-nav', { secondary: false })}</nav>`;
  }
}

if (!customElements.get('sbx-bottom-nav')) customElements.define('sbx-bottom-nav', BottomNav);
