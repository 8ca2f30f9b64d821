/**
 * Device-local data that is not part of the synced catalog: thumbnails made at import
 * time and the persistent upload queue. One Dexie database per user.
 *
 *   const db = openLocalDb(userId); await db.thumbs.put({ hash, blob });
 *   const pending = await db.uploads.where('status').anyOf(['queued', 'uploading']).toArray();
 */
import { Dexie, type EntityTable } from 'dexie';
import type { UserId } from '../../../../protocol/src/index.js';

export interface ThumbRecord {
  readonly hash: string;
  readonly blob: Blob;
}

export const UploadStatus = {
  queued: 'queued',
  uploading: 'uploading',
  done: 'done',
  failed: 'failed',
} as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

export interface UploadRecord {
  readonly hash: string;
  readonly name: string;
  readonly size: number;
  readonly status: UploadStatus;
  readonly bytesSent: number;
  readonly error: string | null;
  readonly updatedAt: number;
}

export type LocalDb = Dexie & {
  thumbs: EntityTable<ThumbRecord, 'hash'>;
  uploads: EntityTable<UploadRecord, 'hash'>;
};

export const localDbName = (user: UserId): string => `shoebox-local-${user}`;

export const openLocalDb = (user: UserId): LocalDb => {
  const db = new Dexie(localDbName(user)) as LocalDb;
  db.version(1).stores({ thumbs: 'hash', uploads: 'hash, status' });
  return db;
};
