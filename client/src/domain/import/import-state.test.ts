import { describe, expect, it } from 'vitest';
import { formatDay, formatDuration, formatTaken } from '../catalog/format.js';
import { backoffDelay } from '../sync/backoff.js';
import { ImportItemState, formatBytes, summarize, type ImportItem } from './import-state.js';

const item = (state: ImportItem['state'], size: number, bytesDone = 0): ImportItem => ({ id: Math.random(), name: 'x', size, state, hash: null, bytesDone, message: null });

describe('import summary', () => {
  it('counts files to upload and bytes sent', () => {
    const s = summarize([
      item(ImportItemState.done, 100),
      item(ImportItemState.uploading, 200, 50),
      item(ImportItemState.queued, 300),
      item(ImportItemState.duplicate, 999),
      item(ImportItemState.skipped, 5),
      item(ImportItemState.failed, 7),
    ]);
    expect(s).toMatchObject({ total: 6, toUpload: 3, uploaded: 1, bytesTotal: 600, bytesSent: 150, duplicates: 1, skipped: 1, failed: 1, finished: false });
    expect(summarize([item(ImportItemState.done, 1)]).finished).toBe(true);
  });

  it('counts files still being read in the batch total from the start', () => {
    const s = summarize([item(ImportItemState.done, 100), item(ImportItemState.hashing, 400, 10), item(ImportItemState.hashing, 500)]);
    expect(s).toMatchObject({ total: 3, toUpload: 3, uploaded: 1, bytesTotal: 1000, bytesSent: 100, hashing: 2, finished: false });
  });

  it('formats', () => {
    expect(formatBytes(45 * 1024 * 1024)).toBe('45 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatDay('2026-03-14')).toBe('Sat, 14 Mar 2026');
    expect(formatTaken('2024-01-12T21:38:53', -480)).toBe('Fri, 12 Jan 2024, 21:38:53 UTC−08:00');
    expect(formatDuration(75.4)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('backs off exponentially with jitter, capped at 30 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
  });
});
