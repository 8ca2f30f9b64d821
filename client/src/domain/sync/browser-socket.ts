/**
 * The SyncSocket transport over the browser's WebSocket, speaking binary frames to the
 * same-origin `/sync` endpoint.
 *
 *   const createSocket = browserSocketFactory('/sync');
 *   new SyncClient({ token, clientId, createSocket })
 */
import type { SyncSocketFactory } from './sync-client.js';

export const syncUrl = (path = '/sync', location: Location = window.location): string =>
  `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;

export const browserSocketFactory =
  (path = '/sync'): SyncSocketFactory =>
  (handlers) => {
    const ws = new WebSocket(syncUrl(path));
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => handlers.onOpen();
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) handlers.onMessage(new Uint8Array(event.data));
    };
    ws.onclose = () => handlers.onClose();
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
    return {
      send: (bytes) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
      },
      close: () => ws.close(),
    };
  };
