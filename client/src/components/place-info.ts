/**
 * The "Place" row of the viewer's info panel: city, region and country of the photo's position,
 * named offline (ADR 0060). Renders into the light DOM so the panel's `dt`/`dd` styles apply.
 *
 *   <dl><sbx-place-info .latitude=${a.latitude} .longitude=${a.longitude}></sbx-place-info></dl>
 */
import { LitElement, html, nothing } from 'lit';
import { PlaceController } from '../controllers/place-controller.js';

export class PlaceInfo extends LitElement {
  static override properties = {
    latitude: { attribute: false },
    longitude: { attribute: false },
  };
  declare latitude: number | null;
  declare longitude: number | null;
  private readonly place = new PlaceController(this);

  constructor() {
    super();
    this.latitude = null;
    this.longitude = null;
  }

  protected override createRenderRoot(): HTMLElement {
    this.style.display = 'contents';
    return this;
  }

  protected override willUpdate(): void {
    this.place.show(this.latitude, this.longitude);
  }

  override render() {
    const p = this.place.value;
    // Before the answer, without GPS and where the worker fails, the coordinates row stands alone.
    if (p === null) return nothing;
    const names = [p.city, p.region, p.country].filter((n): n is string => n !== null && n !== '');
    return html`<div><dt>Place</dt><dd data-testid="info-place" title=${names.join(', ')}>${names.join(', ')}</dd></div>`;
  }
}

if (!customElements.get('sbx-place-info')) customElements.define('sbx-place-info', PlaceInfo);
