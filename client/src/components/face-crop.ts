/**
 * A round crop of one face from its photo's thumbnail (CSS background sizing, no canvas): the
 * face box is grown by 40 % and squared in image pixels so the whole head shows.
 *
 *   <sbx-face-crop .face=${cluster.cover}></sbx-face-crop>
 */
import { LitElement, css, html, nothing } from 'lit';
import { ThumbController } from '../controllers/thumb-controller.js';
import { consumeThumbStore } from '../context/services.js';
import type { FaceRef } from '../domain/ml/people-index.js';

/** The face box grown and squared, relative to the image, clamped inside it. */
export const faceSquare = (face: FaceRef, grow = 1.4): { x: number; y: number; w: number; h: number } => {
  const side = Math.min(Math.max(face.box.width * face.width, face.box.height * face.height) * grow, face.width, face.height);
  const cx = (face.box.x + face.box.width / 2) * face.width;
  const cy = (face.box.y + face.box.height / 2) * face.height;
  const x = Math.min(Math.max(cx - side / 2, 0), face.width - side);
  const y = Math.min(Math.max(cy - side / 2, 0), face.height - side);
  return { x: x / face.width, y: y / face.height, w: side / face.width, h: side / face.height };
};

export class FaceCrop extends LitElement {
  static override properties = { face: { attribute: false } };
  declare face: FaceRef | undefined;

  static override styles = css`
    :host { display: block; aspect-ratio: 1; border-radius: 50%; overflow: hidden; background: var(--sbx-surface-2) no-repeat; }
    div { width: 100%; height: 100%; background-repeat: no-repeat; }
  `;

  private readonly thumbs = consumeThumbStore(this);
  private readonly thumb = new ThumbController(this, () => [this.thumbs.value ?? null, this.face?.asset] as const);

  constructor() {
    super();
    this.face = undefined;
  }

  override render() {
    if (!this.face || !this.thumb.url) return nothing;
    const s = faceSquare(this.face);
    const size = `${100 / s.w}% ${100 / s.h}%`;
    const at = `${s.w >= 1 ? 0 : (100 * s.x) / (1 - s.w)}% ${s.h >= 1 ? 0 : (100 * s.y) / (1 - s.h)}%`;
    return html`<div data-testid="face-crop" style="background-image:url('${this.thumb.url}');background-size:${size};background-position:${at}"></div>`;
  }
}

if (!customElements.get('sbx-face-crop')) customElements.define('sbx-face-crop', FaceCrop);
