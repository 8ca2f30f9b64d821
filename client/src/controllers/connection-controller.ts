/**
 * Mirrors the sync client's status and pending count into the host, and turns the browser's
 * online/offline events into immediate reconnects (sync and uploads) or clean disconnects.
 *
 *   private connection = new ConnectionController(this, () => this.library);
 *   html`<sbx-status-pill .status=${this.connection.status} .pending=${this.connection.pending}>`
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LibrarySession } from '../domain/library-session.js';
import { ConnectionStatus } from '../domain/sync/connection-status.js';

export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = ConnectionStatus.offline;
  pending = 0;
  lastError: string | null = null;
  private bound: LibrarySession | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly library: () => LibrarySession | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.bind();
  }

  hostUpdate(): void {
    if (this.library() !== this.bound) this.bind();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.bound = null;
  }

  private bind(): void {
    this.unsubscribe?.();
    const library = this.library();
    this.bound = library;
    if (!library) return;
    const read = (): void => {
      this.status = library.sync.status;
      this.pending = library.sync.pending;
      this.lastError = library.sync.lastError?.message ?? null;
      this.host.requestUpdate();
    };
    this.unsubscribe = library.sync.onChange(read);
    read();
  }

  private readonly onOnline = (): void => {
    this.bound?.sync.reconnectNow();
    this.bound?.uploads.retryNow();
  };

  private readonly onOffline = (): void => {
    this.bound?.sync.disconnect();
  };
}
