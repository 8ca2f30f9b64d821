/**
 * Library actions on a selection of any size (issue 11): favourite, archive, trash, restore,
 * delete permanently, rate, tag, shift dates. The ids are written in chunks, one Yjs
 * transaction per chunk, each chunk sized from the time the previous ones took so that no task
 * on the main thread runs past `budgetMs`; between chunks the thread is given back (input,
 * paint). Every chunk is an ordinary catalog transaction: persisted and synced as it lands.
 *
 *   await applyBulk(doc, ids, { kind: LibraryAction.archive })
 *   await applyBulk(doc, ids, { kind: LibraryAction.tag, tag: 'Travel/Japan' }, { budgetMs: 30 })
 */
import type * as Y from 'yjs';
import {
  deleteAssetsPermanently, restoreAssets, setArchived, setFavorite, setRating, shiftTaken, tagAssets, trashAssets, untagAssets, type AssetId,
} from '../../../../protocol/src/index.js';

export const LibraryAction = {
  favorite: 'favorite', unfavorite: 'unfavorite', archive: 'archive', unarchive: 'unarchive', trash: 'trash', restore: 'restore',
  deletePermanently: 'delete-permanently', rate: 'rate', tag: 'tag', untag: 'untag', shiftDate: 'shift-date',
} as const;
export type LibraryAction = (typeof LibraryAction)[keyof typeof LibraryAction];

export type LibraryEdit =
  | { readonly kind: Exclude<LibraryAction, 'rate' | 'tag' | 'untag' | 'shift-date'> }
  | { readonly kind: 'rate'; readonly rating: number }
  | { readonly kind: 'tag' | 'untag'; readonly tag: string }
  | { readonly kind: 'shift-date'; readonly minutes: number };

export interface BulkOptions {
  /** Longest a chunk may keep the main thread (default 30 ms, under the 50 ms of a long task). */
  readonly budgetMs?: number;
  /** Gives the thread back between chunks (default: a macrotask). */
  readonly pause?: () => Promise<void>;
  readonly now?: () => number;
  /** Called after each chunk with how many are done. */
  readonly progress?: (done: number, total: number, chunkMs: number) => void;
}

export interface BulkReport {
  readonly count: number;
  readonly chunks: number;
  /** The longest chunk, ms (what a long-task observer would see, plus the caller's own work). */
  readonly maxChunkMs: number;
  readonly totalMs: number;
}

/** Largest chunk whatever the speed: keeps one transaction's update and observer work bounded. */
const MAX_CHUNK = 5000;

const defaultPause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Writes one chunk of an edit (one transaction). */
export const applyChunk = (doc: Y.Doc, ids: readonly AssetId[], edit: LibraryEdit, at: number): void => {
  doc.transact(() => {
    switch (edit.kind) {
      case LibraryAction.favorite:
      case LibraryAction.unfavorite:
        for (const id of ids) setFavorite(doc, id, edit.kind === LibraryAction.favorite);
        return;
      case LibraryAction.archive:
      case LibraryAction.unarchive:
        for (const id of ids) setArchived(doc, id, edit.kind === LibraryAction.archive);
        return;
      case LibraryAction.trash: return trashAssets(doc, ids, at);
      case LibraryAction.restore: return restoreAssets(doc, ids);
      case LibraryAction.deletePermanently: return void deleteAssetsPermanently(doc, ids, at);
      case LibraryAction.rate:
        for (const id of ids) setRating(doc, id, edit.rating);
        return;
      case LibraryAction.tag: return void tagAssets(doc, ids, edit.tag);
      case LibraryAction.untag: return untagAssets(doc, ids, edit.tag);
      case LibraryAction.shiftDate: return void shiftTaken(doc, ids, edit.minutes);
    }
  });
};

/**
 * Applies an edit to every id, in chunks that each fit the time budget. Starts with 500 ids and
 * resizes every chunk to what the last one cost per id, aiming at half the budget.
 */
export const applyBulk = async (doc: Y.Doc, ids: readonly AssetId[], edit: LibraryEdit, options: BulkOptions = {}): Promise<BulkReport> => {
  const budget = options.budgetMs ?? 30;
  const pause = options.pause ?? defaultPause;
  const now = options.now ?? (() => performance.now());
  const at = Date.now();
  const start = now();
  let size = 500;
  let done = 0;
  let chunks = 0;
  let maxChunkMs = 0;
  while (done < ids.length) {
    const chunk = ids.slice(done, done + size);
    const t0 = now();
    applyChunk(doc, chunk, edit, at);
    const took = now() - t0;
    done += chunk.length;
    chunks++;
    if (took > maxChunkMs) maxChunkMs = took;
    const perId = took / chunk.length;
    // Grow at most twofold a step: a transaction's cost is not quite linear (GC, observers).
    size = Math.max(50, Math.min(size * 2, MAX_CHUNK, Math.floor((budget * 0.5) / Math.max(perId, 1e-4))));
    options.progress?.(done, ids.length, took);
    if (done < ids.length) await pause();
  }
  return { count: ids.length, chunks, maxChunkMs, totalMs: now() - start };
};
