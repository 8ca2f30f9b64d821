/**
 * The lifecycle of the `/sync` connection as the UI shows it.
 *
 *   if (client.status === ConnectionStatus.online) …
 *   pill.status = ConnectionStatus.offline
 */

export const ConnectionStatus = {
  /** Opening the socket, saying hello or joining rooms (also while waiting to retry). */
  connecting: 'connecting',
  /** Welcomed and every room has completed its first sync exchange. */
  online: 'online',
  /** No connection: the browser is offline, the server is unreachable, or the client stopped. */
  offline: 'offline',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];
