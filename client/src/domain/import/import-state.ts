/**
 * What the import panel shows: one item per picked file with its lifecycle, and the batch
 * totals ("Uploading 12 / 200 · 45 MB / 380 MB"). Pure, so the summary is unit-tested.
 *
 *   const summary = summarize(items);
 *   `${summary.uploaded} / ${summary.toUpload}`
 */

export const ImportItemState = {
  /** Reading the file: SHA-256, EXIF, thumbnail. */
  hashing: 'hashing',
  /** In the catalog, waiting for an upload slot or for the server. */
  queued: 'queued',
  uploading: 'uploading',
  done: 'done',
  /** The same content is already in the library; not uploaded again. */
  duplicate: 'duplicate',
  /** Not a photo or video; not added. */
  skipped: 'skipped',
  failed: 'failed',
} as const;
export type ImportItemState = (typeof ImportItemState)[keyof typeof ImportItemState];

export interface ImportItem {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly state: ImportItemState;
  readonly hash: string | null;
  /** Bytes hashed while hashing, bytes sent while uploading. */
  readonly bytesDone: number;
  /** Why it was skipped or failed, or what it waits for. */
  readonly message: string | null;
}

export interface ImportSummary {
  readonly total: number;
  /**
   * Files that need an upload, and how many of them are done. Files still being read count as
   * needing one (most do), so the batch total is right from the first moment.
   */
  readonly toUpload: number;
  readonly uploaded: number;
  readonly bytesTotal: number;
  readonly bytesSent: number;
  readonly hashing: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly failed: number;
  /** Nothing left to do in this batch. */
  readonly finished: boolean;
}

const UPLOADING: ReadonlySet<ImportItemState> = new Set([ImportItemState.hashing, ImportItemState.queued, ImportItemState.uploading, ImportItemState.done]);

export const summarize = (items: readonly ImportItem[]): ImportSummary => {
  let toUpload = 0, uploaded = 0, bytesTotal = 0, bytesSent = 0, hashing = 0, duplicates = 0, skipped = 0, failed = 0;
  for (const item of items) {
    if (item.state === ImportItemState.hashing) hashing++;
    if (item.state === ImportItemState.duplicate) duplicates++;
    if (item.state === ImportItemState.skipped) skipped++;
    if (item.state === ImportItemState.failed) failed++;
    if (!UPLOADING.has(item.state)) continue;
    toUpload++;
    bytesTotal += item.size;
    if (item.state === ImportItemState.done) {
      uploaded++;
      bytesSent += item.size;
    } else if (item.state === ImportItemState.uploading) {
      bytesSent += Math.min(item.bytesDone, item.size);
    }
  }
  const finished = items.every((i) => i.state !== ImportItemState.hashing && i.state !== ImportItemState.queued && i.state !== ImportItemState.uploading);
  return { total: items.length, toUpload, uploaded, bytesTotal, bytesSent, hashing, duplicates, skipped, failed, finished };
};

export const formatBytes = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
};
