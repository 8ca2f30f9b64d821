/**
 * The minimal socket the relay core talks to, and the WebSocket endpoint shape the transport
 * serves. Keeps the core free of uWebSockets.js so tests can drive it with plain objects.
 *
 *   const endpoint: WsEndpoint = { pattern: '/sync', open: (socket) => relay.connectSync(socket) }
 *   handler.message(bytes); handler.closed()
 */

export interface RelaySocket {
  /** Queues a binary frame; false when it was dropped (the core then closes the socket). */
  send(bytes: Uint8Array): boolean;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written to the network. */
  bufferedAmount(): number;
}

/** What the transport knows about an upgrade request, copied before the request is gone. */
export interface UpgradeInfo {
  /** Decoded path, e.g. `/yjs/catalog:abc`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly remoteAddress: string;
}

export interface SocketHandler {
  message(bytes: Uint8Array): void;
  /** The socket closed, by either side. Called exactly once. */
  closed(): void;
}

export interface WsEndpoint {
  /** `/sync` exactly, or a prefix ending in `/*`. */
  readonly pattern: string;
  open(socket: RelaySocket, info: UpgradeInfo): SocketHandler;
}

/**
 * WebSocket close codes the relay uses. 44xx mirror HTTP statuses; y-websocket treats
 * 4400–4499 as final and stops reconnecting, which is right for auth and protocol failures.
 */
export const CloseCode = {
  goingAway: 1001,
  unsupportedData: 1003,
  internal: 1011,
  tryAgainLater: 1013,
  malformed: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  tooLarge: 4413,
  /** A y-websocket client sent an update the relay refused: its replica needs a fresh sync. */
  invalidUpdate: 4422,
  incompatible: 4426,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const closeCodeFor = (reason: string): CloseCode => {
  switch (reason) {
    case 'unauthorized': return CloseCode.unauthorized;
    case 'forbidden': return CloseCode.forbidden;
    case 'tooLarge': return CloseCode.tooLarge;
    case 'invalidUpdate': return CloseCode.invalidUpdate;
    case 'clientTooOld':
    case 'serverTooOld': return CloseCode.incompatible;
    case 'internal': return CloseCode.internal;
    case 'rateLimited': return CloseCode.tryAgainLater;
    default: return CloseCode.malformed;
  }
};
