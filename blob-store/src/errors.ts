/**
 * Named blob-store failures with machine-readable codes; the routes map each code to a status.
 *
 *   throw new BlobError(BlobErrorCode.hashMismatch, `body hashes to ${actual}`)
 *   const status = statusOf[error.code] // 400
 */

export const BlobErrorCode = {
  unauthorized: 'unauthorized',
  invalidHash: 'invalidHash',
  invalidRequest: 'invalidRequest',
  hashMismatch: 'hashMismatch',
  notFound: 'notFound',
  /** Signed in, but without the room access this needs. */
  forbidden: 'forbidden',
  tooLarge: 'tooLarge',
  /** The user's storage quota would be exceeded. */
  quotaExceeded: 'quotaExceeded',
  unsupportedMediaType: 'unsupportedMediaType',
  /** Stored, but no derivative can be made from it (corrupt, truncated, over the pixel limit). */
  undecodable: 'undecodable',
  /** The derivative job is waiting for a retry; try again later. */
  notReady: 'notReady',
  aborted: 'aborted',
  /** A model id outside the derivative-name grammar (`[A-Za-z0-9][A-Za-z0-9._-]{0,99}`). */
  invalidModelId: 'invalidModelId',
  /** An uploaded ML derivative that does not decode. */
  badDerivative: 'badDerivative',
  /** An ML derivative whose embedded asset hash or model id differs from its URL's. */
  derivativeMismatch: 'derivativeMismatch',
  internal: 'internal',
} as const;
export type BlobErrorCode = (typeof BlobErrorCode)[keyof typeof BlobErrorCode];

export const statusOf: Readonly<Record<BlobErrorCode, number>> = {
  unauthorized: 401,
  invalidHash: 400,
  invalidRequest: 400,
  hashMismatch: 400,
  notFound: 404,
  forbidden: 403,
  tooLarge: 413,
  quotaExceeded: 413,
  unsupportedMediaType: 415,
  undecodable: 422,
  notReady: 503,
  aborted: 400,
  invalidModelId: 400,
  badDerivative: 400,
  derivativeMismatch: 409,
  internal: 500,
};

export class BlobError extends Error {
  constructor(
    readonly code: BlobErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BlobError';
  }
}
