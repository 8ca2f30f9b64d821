/**
 * Where a device keeps downloaded model-pack files: the Origin Private File System when the
 * browser has it (files, no per-entry Response overhead, survives like IndexedDB), else Cache
 * Storage. Both hold plain bytes under a key; integrity is not their job — readVerified checks
 * every read against the manifest's sha256 and evicts a corrupt entry (cached-pack-source.ts).
 *
 *   const store = await openPackCache('ml-models-v1');          // OPFS, or Cache Storage, or undefined
 *   await store?.put('face-api/detection/model.onnx', bytes); const back = await store?.get(key);
 */

/** A byte store keyed by `/`-separated paths. */
export type PackCacheStore = {
  /** `opfs` or `cache-storage`: which browser storage is in use. */
  readonly kind: PackCacheKind;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
};

export const PackCacheKind = { opfs: 'opfs', cacheStorage: 'cache-storage' } as const;
export type PackCacheKind = (typeof PackCacheKind)[keyof typeof PackCacheKind];

// Minimal structural types: the DOM lib's OPFS typings differ between TypeScript versions and
// workers (createSyncAccessHandle exists only in dedicated workers).
type SyncAccessHandle = { truncate(size: number): void; write(data: Uint8Array, options: { at: number }): number; flush(): void; close(): void };
type Writable = { write(data: Uint8Array): Promise<void>; close(): Promise<void> };
type FileHandle = { getFile(): Promise<Blob>; createWritable?(): Promise<Writable>; createSyncAccessHandle?(): Promise<SyncAccessHandle> };
type DirectoryHandle = {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandle>;
  removeEntry(name: string): Promise<void>;
};
type StorageWithOpfs = { getDirectory?(): Promise<DirectoryHandle> };

const isNotFound = (error: unknown): boolean => error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');

/** Key segments become OPFS names; percent-encoding keeps `:` and the like out of them. */
const segmentsOf = (key: string): string[] => key.split('/').map((part) => encodeURIComponent(part));

const writeFile = async (handle: FileHandle, bytes: Uint8Array): Promise<void> => {
  if (handle.createWritable !== undefined) {
    const writable = await handle.createWritable();
    await writable.write(bytes);
    await writable.close();
    return;
  }
  if (handle.createSyncAccessHandle === undefined) throw new Error('this browser cannot write OPFS files');
  const access = await handle.createSyncAccessHandle();
  try {
    access.truncate(0);
    access.write(bytes, { at: 0 });
    access.flush();
  } finally {
    access.close();
  }
};

/** The OPFS store under directory `root`, or undefined where OPFS is missing or refused. */
export const openOpfsPackCache = async (root: string): Promise<PackCacheStore | undefined> => {
  const storage = (globalThis.navigator as { storage?: StorageWithOpfs } | undefined)?.storage;
  if (storage?.getDirectory === undefined) return undefined;
  let base: DirectoryHandle;
  try {
    base = await (await storage.getDirectory()).getDirectoryHandle(root, { create: true });
  } catch {
    return undefined; // e.g. private browsing or a storage policy that forbids it
  }
  const folder = async (parts: readonly string[], create: boolean): Promise<DirectoryHandle> => {
    let dir = base;
    for (const part of parts) dir = await dir.getDirectoryHandle(part, { create });
    return dir;
  };
  const locate = (key: string): { dirs: string[]; name: string } => {
    const parts = segmentsOf(key);
    return { dirs: parts.slice(0, -1), name: parts.at(-1) as string };
  };
  return {
    kind: PackCacheKind.opfs,
    async get(key) {
      const { dirs, name } = locate(key);
      try {
        const file = await (await (await folder(dirs, false)).getFileHandle(name)).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async put(key, bytes) {
      const { dirs, name } = locate(key);
      await writeFile(await (await folder(dirs, true)).getFileHandle(name, { create: true }), bytes);
    },
    async delete(key) {
      const { dirs, name } = locate(key);
      try {
        await (await folder(dirs, false)).removeEntry(name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
};

/** The Cache Storage store named `cacheName`, or undefined where there is no Cache Storage. */
export const openCacheStoragePackCache = async (cacheName: string): Promise<PackCacheStore | undefined> => {
  if (typeof caches === 'undefined') return undefined;
  let cache: Cache;
  try {
    cache = await caches.open(cacheName);
  } catch {
    return undefined;
  }
  const url = (key: string): string => `https://pack.invalid/${segmentsOf(key).join('/')}`;
  return {
    kind: PackCacheKind.cacheStorage,
    async get(key) {
      const hit = await cache.match(url(key));
      return hit === undefined ? undefined : new Uint8Array(await hit.arrayBuffer());
    },
    put: (key, bytes) => cache.put(url(key), new Response(bytes as Uint8Array<ArrayBuffer>)),
    async delete(key) {
      await cache.delete(url(key));
    },
  };
};

/** OPFS when usable, else Cache Storage, else undefined (Node, or a browser that refuses both). */
export const openPackCache = async (name: string): Promise<PackCacheStore | undefined> => (await openOpfsPackCache(name)) ?? (await openCacheStoragePackCache(name));
