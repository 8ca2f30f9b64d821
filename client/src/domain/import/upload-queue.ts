/**
 * Background upload of originals: asks the server which hashes it already has, then PUTs the
 * rest, two at a time. Network and 5xx failures wait and retry with backoff; 4xx answers
 * (415 not a photo or video, 400 hash mismatch) fail for good with the server's message.
 * Each entry's status is mirrored to Dexie so the queue survives a reload for the UI.
 *
 *   const queue = new UploadQueue({ db, api, getToken, onEvent: (e) => panel.update(e) });
 *   queue.enqueue(hash, file)
 */
import { backoffDelay } from '../sync/backoff.js';
import { UploadStatus, type LocalDb, type UploadRecord } from '../storage/local-db.js';
import { ApiError, type ApiClient } from '../session/api-client.js';
import { putBlob, type PutBlobRequest, type PutBlobResult } from './put-blob.js';

export type UploadEvent =
  | { readonly type: 'uploading'; readonly hash: string; readonly bytesSent: number }
  | { readonly type: 'done'; readonly hash: string; readonly alreadyOnServer: boolean }
  | { readonly type: 'waiting'; readonly hash: string; readonly message: string }
  | { readonly type: 'failed'; readonly hash: string; readonly message: string; readonly status: number };

export interface UploadQueueOptions {
  readonly db: LocalDb;
  readonly api: Pick<ApiClient, 'blobsExist'>;
  readonly getToken: () => string | null;
  readonly onEvent: (event: UploadEvent) => void;
  readonly onUnauthorized?: () => void;
  readonly concurrency?: number;
  readonly put?: (req: PutBlobRequest) => Promise<PutBlobResult>;
}

interface Task {
  readonly hash: string;
  readonly file: File;
  checked: boolean;
}

const EXISTS_BATCH = 500;

export class UploadQueue {
  private readonly waiting: Task[] = [];
  private active = 0;
  private checking = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly controller = new AbortController();

  constructor(private readonly options: UploadQueueOptions) {}

  enqueue(hash: string, file: File): void {
    if (this.waiting.some((t) => t.hash === hash)) return;
    this.waiting.push({ hash, file, checked: false });
    void this.persist(hash, file, UploadStatus.queued, 0, null);
    queueMicrotask(() => this.pump());
  }

  /** Retry now, e.g. on the browser's `online` event. */
  retryNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.controller.abort();
  }

  private pump(): void {
    if (this.stopped || this.retryTimer) return;
    if (this.waiting.some((t) => !t.checked)) {
      void this.checkExisting();
      return;
    }
    const limit = this.options.concurrency ?? 2;
    while (this.active < limit && this.waiting.length > 0) {
      const task = this.waiting.shift() as Task;
      this.active++;
      void this.upload(task).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async checkExisting(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    const batch = this.waiting.filter((t) => !t.checked).slice(0, EXISTS_BATCH);
    try {
      const { exists } = await this.options.api.blobsExist(batch.map((t) => t.hash));
      const present = new Set(exists);
      for (const task of batch) {
        task.checked = true;
        if (!present.has(task.hash)) continue;
        this.waiting.splice(this.waiting.indexOf(task), 1);
        this.finish(task, true);
      }
      this.attempt = 0;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.options.onUnauthorized?.();
      const message = err instanceof ApiError ? err.message : String(err);
      for (const task of batch) this.options.onEvent({ type: 'waiting', hash: task.hash, message });
      this.scheduleRetry();
    } finally {
      this.checking = false;
    }
    this.pump();
  }

  private async upload(task: Task): Promise<void> {
    const { hash, file } = task;
    this.options.onEvent({ type: 'uploading', hash, bytesSent: 0 });
    void this.persist(hash, file, UploadStatus.uploading, 0, null);
    const result = await (this.options.put ?? putBlob)({
      hash,
      body: file,
      token: this.options.getToken(),
      signal: this.controller.signal,
      onProgress: (bytesSent) => this.options.onEvent({ type: 'uploading', hash, bytesSent }),
    });
    if (result.ok) {
      this.attempt = 0;
      this.finish(task, !result.created);
      return;
    }
    const { error } = result;
    if (error.status === 0 || error.status >= 500 || error.status === 429 || error.status === 401) {
      if (error.status === 401) this.options.onUnauthorized?.();
      this.waiting.unshift(task);
      this.options.onEvent({ type: 'waiting', hash, message: error.message });
      void this.persist(hash, file, UploadStatus.queued, 0, error.message);
      this.scheduleRetry();
      return;
    }
    this.options.onEvent({ type: 'failed', hash, message: error.message, status: error.status });
    void this.persist(hash, file, UploadStatus.failed, 0, error.message);
  }

  private finish(task: Task, alreadyOnServer: boolean): void {
    this.options.onEvent({ type: 'done', hash: task.hash, alreadyOnServer });
    void this.persist(task.hash, task.file, UploadStatus.done, task.file.size, null);
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, backoffDelay(this.attempt++));
  }

  private async persist(hash: string, file: File, status: UploadStatus, bytesSent: number, error: string | null): Promise<void> {
    const record: UploadRecord = { hash, name: file.name, size: file.size, status, bytesSent, error, updatedAt: Date.now() };
    try {
      await this.options.db.uploads.put(record);
    } catch (err) {
      console.warn('uploads: could not persist queue entry', err);
    }
  }
}
