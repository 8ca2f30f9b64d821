/**
 * Full-window overlay shown while files are dragged over the app.
 *
 *   <sbx-drop-overlay ?hidden=${!dragging}></sbx-drop-overlay>
 *   html`${dragging ? html`<sbx-drop-overlay></sbx-drop-overlay>` : nothing}`
 */
import { LitElement, css, html } from 'lit';
import { icons } from './icons.js';

export class DropOverlay extends LitElement {
  static override styles = css`
    :host { position: fixed; inset: 0; z-index: 60; display: grid; place-items: center; background: rgb(10 12 16 / 0.78); backdrop-filter: blur(4px); pointer-events: none; }
    .box { display: grid; justify-items: center; gap: 14px; padding: 48px 64px; border: 2px dashed var(--sbx-accent); border-radius: 24px; color: var(--sbx-text); font-size: 20px; font-weight: 500; }
    svg { width: 48px; height: 48px; fill: var(--sbx-accent); }
  `;

  override render() {
    return html`<div class="box" data-testid="drop-overlay">${icons.upload}<span>Drop photos to import</span></div>`;
  }
}

if (!customElements.get('sbx-drop-overlay')) customElements.define('sbx-drop-overlay', DropOverlay);
