/**
 * Picks what the viewer shows for an image: the server preview first, then the original
 * once it has fully loaded in the background (if the browser can display it); the local or
 * cached thumbnail when neither loads (offline, server still processing).
 *
 *   private image = new ViewerImageController(this, () => [this.asset, this.thumbs]);
 *   html`<img src=${this.image.src} data-stage=${this.image.stage} @error=${() => this.image.failed()}>`
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CatalogAsset } from '../../../protocol/src/index.js';
import { originalUrl, serverPreviewUrl, type ThumbStore } from '../domain/storage/thumb-store.js';

export const ImageStage = { preview: 'preview', original: 'original', thumbnail: 'thumbnail', none: 'none' } as const;
export type ImageStage = (typeof ImageStage)[keyof typeof ImageStage];

/** Originals a browser shows natively; others (HEIC, TIFF, JXL) stay on the preview. */
const DISPLAYABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export class ViewerImageController implements ReactiveController {
  src: string | null = null;
  stage: ImageStage = ImageStage.none;
  private hash: string | null = null;
  private loader: HTMLImageElement | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => readonly [CatalogAsset | undefined, ThumbStore | null],
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const [asset, thumbs] = this.source();
    if (!asset || asset.hash === this.hash) return;
    this.hash = asset.hash;
    this.cancel();
    this.stage = ImageStage.preview;
    this.src = serverPreviewUrl(asset.hash);
    if (asset.kind === 'image' && DISPLAYABLE.has(asset.mime)) this.loadOriginal(asset.hash);
    this.thumbs = thumbs;
  }

  hostDisconnected(): void {
    this.cancel();
    this.hash = null;
  }

  /** The shown image failed to load: fall back one step. */
  failed(): void {
    const hash = this.hash;
    if (!hash) return;
    if (this.stage === ImageStage.thumbnail) {
      this.stage = ImageStage.none;
      this.src = null;
      this.host.requestUpdate();
      return;
    }
    if (this.stage === ImageStage.original) return;
    this.stage = ImageStage.thumbnail;
    this.src = null;
    const thumbs = this.thumbs;
    void (thumbs ? thumbs.urlFor(hash) : Promise.resolve(`/api/blobs/${hash}/thumbnail`)).then((url) => {
      if (this.hash !== hash || this.stage !== ImageStage.thumbnail) return;
      this.src = url;
      this.host.requestUpdate();
    });
    this.host.requestUpdate();
  }

  private thumbs: ThumbStore | null = null;

  private loadOriginal(hash: string): void {
    const img = new Image();
    this.loader = img;
    img.onload = () => {
      if (this.loader !== img || this.hash !== hash) return;
      this.stage = ImageStage.original;
      this.src = img.src;
      this.host.requestUpdate();
    };
    img.src = originalUrl(hash);
  }

  private cancel(): void {
    if (this.loader) {
      this.loader.onload = null;
      this.loader.src = '';
    }
    this.loader = null;
  }
}
