/**
 * Mirrors the sync client's status and pending count into the host, and turns the browser's
 * online/offline events into immediate reconnects (sync and uploads) or clean disconnects.
 *
 *   private connection = new ConnectionController(this, () => this.library);
 *   html`<sbx-status-pill .status=${this.connection.status} .pending=${this.connection.pending}>`
 */
import type { LibrarySession } from '../domain/library-session.js';
import { ConnectionStatus } from '../domain/sync/connection-status.js';
import { LibraryBoundController } from './library-bound-controller.js';

export class ConnectionController extends LibraryBoundController {
  status: ConnectionStatus = ConnectionStatus.offline;
  pending = 0;
  lastError: string | null = null;
  override hostConnected(): void {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    super.hostConnected();
  }

  override hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    super.hostDisconnected();
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    if (!library) return undefined;
    const read = (): void => {
      this.status = library.sync.status;
      this.pending = library.sync.pending;
      this.lastError = library.sync.lastError?.message ?? null;
      this.host.requestUpdate();
    };
    const unsubscribe = library.sync.onChange(read);
    read();
    return unsubscribe;
  }

  private readonly onOnline = (): void => {
    this.bound?.sync.reconnectNow();
    this.bound?.uploads.retryNow();
  };

  private readonly onOffline = (): void => {
    this.bound?.sync.disconnect();
  };
}
