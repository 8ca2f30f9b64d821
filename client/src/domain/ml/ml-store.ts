/**
 * This device's ML results, so a reload does not recompute: one record per (asset hash, model
 * id) holding the encoded index-once derivative (models' `writeMlDerivative`), whether it was
 * computed here or downloaded, and whether the blob store has it yet. One Dexie database per
 * user, apart from the local db so ML can change its schema on its own.
 *
 *   const store = openMlStore(userId); await store.results.put({ key: mlKey(hash, 'face-api'), … });
 *   const faces = await store.results.where('modelId').equals('face-api').toArray();
 */
import { Dexie, type EntityTable } from 'dexie';
import type { UserId } from '../../../../protocol/src/index.js';

export const MlOrigin = { computed: 'computed', downloaded: 'downloaded' } as const;
export type MlOrigin = (typeof MlOrigin)[keyof typeof MlOrigin];

export interface MlRecord {
  /** `<hash>/<modelId>`. */
  readonly key: string;
  readonly hash: string;
  readonly modelId: string;
  /** The derivative bytes, exactly as PUT to / GET from the blob store. */
  readonly bytes: Uint8Array;
  readonly origin: MlOrigin;
  /** False until the blob store has accepted (or already had) this result. */
  readonly shared: boolean;
}

/** Assets the device could not index (undecodable image…), so they are not retried forever. */
export interface MlFailure {
  readonly key: string;
  readonly reason: string;
}

export type MlStore = Dexie & {
  results: EntityTable<MlRecord, 'key'>;
  failures: EntityTable<MlFailure, 'key'>;
};

export const mlKey = (hash: string, modelId: string): string => `${hash}/${modelId}`;
export const mlStoreName = (user: UserId): string => `shoebox-ml-${user}`;

export const openMlStore = (user: UserId): MlStore => {
  const db = new Dexie(mlStoreName(user)) as MlStore;
  db.version(1).stores({ results: 'key, modelId', failures: 'key' });
  return db;
};
