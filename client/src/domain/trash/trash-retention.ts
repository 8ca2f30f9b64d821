/**
 * The trash's scheduled job on the device (Immich runs it on its server): once the catalog has
 * loaded, and then every few hours while the app is open, photos trashed more than
 * TRASH_RETENTION_DAYS days ago are deleted permanently (`purgeExpiredTrash`, SPEC D4). The
 * deletion is catalog state (tombstones), so it reaches the user's other devices through the
 * relay; two devices running the job at once write the same tombstones.
 *
 *   const stop = scheduleTrashPurge(library.catalog.doc, library.catalog.whenLoaded);   …   stop()
 */
import type * as Y from 'yjs';
import { purgeExpiredTrash, TRASH_DAYS } from '../../../../protocol/src/index.js';

/** "Empty trash after" (days): a constant setting for now, Immich's default. */
export const TRASH_RETENTION_DAYS = TRASH_DAYS;
/** How often the job runs again while the app stays open. */
export const TRASH_PURGE_EVERY_MS = 4 * 3_600_000;

export interface TrashPurgeOptions {
  readonly days?: number;
  readonly everyMs?: number;
  readonly now?: () => number;
  /** Told how many assets each run deleted (0 included). */
  readonly onPurged?: (count: number) => void;
}

/** Runs the job after `loaded`, then every `everyMs`; returns what stops it (also before `loaded`). */
export const scheduleTrashPurge = (doc: Y.Doc, loaded: Promise<unknown>, options: TrashPurgeOptions = {}): (() => void) => {
  const { days = TRASH_RETENTION_DAYS, everyMs = TRASH_PURGE_EVERY_MS, now = Date.now, onPurged } = options;
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = (): void => {
    if (stopped) return;
    const count = purgeExpiredTrash(doc, now(), days);
    onPurged?.(count);
  };
  void loaded.then(() => {
    if (stopped) return;
    run();
    timer = setInterval(run, everyMs);
  });
  return () => {
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
  };
};
