/**
 * "Index once" ML derivatives on disk and in SQLite, each user's own (ADR 0050): the file at
 * `<root>/ab/cd/<hash>-ml-<user key>-<modelId>.sbml` (fsynced temp, then a no-clobber link, so
 * the user's first write wins and nobody sees half a file) and a row per (hash, user, model id).
 *
 *   const { created } = await ml.put(hash, user, modelId, 'clip', bytes)
 *   ml.present(user, modelId, hashes) // hashes that have the user's own derivative of this model
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import { readMlDerivative, type MlDerivative } from '../../models/src/derivatives/ml-derivative.js';
import type { BlobDb } from './blob-db.js';
import { fsyncDir, removeShardFiles, shardedPath, writeSyncedFile } from './fs-blob.backend.js';

/** A model id that passed `mlDerivativeName`: safe as a path segment and a file-name part. */
export type ModelId = string & { readonly __brand: 'ModelId' };

export interface MlDerivativeRecord {
  readonly hash: BlobHash;
  /** Whose device computed it. */
  readonly user: UserId;
  readonly modelId: ModelId;
  /** The codec's kind: 'clip' (an embedding) or 'faces'. */
  readonly kind: MlDerivative['kind'];
  readonly size: number;
  /** SHA-256 hex of the derivative bytes (the strong ETag). */
  readonly sha256: string;
}

export interface MlDerivativeRepository {
  get(hash: BlobHash, user: UserId, modelId: ModelId): MlDerivativeRecord | undefined;
  pathOf(hash: BlobHash, user: UserId, modelId: ModelId): string;
  /** Size of the stored file, or undefined when there is none. */
  size(hash: BlobHash, user: UserId, modelId: ModelId): Promise<number | undefined>;
  /** Stores the user's bytes unless they already have a file there (first write wins) and records its row either way. */
  put(hash: BlobHash, user: UserId, modelId: ModelId, kind: MlDerivative['kind'], bytes: Uint8Array): Promise<{ created: boolean }>;
  /** The given hashes (deduplicated, in input order) that have the user's own derivative of this model. */
  present(user: UserId, modelId: ModelId, hashes: readonly BlobHash[]): BlobHash[];
  /** Deletes the user's derivatives of the blob (rows and files). */
  removeFor(hash: BlobHash, user: UserId): Promise<void>;
  /** Deletes every derivative of the blob, everyone's (files; rows go with the blob row). */
  removeAll(hash: BlobHash): Promise<void>;
}

/** One statement: per requested hash, a primary-key probe into the user's derivatives. */
export const PRESENT_SQL = `SELECT DISTINCT d.hash AS hash
  FROM json_each(?) j
  JOIN user_ml_derivatives d ON d.hash = j.value AND d.model_id = ? AND d.user_id = ?`;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
/** A user id as a file-name part: any id, fixed length, no path characters. */
const userKey = (user: UserId): string => sha256(Buffer.from(user, 'utf8')).slice(0, 32);
const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** `tmpDir` must be on the same filesystem as `root` (it is swept at start, so a crash leaves nothing). */
export const createMlDerivativeRepository = async (db: BlobDb, root: string, tmpDir: string): Promise<MlDerivativeRepository> => {
  await mkdir(root, { recursive: true });
  const get = db.prepare<[string, string, string], { hash: string; user_id: string; model_id: string; kind: MlDerivative['kind']; size: number; sha256: string }>(
    'SELECT hash, user_id, model_id, kind, size, sha256 FROM user_ml_derivatives WHERE hash = ? AND user_id = ? AND model_id = ?',
  );
  const insert = db.prepare('INSERT OR IGNORE INTO user_ml_derivatives (hash, user_id, model_id, kind, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const replace = db.prepare('INSERT OR REPLACE INTO user_ml_derivatives (hash, user_id, model_id, kind, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const present = db.prepare<[string, string, string], { hash: string }>(PRESENT_SQL);
  const modelsOf = db.prepare<[string, string], ModelId>('SELECT model_id FROM user_ml_derivatives WHERE hash = ? AND user_id = ?').pluck();
  const dropFor = db.prepare('DELETE FROM user_ml_derivatives WHERE hash = ? AND user_id = ?');

  const pathOf = (hash: BlobHash, user: UserId, modelId: ModelId): string => shardedPath(root, hash, `-ml-${userKey(user)}-${modelId}.sbml`);
  const size = async (hash: BlobHash, user: UserId, modelId: ModelId): Promise<number | undefined> => {
    try {
      const s = await stat(pathOf(hash, user, modelId));
      return s.isFile() ? s.size : undefined;
    } catch (error) {
      if (errno(error) === 'ENOENT') return undefined;
      throw error;
    }
  };

  /** Writes and fsyncs a temp file, then links it into place; false when a file was already there. */
  const place = async (target: string, bytes: Uint8Array): Promise<boolean> => {
    await mkdir(dirname(target), { recursive: true });
    const temp = join(tmpDir, `ml.${randomUUID()}.part`);
    try {
      await writeSyncedFile(temp, bytes);
      try {
        // link() fails with EEXIST instead of replacing: concurrent writers leave the first file.
        await link(temp, target);
      } catch (error) {
        const code = errno(error);
        if (code === 'EEXIST') return false;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
        // A filesystem without hard links: check, then rename (atomic, but a racing writer may replace).
        if ((await stat(target).catch(() => undefined)) !== undefined) return false;
        await rename(temp, target);
      }
      await fsyncDir(dirname(target));
      return true;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  };

  return {
    get(hash, user, modelId) {
      const row = get.get(hash, user, modelId);
      return row
        ? { hash: row.hash as BlobHash, user: row.user_id as UserId, modelId: row.model_id as ModelId, kind: row.kind, size: row.size, sha256: row.sha256 }
        : undefined;
    },
    pathOf,
    size,
    async put(hash, user, modelId, kind, bytes) {
      const target = pathOf(hash, user, modelId);
      if (get.get(hash, user, modelId) && (await size(hash, user, modelId)) !== undefined) return { created: false };
      if (await place(target, bytes)) {
        // The file just created is the truth, even over a row whose file had gone missing.
        replace.run(hash, user, modelId, kind, bytes.byteLength, sha256(bytes), Date.now());
        return { created: true };
      }
      // Another writer won, or a crash came between link and insert: record the file that is there.
      if (!get.get(hash, user, modelId)) {
        const stored = await readFile(target); // validated before it was written
        insert.run(hash, user, modelId, readMlDerivative(stored).kind, stored.byteLength, sha256(stored), Date.now());
      }
      return { created: false };
    },
    async removeFor(hash, user) {
      const models = modelsOf.all(hash, user);
      dropFor.run(hash, user);
      await Promise.all(models.map((modelId) => unlink(pathOf(hash, user, modelId)).catch(() => undefined)));
    },
    removeAll: async (hash) => void (await removeShardFiles(root, hash)),
    present(user, modelId, hashes) {
      const unique = [...new Set(hashes)];
      const found = new Set(present.all(JSON.stringify(unique), modelId, user).map((r) => r.hash));
      return unique.filter((h) => found.has(h));
    },
  };
};
