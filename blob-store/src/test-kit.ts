/**
 * Test builders: a blob store on a temp dir behind real HTTP, with two known users and helpers
 * to upload bytes or real sample files.
 *
 *   const kit = await startTestStore({ maxBlobBytes: 1024 }); const { status } = await kit.put('alice', bytes)
 *   await kit.close()
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserId } from '../../protocol/src/index.js';
import type { BlobAccessPolicy } from './blob-access.policy.js';
import type { BlobBackend } from './blob.backend.js';
import type { BlobStoreConfig } from './config.js';
import { createBlobStore, type BlobStore } from './index.js';
import { serveRoutes } from './test-http.js';

/** ../shared/data beside the repository (CI clones the repository next to it). */
const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const ASSETS = join(DATA, 'immich-test-assets');
export const EXIFTOOL_IMAGES = join(DATA, 'exiftool-images');

export type TestUser = 'alice' | 'bob';
const tokens: Record<TestUser, string> = { alice: 'token-alice', bob: 'token-bob' };

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export interface PutResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export interface TestStore {
  readonly url: string;
  readonly dataDir: string;
  readonly store: BlobStore;
  auth(user: TestUser): Record<string, string>;
  put(user: TestUser, bytes: Uint8Array, hash?: string): Promise<PutResult>;
  putFile(user: TestUser, file: string): Promise<PutResult & { hash: string; bytes: Buffer }>;
  get(user: TestUser | undefined, path: string, headers?: Record<string, string>, method?: string): Promise<Response>;
  /** Files under blobs/tmp (must be empty between requests). */
  tempFiles(): Promise<string[]>;
  close(): Promise<void>;
}

/** `quotas`: per-user quotas the authentication reports, as an administrator sets them (issue 13). */
export const startTestStore = async (
  config: Partial<BlobStoreConfig> = {},
  existingDir?: string,
  backend?: BlobBackend,
  access?: BlobAccessPolicy,
  quotas: Partial<Record<TestUser, number>> = {},
): Promise<TestStore> => {
  const dataDir = existingDir ?? (await mkdtemp(join(tmpdir(), 'blob-store-test-')));
  const store = await createBlobStore({
    dataDir,
    backend,
    access,
    authenticate: async (token) => {
      const user = (Object.keys(tokens) as TestUser[]).find((u) => tokens[u] === token);
      const quotaBytes = user ? quotas[user] : undefined;
      return user ? { id: user as string as UserId, isOwner: user === 'alice', ...(quotaBytes === undefined ? {} : { quotaBytes }) } : undefined;
    },
    config,
  });
  const server = await serveRoutes(store.routes);
  const auth = (user: TestUser): Record<string, string> => ({ authorization: `Bearer ${tokens[user]}` });
  const put = async (user: TestUser, bytes: Uint8Array, hash = sha256(bytes)): Promise<PutResult> => {
    const res = await fetch(`${server.url}/api/blobs/${hash}`, { method: 'PUT', headers: auth(user), body: bytes as Uint8Array<ArrayBuffer> });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    url: server.url,
    dataDir,
    store,
    auth,
    put,
    async putFile(user, file) {
      const bytes = await readFile(file);
      const hash = sha256(bytes);
      return { ...(await put(user, bytes, hash)), hash, bytes };
    },
    get: (user, path, headers = {}, method = 'GET') => fetch(`${server.url}${path}`, { method, headers: { ...(user ? auth(user) : {}), ...headers } }),
    tempFiles: () => readdir(join(dataDir, 'blobs', 'tmp')),
    async close() {
      await server.close();
      await store.close();
      if (!existingDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};
