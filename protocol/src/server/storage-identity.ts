/**
 * Storage identity (issue 14): every data directory carries a marker naming its library, written
 * at first start, so a server never silently starts an empty library over an unmounted disk or a
 * mistyped path; and write/read/fsync probes name the user and the path when permissions are wrong.
 *
 *   const { marker } = await openStorage({ dir: '/srv/shoebox', libraryId: process.env.SHOEBOX_LIBRARY_ID })
 *   await probeDirectory('/srv/shoebox/blobs', 'the blob directory')   // throws StorageError naming user and path
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const MARKER_FILE = '.shoebox-library.json';
/** Entries that mean a directory already holds a library (the relay's and the blob store's databases, the blobs). */
export const LIBRARY_ENTRIES = ['shoebox.sqlite', 'blobs.sqlite', 'blobs'] as const;
const MAX_MARKER_BYTES = 4096;
const LIBRARY_ID = /^[A-Za-z0-9-]{8,64}$/;

export interface LibraryMarker {
  readonly libraryId: string;
  readonly createdAt: string;
}

export const StorageErrorCode = {
  missing: 'missing',
  markerMissing: 'markerMissing',
  markerMismatch: 'markerMismatch',
  markerInvalid: 'markerInvalid',
  notWritable: 'notWritable',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/** A storage location that must not be used; `message` is the one line an operator reads. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export const isLibraryId = (value: string): boolean => LIBRARY_ID.test(value);

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

const whoAmI = (): string => {
  const { username, uid } = userInfo();
  return `user ${username} (uid ${uid})`;
};

/** The marker in `dir`, undefined when there is none; StorageError when it is unreadable or malformed. */
export const readMarker = async (dir: string): Promise<LibraryMarker | undefined> => {
  const path = join(dir, MARKER_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw new StorageError(StorageErrorCode.markerInvalid, path, `cannot read the library marker ${path} as ${whoAmI()}: ${(err as Error).message}`);
  }
  const invalid = (): StorageError =>
    new StorageError(StorageErrorCode.markerInvalid, path, `the library marker ${path} is damaged; restore it from a backup or check that this is a Shoebox data directory`);
  if (text.length > MAX_MARKER_BYTES) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid();
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (typeof record.libraryId !== 'string' || !isLibraryId(record.libraryId) || typeof record.createdAt !== 'string') throw invalid();
  return { libraryId: record.libraryId, createdAt: record.createdAt };
};

/** Writes the marker durably: a temporary file, fsync, rename. */
export const writeMarker = async (dir: string, marker: LibraryMarker): Promise<void> => {
  const path = join(dir, MARKER_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(marker, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
};

/**
 * Writes, fsyncs, reads back and removes a small file in `dir`. Throws StorageError naming `what`,
 * the path, the user this process runs as, and the likely cause (read-only mount, ownership).
 */
export const probeDirectory = async (dir: string, what: string): Promise<void> => {
  const path = join(dir, `.shoebox-probe-${process.pid}-${randomUUID()}`);
  const payload = `shoebox probe ${new Date().toISOString()}`;
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(payload);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const back = await readFile(path, 'utf8');
    if (back !== payload) throw new Error('the bytes read back differ from those written');
  } catch (err) {
    const code = errnoOf(err);
    const hint =
      code === 'EROFS'
        ? 'it is on a read-only filesystem: check the mount options (e.g. `ro` in /etc/fstab or the container volume)'
        : code === 'EACCES' || code === 'EPERM'
          ? `it is not writable by this user: check its owner and mode (chown/chmod) or run the server as its owner`
          : code === 'ENOSPC'
            ? 'the disk is full: free some space'
            : `${(err as Error).message}`;
    throw new StorageError(StorageErrorCode.notWritable, dir, `${what} ${dir} cannot be written by ${whoAmI()}: ${hint}${code ? ` (${code})` : ''}`);
  } finally {
    await rm(path, { force: true }).catch(() => undefined);
  }
};

const exists = async (path: string): Promise<boolean> => access(path, constants.F_OK).then(() => true, () => false);

export interface OpenStorageOptions {
  /** The data directory (`SHOEBOX_DATA_DIR`). */
  readonly dir: string;
  /** `SHOEBOX_LIBRARY_ID`: the library this configuration expects; then the directory and its marker must exist. */
  readonly libraryId?: string;
  /** `SHOEBOX_ADOPT_DATA_DIR=1`: write a marker into a directory that holds a library from before markers. */
  readonly adopt?: boolean;
  /** Only check (npm run doctor): never create the directory or write a marker. */
  readonly readOnly?: boolean;
}

export interface OpenedStorage {
  readonly marker: LibraryMarker;
  /** True when this call created the library (first start). */
  readonly created: boolean;
}

const checkConfig = ' Check that the disk is mounted and that SHOEBOX_DATA_DIR names the right directory.';

/**
 * Checks (and at first start creates) the data directory's identity; refuses with one StorageError
 * whose message names the path, what was expected and what to check.
 */
export const openStorage = async ({ dir, libraryId, adopt = false, readOnly = false }: OpenStorageOptions): Promise<OpenedStorage> => {
  if (!(await exists(dir))) {
    if (libraryId !== undefined || readOnly) {
      const expected = libraryId ? `the library ${libraryId} (SHOEBOX_LIBRARY_ID)` : 'a Shoebox data directory';
      throw new StorageError(StorageErrorCode.missing, dir, `the data directory ${dir} does not exist, but ${expected} was expected there.${checkConfig}`);
    }
    await mkdir(dir, { recursive: true });
  }
  if (!(await stat(dir)).isDirectory()) throw new StorageError(StorageErrorCode.missing, dir, `the data directory ${dir} is not a directory.${checkConfig}`);
  const marker = await readMarker(dir);
  const markerPath = join(dir, MARKER_FILE);
  if (marker) {
    if (libraryId !== undefined && marker.libraryId !== libraryId) {
      throw new StorageError(
        StorageErrorCode.markerMismatch,
        markerPath,
        `the data directory ${dir} holds the library ${marker.libraryId}, but the configuration expects ${libraryId} (SHOEBOX_LIBRARY_ID).${checkConfig}`,
      );
    }
    return { marker, created: false };
  }
  const entries = await readdir(dir);
  const holdsLibrary = entries.some((e) => (LIBRARY_ENTRIES as readonly string[]).includes(e));
  if (libraryId !== undefined && !adopt) {
    throw new StorageError(
      StorageErrorCode.markerMissing,
      markerPath,
      `the data directory ${dir} has no library marker (${MARKER_FILE}), but the library ${libraryId} (SHOEBOX_LIBRARY_ID) was expected there${holdsLibrary ? '' : ' and the directory holds no library'}.${checkConfig}`,
    );
  }
  if (holdsLibrary && !adopt) {
    throw new StorageError(
      StorageErrorCode.markerMissing,
      markerPath,
      `the data directory ${dir} holds a library but no library marker (${MARKER_FILE}); it may be a copy or a restore. If it is the right directory, start once with SHOEBOX_ADOPT_DATA_DIR=1 to mark it.${checkConfig}`,
    );
  }
  if (readOnly) throw new StorageError(StorageErrorCode.markerMissing, markerPath, `the data directory ${dir} has no library marker yet (the server writes it at first start)`);
  const created: LibraryMarker = { libraryId: libraryId ?? randomUUID(), createdAt: new Date().toISOString() };
  await writeMarker(dir, created);
  return { marker: created, created: !holdsLibrary };
};

/** The directories the all-in-one server writes to, for probing: the data directory and the blob store's that exist. */
export const storageDirectories = async (dataDir: string): Promise<{ readonly path: string; readonly what: string }[]> => {
  const blobs = join(dataDir, 'blobs');
  const candidates = [
    { path: dataDir, what: 'the data directory' },
    { path: blobs, what: 'the blob directory' },
    ...['originals', 'derivatives', 'tmp', 'uploads'].map((name) => ({ path: join(blobs, name), what: `the blob ${name} directory` })),
  ];
  const present = await Promise.all(candidates.map(async (c) => ((await exists(c.path)) ? c : undefined)));
  return present.filter((c) => c !== undefined);
};
