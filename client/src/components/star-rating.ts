/**
 * A 0–5 star rating: five buttons ("Rate 1 star" … "Rate 5 stars"); pressing the current
 * rating clears it (as Immich's does). Read-only without `editable`.
 *
 *   <sbx-star-rating .value=${asset.rating} editable @sbx-rate=${(e) => rate(e.detail)}></sbx-star-rating>
 */
import { LitElement, css, html, svg } from 'lit';

const star = (filled: boolean) =>
  svg`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${filled
    ? 'M12 17.27L18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z'
    : 'M22 9.24l-7.19-.62L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21 12 17.27 18.18 21l-1.63-7.03L22 9.24zM12 15.4l-3.76 2.27 1-4.28-3.32-2.88 4.38-.38L12 6.1l1.71 4.04 4.38.38-3.32 2.88 1 4.28L12 15.4z'}></path></svg>`;

export const ratingLabel = (n: number): string => (n === 0 ? 'Not rated' : `${n} star${n === 1 ? '' : 's'}`);

export class StarRating extends LitElement {
  static override properties = { value: { type: Number }, editable: { type: Boolean } };
  declare value: number;
  declare editable: boolean;

  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 2px; }
    button { all: unset; cursor: pointer; display: grid; place-items: center; width: 32px; height: 32px; border-radius: 50%; color: var(--sbx-text-dim); }
    button:hover, button:focus-visible { background: var(--sbx-hover, rgb(127 127 127 / 0.15)); outline: none; }
    button.on, span.on { color: var(--sbx-star, #f5b400); }
    span { display: grid; place-items: center; width: 20px; height: 20px; color: var(--sbx-text-dim); }
    svg { width: 22px; height: 22px; fill: currentColor; }
    span svg { width: 18px; height: 18px; }
  `;

  constructor() {
    super();
    this.value = 0;
    this.editable = false;
  }

  override render() {
    const stars = [1, 2, 3, 4, 5];
    if (!this.editable) {
      return html`<span role="img" aria-label=${ratingLabel(this.value)} style="display:contents">
        ${stars.map((n) => html`<span class=${n <= this.value ? 'on' : ''}>${star(n <= this.value)}</span>`)}</span>`;
    }
    return html`<div role="group" aria-label=${`Rating: ${ratingLabel(this.value)}`} style="display:contents">
      ${stars.map(
        (n) => html`<button type="button" class=${n <= this.value ? 'on' : ''} aria-label=${`Rate ${ratingLabel(n)}`} title=${`Rate ${ratingLabel(n)} (${n})`}
          aria-pressed=${n === this.value} data-testid=${`rate-${n}`} @click=${() => this.rate(n === this.value ? 0 : n)}>${star(n <= this.value)}</button>`,
      )}</div>`;
  }

  private rate(n: number): void {
    this.dispatchEvent(new CustomEvent('sbx-rate', { detail: n, bubbles: true, composed: true }));
  }
}

if (!customElements.get('sbx-star-rating')) customElements.define('sbx-star-rating', StarRating);
