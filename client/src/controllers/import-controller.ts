/**
 * Exposes the importer's items and batch summary to the import panel, starts imports, and
 * reports uploads a previous page load left unfinished (their File objects are gone).
 *
 *   private imports = new ImportController(this, () => this.library);
 *   this.imports.importFiles(input.files); this.imports.summary.uploaded
 */
import { summarize, type ImportItem, type ImportSummary } from '../domain/import/import-state.js';
import type { LibrarySession } from '../domain/library-session.js';
import { UploadStatus } from '../domain/storage/local-db.js';
import { LibraryBoundController } from './library-bound-controller.js';

export class ImportController extends LibraryBoundController {
  items: readonly ImportItem[] = [];
  summary: ImportSummary = summarize([]);
  /** Uploads queued before the last reload that this page cannot resume without the files. */
  interrupted = 0;

  importFiles(files: Iterable<File>): void {
    this.bound?.importer.importFiles(files);
  }

  clearFinished(): void {
    this.bound?.importer.clearFinished();
    this.interrupted = 0;
    this.host.requestUpdate();
  }

  protected attach(library: LibrarySession | null): (() => void) | undefined {
    this.items = [];
    this.summary = summarize([]);
    if (!library) return undefined;
    void library.db.uploads
      .where('status')
      .anyOf([UploadStatus.queued, UploadStatus.uploading])
      .count()
      .then((n) => {
        if (this.bound !== library) return;
        this.interrupted = n;
        this.host.requestUpdate();
      })
      .catch(() => undefined);
    return library.importer.onChange(() => {
      this.items = library.importer.items;
      this.summary = summarize(this.items);
      this.host.requestUpdate();
    });
  }
}
