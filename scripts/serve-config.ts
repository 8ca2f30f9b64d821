/**
 * The all-in-one server's configuration: the relay's and the blob store's typed configs, each
 * parsed by its own module from the same environment, composed in one object at start. A bad
 * value throws at once with a message that starts with the variable's name.
 *
 *   const config = loadServeConfig(process.env)   // throws on e.g. SHOEBOX_MAX_MESSAGES_PER_SECOND=fast
 *   createSyncServer({ maxMessagesPerSecond: config.relay.maxMessagesPerSecond, … })
 */
import { join, resolve } from 'node:path';
import { loadBlobStoreConfig, type BlobStoreConfig } from '../blob-store/src/index.js';
import { ConfigError, loadConfig, type SyncServerConfig } from '../sync-server/src/index.js';
import { MARKER_FILE, isLibraryId } from '../protocol/src/server/storage-identity.js';

export interface ServeConfig {
  readonly relay: SyncServerConfig;
  readonly blobs: BlobStoreConfig;
  /** `SHOEBOX_MODELS_DIR`, default models/packs of this checkout: installed ML model packs. */
  readonly modelsDir: string;
  /** The built PWA served at `/`: `SHOEBOX_STATIC_DIR`, default dist/client of this checkout (`npm start` builds it). */
  readonly staticDir: string;
  /** `SHOEBOX_LIBRARY_ID`, default none: the library the data directory must hold (its marker); a missing directory is then refused, not created. */
  readonly libraryId?: string;
  /** `SHOEBOX_ADOPT_DATA_DIR=1`: mark a data directory that holds a library from before markers (once). */
  readonly adoptDataDir: boolean;
}

const repoRoot = resolve(import.meta.dirname, '..');

export const loadServeConfig = (env: Readonly<Record<string, string | undefined>>, cwd: string = process.cwd()): ServeConfig => {
  const models = env.SHOEBOX_MODELS_DIR?.trim() || join(repoRoot, 'models', 'packs');
  if (models.includes('\0')) throw new ConfigError('SHOEBOX_MODELS_DIR contains a NUL byte');
  const relay = loadConfig(env, cwd);
  const libraryId = env.SHOEBOX_LIBRARY_ID?.trim() || undefined;
  if (libraryId !== undefined && !isLibraryId(libraryId)) throw new ConfigError(`SHOEBOX_LIBRARY_ID must be 8–64 letters, digits or dashes (the id in ${MARKER_FILE}), got ${JSON.stringify(libraryId.slice(0, 80))}`);
  const adopt = env.SHOEBOX_ADOPT_DATA_DIR?.trim() ?? '';
  if (!['', '0', '1'].includes(adopt)) throw new ConfigError(`SHOEBOX_ADOPT_DATA_DIR must be 0 or 1, got ${JSON.stringify(adopt.slice(0, 80))}`);
  return {
    ...(libraryId === undefined ? {} : { libraryId }),
    adoptDataDir: adopt === '1',
    relay,
    blobs: loadBlobStoreConfig(env),
    modelsDir: resolve(cwd, models),
    staticDir: env.SHOEBOX_STATIC_DIR?.trim() ? relay.staticDir : join(repoRoot, 'dist', 'client'),
  };
};
