/**
 * Runs an import: per file, sniff the type, analyse it in a worker (hash, EXIF, thumbnail),
 * store the local thumbnail, add the asset to the catalog (a duplicate hash is reported and
 * not uploaded again) and queue the original for upload. Keeps the item list for the panel.
 *
 *   const importer = new ImportService({ doc, thumbs, uploads, analyze });
 *   importer.onChange(() => panel.items = importer.items); importer.importFiles(input.files)
 */
import type * as Y from 'yjs';
import { AssetKind, addAsset, assetIdOf, parseBlobHash, trashAsset } from '../../../../protocol/src/index.js';
import type { ThumbStore } from '../storage/thumb-store.js';
import { buildAssetFacts } from './asset-facts.js';
import { SNIFF_BYTES, detectMedia, type MediaKind } from './file-kind.js';
import { ImportItemState, type ImportItem } from './import-state.js';
import type { UploadEvent } from './upload-queue.js';
import type { VideoProbe } from './video-probe.js';
import type { Analysis } from './analysis.js';

export interface ImportServiceOptions {
  readonly doc: Y.Doc;
  readonly thumbs: Pick<ThumbStore, 'put'>;
  readonly uploads: { enqueue(hash: string, file: File): void };
  /** Runs the worker's analysis; the pool decides where. */
  readonly analyze: (file: File, isImage: boolean, onProgress: (bytes: number) => void) => Promise<Analysis>;
  readonly probeVideo: (file: File) => Promise<VideoProbe>;
  /** Hashes whose upload is not finished on this device (a re-import resumes them). */
  readonly unfinishedUpload: (hash: string) => Promise<boolean>;
  /** Files analysed at once; the worker pool size. */
  readonly parallel?: number;
  readonly now?: () => number;
}

export class ImportService {
  items: readonly ImportItem[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<number, File>();
  private readonly backlog: number[] = [];
  private running = 0;
  private notifyScheduled = false;
  /** Hashes this page already queued: a second copy in the same session is a plain duplicate. */
  private readonly queuedHashes = new Set<string>();

  constructor(private readonly options: ImportServiceOptions) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  importFiles(files: Iterable<File>): void {
    const added: ImportItem[] = [];
    for (const file of files) {
      const id = this.nextId++;
      this.files.set(id, file);
      this.backlog.push(id);
      added.push({ id, name: file.name, size: file.size, state: ImportItemState.hashing, hash: null, bytesDone: 0, message: null });
    }
    this.items = [...this.items, ...added];
    this.notify();
    this.pump();
  }

  /** Removes finished items from the panel. */
  clearFinished(): void {
    const active = new Set<ImportItemState>([ImportItemState.hashing, ImportItemState.queued, ImportItemState.uploading]);
    this.items = this.items.filter((i) => active.has(i.state));
    this.notify();
  }

  /** Applies an upload queue event to every item with that hash. */
  handleUploadEvent(event: UploadEvent): void {
    for (const item of this.items) {
      if (item.hash !== event.hash || item.state === ImportItemState.duplicate || item.state === ImportItemState.skipped) continue;
      switch (event.type) {
        case 'uploading':
          this.patch(item.id, { state: ImportItemState.uploading, bytesDone: event.bytesSent, message: null });
          break;
        case 'done':
          this.patch(item.id, { state: ImportItemState.done, bytesDone: item.size, message: event.alreadyOnServer ? 'Already on the server' : null });
          break;
        case 'waiting':
          this.patch(item.id, { state: ImportItemState.queued, bytesDone: 0, message: event.message });
          break;
        case 'failed':
          this.patch(item.id, { state: ImportItemState.failed, message: event.message });
          break;
      }
    }
    if (event.type === 'failed' && event.status === 415) {
      // The server will never hold this blob, so its tile could never show anything. The
      // catalog has no remove operation (protocol change requested), so it goes to trash.
      trashAsset(this.options.doc, assetIdOf(parseBlobHash(event.hash)), (this.options.now ?? Date.now)());
    }
  }

  private pump(): void {
    const parallel = this.options.parallel ?? 2;
    while (this.running < parallel && this.backlog.length > 0) {
      const id = this.backlog.shift() as number;
      this.running++;
      void this.importOne(id).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async importOne(id: number): Promise<void> {
    const file = this.files.get(id) as File;
    try {
      const media = detectMedia(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()), file.type);
      if (!media) {
        this.patch(id, { state: ImportItemState.skipped, message: `Not a photo or video${file.type ? ` (${file.type})` : ''}; skipped` });
        return;
      }
      await this.analyzeAndAdd(id, file, media);
    } catch (err) {
      console.error('import failed', file.name, err);
      this.patch(id, { state: ImportItemState.failed, message: `Could not read the file: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.files.delete(id);
    }
  }

  private async analyzeAndAdd(id: number, file: File, media: MediaKind): Promise<void> {
    const isImage = media.kind === AssetKind.image;
    const analysis = await this.options.analyze(file, isImage, (bytes) => this.patch(id, { bytesDone: bytes }));
    const hash = parseBlobHash(analysis.hash);
    const video = isImage ? null : await this.options.probeVideo(file);
    const facts = buildAssetFacts({
      hash,
      file,
      media,
      exif: analysis.exif,
      decoded: analysis.decoded ?? video?.decoded ?? null,
      duration: video?.duration ?? null,
      importedAt: (this.options.now ?? Date.now)(),
    });
    const thumb = analysis.thumb ?? video?.thumb ?? null;
    if (thumb) await this.options.thumbs.put(hash, thumb).catch((err: unknown) => console.warn('thumbs: not stored', err));
    const added = addAsset(this.options.doc, facts);
    if (!added && (this.queuedHashes.has(hash) || !(await this.options.unfinishedUpload(hash)))) {
      this.patch(id, { state: ImportItemState.duplicate, hash, message: 'Already in library' });
      return;
    }
    this.queuedHashes.add(hash);
    this.patch(id, { state: ImportItemState.queued, hash, bytesDone: 0, message: null });
    this.options.uploads.enqueue(hash, file);
  }

  private patch(id: number, change: Partial<Omit<ImportItem, 'id'>>): void {
    this.items = this.items.map((item) => (item.id === id ? { ...item, ...change } : item));
    this.notify();
  }

  /** Coalesces bursts (progress events, 500 files finishing) into one render per frame. */
  private notify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    const run = (): void => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else queueMicrotask(run);
  }
}
