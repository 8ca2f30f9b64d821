// The storage identity rules of issue 14 on real directories (the process-level tests are in scripts/storage-health.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_FILE, StorageErrorCode, openStorage, probeDirectory, readMarker, storageDirectories } from './storage-identity.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'shoebox-identity-'));
  dirs.push(dir);
  return dir;
};
const codeOf = (promise: Promise<unknown>): Promise<string | undefined> => promise.then(() => undefined, (err: { code?: string }) => err.code);

describe('openStorage', () => {
  it('marks a missing or empty directory at first start and finds the same library afterwards', async () => {
    const dir = join(scratch(), 'new');
    const first = await openStorage({ dir });
    expect(first.created).toBe(true);
    expect(await readMarker(dir)).toEqual(first.marker);
    const again = await openStorage({ dir, libraryId: first.marker.libraryId });
    expect(again).toEqual({ marker: first.marker, created: false });
    expect(readdirSync(dir)).toEqual([MARKER_FILE]); // the temporary file was renamed away
  });

  it('refuses a missing directory, an unmarked one or another library when a library id is configured', async () => {
    const root = scratch();
    expect(await codeOf(openStorage({ dir: join(root, 'gone'), libraryId: 'library-1234' }))).toBe(StorageErrorCode.missing);
    expect(await codeOf(openStorage({ dir: root, libraryId: 'library-1234' }))).toBe(StorageErrorCode.markerMissing);
    await openStorage({ dir: root, libraryId: 'library-5678', adopt: true });
    expect(await codeOf(openStorage({ dir: root, libraryId: 'library-1234' }))).toBe(StorageErrorCode.markerMismatch);
  });

  it('refuses an unmarked directory that holds a library unless adopted; the doctor (readOnly) never writes', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'blobs.sqlite'), '');
    expect(await codeOf(openStorage({ dir }))).toBe(StorageErrorCode.markerMissing);
    expect(await codeOf(openStorage({ dir, adopt: true, readOnly: true }))).toBe(StorageErrorCode.markerMissing);
    expect(await readMarker(dir)).toBeUndefined();
    expect((await openStorage({ dir, adopt: true })).created).toBe(false);
  });

  it('a damaged marker is named, not overwritten', async () => {
    const dir = scratch();
    writeFileSync(join(dir, MARKER_FILE), '{"libraryId": 7}');
    expect(await codeOf(openStorage({ dir }))).toBe(StorageErrorCode.markerInvalid);
    expect(readFileSync(join(dir, MARKER_FILE), 'utf8')).toBe('{"libraryId": 7}');
  });
});

describe('probeDirectory', () => {
  it('passes on a writable directory and leaves nothing behind; names the path when it cannot write', async () => {
    const dir = scratch();
    await probeDirectory(dir, 'the data directory');
    expect(readdirSync(dir)).toEqual([]);
    const missing = join(dir, 'absent');
    await expect(probeDirectory(missing, 'the blob directory')).rejects.toThrow(`the blob directory ${missing} cannot be written by user`);
  });

  it('lists the data directory and the blob directories that exist', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'blobs', 'originals'), { recursive: true });
    expect((await storageDirectories(dir)).map((d) => d.path)).toEqual([dir, join(dir, 'blobs'), join(dir, 'blobs', 'originals')]);
  });
});
