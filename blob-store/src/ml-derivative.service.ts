/**
 * "Index once" logic independent of HTTP: a device that ran a model on an asset uploads the
 * result (faces or an embedding, models' `writeMlDerivative` codec) so other devices download it
 * instead of recomputing. Each user's derivatives are their own (ADR 0050): anyone who may read
 * the blob may add theirs, and reads their own; a reader who did not upload the blob may reuse
 * those of whoever registered it in a room they read. An uploader never gets another's.
 *
 *   const { created } = await ml.put(user, hash, 'ViT-B-32__openai', req.body(), { contentLength })
 *   ml.present(user, 'ViT-B-32__openai', hashes) // which of these already have one
 */
import type { BlobHash, RoomId, UserId } from '../../protocol/src/index.js';
import { MlDerivativeError, mlDerivativeName, readMlDerivative, type MlDerivative } from '../../models/src/derivatives/ml-derivative.js';
import type { BlobReader } from './blob-access.policy.js';
import type { BlobRepository } from './blob.repository.js';
import type { StoredFile } from './blob.service.js';
import { BlobError, BlobErrorCode } from './errors.js';
import type { MlDerivativeRecord, MlDerivativeRepository, ModelId } from './ml-derivative.repository.js';

/** Largest ML derivative accepted: a 512-d embedding is ~2 KiB, a face with a 512-d descriptor ~2.1 KiB (~490 fit). */
export const MAX_ML_DERIVATIVE_BYTES = 1024 * 1024;
/** Most hashes one presence query may ask about. */
export const MAX_ML_QUERY_HASHES = 1000;

export interface MlDerivativeServiceDeps {
  readonly blobs: Pick<BlobRepository, 'get' | 'isOwner'>;
  /** Who may read a blob (its uploaders, and readers of rooms it is in). */
  readonly reader: BlobReader;
  readonly ml: MlDerivativeRepository;
}

export interface MlDerivativeService {
  /** Validates and stores the user's encoded derivative; their first write for (hash, model id) wins. */
  put(user: UserId, hash: BlobHash, modelId: ModelId, body: AsyncIterable<Uint8Array>, options?: { contentLength?: number }): Promise<{ created: boolean }>;
  get(user: UserId, hash: BlobHash, modelId: ModelId): Promise<StoredFile & { readonly sha256: string }>;
  present(user: UserId, modelId: ModelId, hashes: readonly BlobHash[]): Promise<BlobHash[]>;
}

/** The model id as a ModelId, or invalidModelId (the grammar of models' `mlDerivativeName`). */
export const parseModelId = (value: unknown): ModelId => {
  try {
    if (typeof value !== 'string') throw new MlDerivativeError('model id must be a string');
    mlDerivativeName(value);
    return value as ModelId;
  } catch (error) {
    throw new BlobError(BlobErrorCode.invalidModelId, `${(error as Error).message}; a model id is 1–100 of A–Z a–z 0–9 . _ - starting with a letter or digit`);
  }
};

const tooLarge = (): BlobError => new BlobError(BlobErrorCode.tooLarge, `an ML derivative may be at most ${MAX_ML_DERIVATIVE_BYTES} bytes`);

export const createMlDerivativeService = ({ blobs, reader, ml }: MlDerivativeServiceDeps): MlDerivativeService => {
  /** The user's own derivative; for a reader who did not upload the blob, one shared with them through a room. */
  const usable = async (user: UserId, hash: BlobHash, modelId: ModelId, asked: Map<RoomId, Promise<boolean>>): Promise<MlDerivativeRecord | undefined> => {
    const own = ml.get(hash, user, modelId);
    if (own || blobs.isOwner(user, hash)) return own;
    for (const sharer of await reader.sharers(user, hash, asked)) {
      const shared = ml.get(hash, sharer, modelId);
      if (shared) return shared;
    }
    return undefined;
  };
  /** A blob the user may not read is indistinguishable from none. */
  const mustRead = async (user: UserId, hash: BlobHash): Promise<void> => {
    if (!blobs.get(hash) || !(await reader.canRead(user, hash))) throw new BlobError(BlobErrorCode.notFound, 'no such blob');
  };

  return {
    async put(user, hash, modelId, body, { contentLength } = {}) {
      await mustRead(user, hash);
      if (contentLength !== undefined && contentLength > MAX_ML_DERIVATIVE_BYTES) throw tooLarge();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > MAX_ML_DERIVATIVE_BYTES) throw tooLarge();
        chunks.push(chunk);
      }
      const bytes = new Uint8Array(Buffer.concat(chunks));
      let value: MlDerivative;
      try {
        value = readMlDerivative(bytes);
      } catch (error) {
        throw new BlobError(BlobErrorCode.badDerivative, (error as Error).message);
      }
      if (value.assetHash !== hash) throw new BlobError(BlobErrorCode.derivativeMismatch, `the derivative is for asset ${JSON.stringify(value.assetHash)}, not ${hash}`);
      if (value.modelId !== modelId) throw new BlobError(BlobErrorCode.derivativeMismatch, `the derivative is for model ${JSON.stringify(value.modelId)}, not ${modelId}`);
      return ml.put(hash, user, modelId, value.kind, bytes);
    },

    async get(user, hash, modelId) {
      await mustRead(user, hash);
      const record = await usable(user, hash, modelId, new Map());
      const size = record ? await ml.size(hash, record.user, modelId) : undefined;
      if (!record || size === undefined) throw new BlobError(BlobErrorCode.notFound, `no ${modelId} derivative for this blob`);
      return { file: ml.pathOf(hash, record.user, modelId), size, mime: 'application/octet-stream', sha256: record.sha256 };
    },

    async present(user, modelId, hashes) {
      if (hashes.length > MAX_ML_QUERY_HASHES) throw new BlobError(BlobErrorCode.invalidRequest, `at most ${MAX_ML_QUERY_HASHES} hashes per query`);
      const found = new Set(ml.present(user, modelId, hashes)); // the user's own, in one statement
      const asked = new Map<RoomId, Promise<boolean>>();
      for (const hash of new Set(hashes)) if (!found.has(hash) && (await usable(user, hash, modelId, asked))) found.add(hash);
      return [...new Set(hashes)].filter((hash) => found.has(hash));
    },
  };
};
