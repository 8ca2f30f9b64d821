/**
 * Machine-readable reasons carried by WebSocket error messages and HTTP error bodies.
 *
 *   writeError(encoder, { reason: ErrorReason.forbidden, room, message: 'no grant' })
 *   if (isErrorReason(code)) …
 */

export const ErrorReason = {
  /** The client speaks only protocol versions older than the server supports. */
  clientTooOld: 'clientTooOld',
  /** The client speaks only protocol versions newer than the server supports. */
  serverTooOld: 'serverTooOld',
  /** No or invalid token, or the token was revoked. */
  unauthorized: 'unauthorized',
  /** Authenticated, but without a grant for this room or action. */
  forbidden: 'forbidden',
  /** A message arrived before hello completed. */
  helloRequired: 'helloRequired',
  /** A room message for a room the session has not joined. */
  notJoined: 'notJoined',
  /** The session's grant is read-only and the message would write. */
  readOnly: 'readOnly',
  /** Bytes that do not parse as a message of this protocol. */
  malformed: 'malformed',
  /** A message or body over the size limit. */
  tooLarge: 'tooLarge',
  /**
   * A Yjs update the relay refused before storing or relaying it: it does not decode, its clocks
   * or sizes are out of bounds, it does not apply to the room's current state, or the result
   * would break the room's schema. The sender resynchronises (sync step 1).
   */
  invalidUpdate: 'invalidUpdate',
  /** Too many messages or requests in a window. */
  rateLimited: 'rateLimited',
  /** The server failed; the client may retry. */
  internal: 'internal',
} as const;

export type ErrorReason = (typeof ErrorReason)[keyof typeof ErrorReason];

const reasons = new Set<string>(Object.values(ErrorReason));
export const isErrorReason = (value: unknown): value is ErrorReason =>
  typeof value === 'string' && reasons.has(value);

/** An error that crosses a boundary: it carries a reason the other side can act on. */
export class ProtocolError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
