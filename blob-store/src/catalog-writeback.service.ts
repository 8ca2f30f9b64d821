/**
 * Writes the worker's ExifTool metadata into each owner's catalog as a replica (SPEC X1–X6):
 * records are batched per user, sent over the relay's `/sync` protocol as one update, and
 * retried with backoff until the relay acknowledges them. Idempotent: an unchanged record
 * writes nothing (X2).
 *
 *   const wb = createCatalogWriteback({ url: 'ws://127.0.0.1:3000/sync', tokenFor });
 *   wb.enqueue(hash, meta, [uploader]); await wb.flush();
 */
import * as Y from 'yjs';
import { assetIdOf, catalogRoom, factsIndex, writeExtracted, type BlobHash, type ExtractedMetadata, type UserId } from '../../protocol/src/index.js';
import type { MediaMetadata } from './media-metadata.js';
import { openRelayRoom, type RelayRoom } from './relay.client.js';

export interface CatalogWritebackOptions {
  /** The relay's `/sync` WebSocket URL. */
  readonly url: string;
  /** A token the relay accepts for this user (the composition mints one; never served over HTTP). */
  readonly tokenFor: (user: UserId) => Promise<string>;
  /** Records per update (default 2048). */
  readonly batch?: number;
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly delayMs?: number;
  /** A user's relay session closes after this long without writes (default 30 s). */
  readonly idleMs?: number;
  readonly onError?: (err: Error, user: UserId) => void;
}

export interface CatalogWriteback {
  /** Writes the reading into these users' catalogs only (the uploaders it belongs to: ADR 0050). */
  enqueue(hash: BlobHash, meta: MediaMetadata, users: readonly UserId[]): void;
  /** Resolves when everything enqueued so far is acknowledged (or given up after the retries). */
  flush(): Promise<void>;
  /** Records written (changed) so far, and updates sent. */
  readonly stats: { written: number; updates: number; failures: number };
  close(): Promise<void>;
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** ExifTool's reading as the catalog's extracted record (dimensions after orientation). */
export const extractedRecord = (hash: BlobHash, m: MediaMetadata): ExtractedMetadata => {
  const r: { -readonly [K in keyof ExtractedMetadata]: ExtractedMetadata[K] } = { hash };
  const local = m.localDateTaken?.slice(0, 19);
  if (local && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(local)) {
    r.takenAt = local;
    const o = m.timeZone ? OFFSET.exec(m.timeZone) : null;
    r.utcOffset = o ? (o[1] === '-' ? -1 : 1) * (+o[2]! * 60 + +o[3]!) : null;
  }
  if (m.latitude !== null && m.longitude !== null) {
    r.latitude = m.latitude;
    r.longitude = m.longitude;
  }
  if (m.make) r.make = m.make;
  if (m.model) r.model = m.model;
  if (m.lensModel) r.lens = m.lensModel;
  if (m.width && m.height) {
    const swap = (m.orientation ?? 1) >= 5;
    r.width = swap ? m.height : m.width;
    r.height = swap ? m.width : m.height;
  }
  if (m.duration !== null && m.duration >= 0) r.duration = m.duration;
  if (m.rating !== null && Number.isInteger(m.rating) && m.rating >= -1 && m.rating <= 5) r.rating = m.rating;
  if (m.keywords.length) r.keywords = m.keywords.slice(0, 256).map((k) => String(k).slice(0, 1024));
  if (m.fNumber !== null && m.fNumber >= 0) r.fNumber = m.fNumber;
  if (m.exposureTime !== null && m.exposureTime >= 0) r.exposureTime = m.exposureTime;
  if (m.iso !== null && Number.isSafeInteger(m.iso) && m.iso >= 0) r.iso = m.iso;
  if (m.focalLength !== null && m.focalLength >= 0) r.focalLength = m.focalLength;
  return r;
};

export const createCatalogWriteback = (options: CatalogWritebackOptions): CatalogWriteback => {
  const batch = options.batch ?? 2048;
  const retries = options.retries ?? 6;
  const backoffMs = options.backoffMs ?? 500;
  const pending = new Map<UserId, Map<BlobHash, ExtractedMetadata>>();
  const stats = { written: 0, updates: 0, failures: 0 };
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  // One session per user stays open while records keep coming (the relay then sends only
  // what changed, not the whole catalog per batch), closed after `idleMs` without writes.
  const sessions = new Map<UserId, { room: Promise<RelayRoom>; idle?: NodeJS.Timeout }>();
  const drop = (user: UserId): void => {
    const s = sessions.get(user);
    if (!s) return;
    sessions.delete(user);
    clearTimeout(s.idle);
    s.room.then((r) => r.close(), () => undefined);
  };

  const writeUser = async (user: UserId, records: ExtractedMetadata[]): Promise<void> => {
    let session = sessions.get(user);
    if (!session) {
      const room = options.tokenFor(user).then((token) => openRelayRoom({ url: options.url, token, room: catalogRoom(user), clientId: 'blob-store-metadata' }));
      sessions.set(user, (session = { room }));
    }
    clearTimeout(session.idle);
    try {
      const room = await session.room;
      const { doc } = room;
      const index = factsIndex(doc);
      for (let i = 0; i < records.length; i += batch) {
        const before = Y.encodeStateVector(doc);
        const n = writeExtracted(doc, records.slice(i, i + batch), (h) => index.get(assetIdOf(h as BlobHash)));
        if (n === 0) continue;
        await room.push(Y.encodeStateAsUpdate(doc, before));
        stats.written += n;
        stats.updates++;
      }
      session.idle = setTimeout(() => drop(user), options.idleMs ?? 30_000);
      session.idle.unref();
    } catch (err) {
      drop(user); // the next attempt starts a fresh session (and a fresh sync)
      throw err;
    }
  };

  const drain = async (): Promise<void> => {
    while (pending.size > 0 && !closed) {
      const [user, records] = pending.entries().next().value as [UserId, Map<BlobHash, ExtractedMetadata>];
      pending.delete(user);
      for (let attempt = 0; ; attempt++) {
        try {
          await writeUser(user, [...records.values()]);
          break;
        } catch (err) {
          stats.failures++;
          options.onError?.(err as Error, user);
          if (attempt >= retries || closed) break;
          await new Promise((r) => setTimeout(r, backoffMs * 2 ** attempt));
        }
      }
    }
  };

  const schedule = (): void => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = running.then(drain);
    }, options.delayMs ?? 200);
  };

  return {
    stats,
    enqueue(hash, meta, users) {
      const record = extractedRecord(hash, meta);
      for (const user of users) {
        let records = pending.get(user);
        if (!records) pending.set(user, (records = new Map()));
        records.set(hash, record);
      }
      schedule();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        running = running.then(drain);
      }
      await running;
    },
    async close() {
      await this.flush();
      closed = true;
      for (const user of [...sessions.keys()]) drop(user);
    },
  };
};
