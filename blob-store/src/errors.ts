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
  /** The server's disk (or its free-space reserve) is full: 507, reads keep working. */
  diskFull: 'diskFull',
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
  diskFull: 507,
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

/** What the app shows when a write finds no room. */
export const DISK_FULL_MESSAGE = "the server's disk is full";

/** Errors that mean "no space left": the filesystem's, a user quota's, SQLite's. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** The error as a BlobError: a full disk becomes diskFull (507), never a 500; others are unchanged. */
export const asDiskFull = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && NO_SPACE.has(String((error as { code?: unknown }).code))
    ? new BlobError(BlobErrorCode.diskFull, DISK_FULL_MESSAGE)
    : error;
