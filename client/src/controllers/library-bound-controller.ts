/**
 * Base for controllers that follow the signed-in library: binds when the host connects,
 * re-binds when the host's library changes (sign-in, sign-out, another user) and cleans up
 * when the host disconnects. Subclasses only say what to subscribe to.
 *
 *   class PendingController extends LibraryBoundController {
 *     protected attach(library) { return library?.sync.onChange(() => this.host.requestUpdate()); } }
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LibrarySession } from '../domain/library-session.js';

export abstract class LibraryBoundController implements ReactiveController {
  /** The library the subscriptions belong to; null while signed out or disconnected. */
  protected bound: LibrarySession | null = null;
  private detach: (() => void) | undefined;
  private pendingFrame = 0;

  constructor(
    protected readonly host: ReactiveControllerHost,
    private readonly library: () => LibrarySession | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.rebind();
  }

  hostUpdate(): void {
    if (this.library() !== this.bound) this.rebind();
  }

  /** Re-renders the host once per animation frame, however many changes arrive in it. */
  protected requestFrameUpdate(): void {
    if (this.pendingFrame) return;
    this.pendingFrame = requestAnimationFrame(() => {
      this.pendingFrame = 0;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.cancelFrameUpdate();
    this.detach?.();
    this.detach = undefined;
    this.bound = null;
  }

  /**
   * Resets the controller's state for `library` (null when signed out) and subscribes to it;
   * returns what undoes the subscriptions.
   */
  protected abstract attach(library: LibrarySession | null): (() => void) | undefined;

  private cancelFrameUpdate(): void {
    if (this.pendingFrame) cancelAnimationFrame(this.pendingFrame);
    this.pendingFrame = 0;
  }

  private rebind(): void {
    this.cancelFrameUpdate();
    this.detach?.();
    this.bound = this.library();
    this.detach = this.attach(this.bound);
  }
}
