/**
 * What each user's library takes on disk, for the administrators' list (issue 13): the originals
 * they own, the derivatives made of them, and how many originals. The relay asks through the
 * `usage` source scripts/serve.ts wires (it never imports the blob store).
 *
 *   const usage = createStorageUsage(db, derivativeFiles)
 *   (await usage.usageOf([userId])).get(userId)   // { originalsBytes, derivativesBytes, assets }
 */
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import type { UserUsage } from '../../protocol/src/http.js';
import type { BlobDb } from './blob-db.js';
import { derivativeFormats, type DerivativeRepository, type FileDerivativeKind } from './derivative.repository.js';

export interface StorageUsage {
  usageOf(users: readonly UserId[]): Promise<ReadonlyMap<UserId, UserUsage>>;
}

const KINDS = Object.keys(derivativeFormats) as FileDerivativeKind[];

export const createStorageUsage = (db: BlobDb, files: Pick<DerivativeRepository, 'size'>): StorageUsage => {
  const owned = db.prepare<[string], { hash: string; size: number }>(
    `SELECT b.hash, b.size FROM blobs b JOIN blob_grants g ON g.hash = b.hash AND g.via = 'owner' WHERE g.user_id = ?`,
  );
  const derivativesOf = async (hash: BlobHash): Promise<number> =>
    (await Promise.all(KINDS.map((kind) => files.size(hash, kind)))).reduce<number>((sum, size) => sum + (size ?? 0), 0);
  return {
    async usageOf(users) {
      const result = new Map<UserId, UserUsage>();
      for (const user of users) {
        const rows = owned.all(user);
        let derivativesBytes = 0;
        for (const row of rows) derivativesBytes += await derivativesOf(row.hash as BlobHash);
        result.set(user, { originalsBytes: rows.reduce((sum, r) => sum + r.size, 0), derivativesBytes, assets: rows.length });
      }
      return result;
    },
  };
};
