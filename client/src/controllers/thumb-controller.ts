/**
 * Resolves a tile's image URL (local thumbnail first, else the server's) and retries the
 * server thumbnail a few times while it is still being generated after an upload.
 *
 *   private thumb = new ThumbController(this, () => [this.thumbs, this.asset?.hash]);
 *   html`<img src=${this.thumb.url} @error=${() => this.thumb.failed()}>`
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ThumbStore } from '../domain/storage/thumb-store.js';
import { serverThumbnailUrl } from '../domain/storage/thumb-store.js';

/** A device often learns of an asset before its original has finished uploading elsewhere. */
const RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000] as const;

export class ThumbController implements ReactiveController {
  url: string | null = null;
  private key: string | null = null;
  private retries = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => readonly [ThumbStore | null, string | undefined],
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const [store, hash] = this.source();
    if (!hash || hash === this.key) return;
    this.key = hash;
    this.url = null;
    this.retries = 0;
    this.clearTimer();
    if (!store) {
      this.url = serverThumbnailUrl(hash);
      return;
    }
    void store.urlFor(hash).then((url) => {
      if (this.key !== hash) return;
      this.url = url;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.clearTimer();
    // The virtualized grid detaches and re-attaches tiles: resolve again when this one returns.
    this.key = null;
  }

  /** The image failed: show the placeholder and try the server again later. */
  failed(): void {
    const hash = this.key;
    this.url = null;
    this.host.requestUpdate();
    const delay = RETRY_MS[this.retries++];
    if (!hash || delay === undefined) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (this.key !== hash) return;
      this.url = `${serverThumbnailUrl(hash)}?retry=${this.retries}`;
      this.host.requestUpdate();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
