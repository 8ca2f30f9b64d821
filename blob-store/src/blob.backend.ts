/**
 * Where original blobs live. The filesystem backend exists now; an S3 backend will implement the
 * same interface and pass the same `runBlobBackendContractTests`.
 *
 *   const { created } = await backend.putFile(hash, '/data/blobs/tmp/upload.part')
 *   const file = await backend.localFile(hash) // stream it with a FileBody
 */
import type { BlobHash } from '../../protocol/src/index.js';

export interface BlobStat {
  readonly size: number;
}

export interface BlobBackend {
  /**
   * Moves a complete, already-fsynced temp file into place under `hash`, atomically: readers see
   * the whole blob or nothing. The temp file is gone afterwards either way. `created: false` when
   * the blob was already stored (content addressing makes the two identical).
   */
  putFile(hash: BlobHash, tempFile: string): Promise<{ readonly created: boolean }>;
  exists(hash: BlobHash): Promise<boolean>;
  stat(hash: BlobHash): Promise<BlobStat | undefined>;
  /** A local file with the blob's bytes, for FileBody responses and decoders (S3 would fill a cache). */
  localFile(hash: BlobHash): Promise<string>;
  /** The bytes as a stream, optionally a byte range with inclusive end. */
  read(hash: BlobHash, range?: { readonly start: number; readonly end: number }): AsyncIterable<Uint8Array>;
  /** True when something was deleted. */
  delete(hash: BlobHash): Promise<boolean>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly hash: BlobHash) {
    super(`blob ${hash} is not stored`);
    this.name = 'BlobNotFoundError';
  }
}
