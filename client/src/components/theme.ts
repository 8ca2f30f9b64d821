/**
 * Shared styles for Shoebox components: the dark theme lives in CSS custom properties on
 * :root (client/index.html), these are the reusable bits every shadow root needs.
 *
 *   static override styles = [buttonStyles, css`:host { display: block }`];
 *   html`<button class="btn primary">Import</button>`
 */
import { css } from 'lit';

export const buttonStyles = css`
  .btn {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    height: 36px;
    padding: 0 16px;
    border-radius: 18px;
    border: 1px solid var(--sbx-border);
    background: transparent;
    color: var(--sbx-text);
    font: inherit;
    font-size: 14px;
    font-weight: 500;
    cursor: pointer;
    transition: background-color 0.15s, border-color 0.15s;
    white-space: nowrap;
  }
  .btn:hover { background: var(--sbx-hover); }
  .btn:focus-visible, .icon-btn:focus-visible { outline: 2px solid var(--sbx-accent); outline-offset: 2px; }
  .btn[aria-pressed='true'] { background: var(--sbx-accent-soft); border-color: var(--sbx-accent); color: var(--sbx-accent-text); }
  .btn.primary { background: var(--sbx-accent); border-color: var(--sbx-accent); color: var(--sbx-on-accent); }
  .btn.primary:hover { filter: brightness(1.08); }
  .btn:disabled { opacity: 0.5; cursor: default; }
  .icon-btn {
    display: inline-grid;
    place-items: center;
    width: 40px;
    height: 40px;
    border-radius: 50%;
    border: none;
    background: transparent;
    color: inherit;
    cursor: pointer;
    transition: background-color 0.15s;
  }
  .icon-btn:hover { background: var(--sbx-hover); }
  svg { width: 20px; height: 20px; fill: currentColor; flex: none; }
`;

/** A modal dialog host (dim backdrop, centred `.dialog` card); set the card's width per dialog. */
export const dialogStyles = css`
  :host { position: fixed; inset: 0; z-index: 60; display: grid; place-items: center; background: rgb(0 0 0 / 0.55); }
  .dialog { max-height: 80vh; overflow: auto; background: var(--sbx-surface); color: var(--sbx-text); border: 1px solid var(--sbx-border); border-radius: 16px; padding: 20px; box-shadow: 0 20px 60px rgb(0 0 0 / 0.5); }
`;
