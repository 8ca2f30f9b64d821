/**
 * Runs the trash's scheduled job (scheduleTrashPurge: after the catalog loads, then every few
 * hours) for the signed-in library while the host is connected; stops on sign-out.
 *
 *   private readonly trashRetention = new TrashRetentionController(this, () => this.library);
 */
import type { LibrarySession } from '../domain/library-session.js';
import { scheduleTrashPurge } from '../domain/trash/trash-retention.js';
import { LibraryBoundController } from './library-bound-controller.js';

export class TrashRetentionController extends LibraryBoundController {
  protected attach(library: LibrarySession | null): (() => void) | undefined {
    return library ? scheduleTrashPurge(library.catalog.doc, library.catalog.whenLoaded) : undefined;
  }
}
