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

export interface ServeConfig {
  readonly relay: SyncServerConfig;
  readonly blobs: BlobStoreConfig;
  /** `SHOEBOX_MODELS_DIR`, default models/packs of this checkout: installed ML model packs. */
  readonly modelsDir: string;
  /** The built PWA served at `/`: `SHOEBOX_STATIC_DIR`, default dist/client of this checkout (`npm start` builds it). */
  readonly staticDir: string;
}

const repoRoot = resolve(import.meta.dirname, '..');

export const loadServeConfig = (env: Readonly<Record<string, string | undefined>>, cwd: string = process.cwd()): ServeConfig => {
  const models = env.SHOEBOX_MODELS_DIR?.trim() || join(repoRoot, 'models', 'packs');
  if (models.includes('\0')) throw new ConfigError('SHOEBOX_MODELS_DIR contains a NUL byte');
  const relay = loadConfig(env, cwd);
  return {
    relay,
    blobs: loadBlobStoreConfig(env),
    modelsDir: resolve(cwd, models),
    staticDir: env.SHOEBOX_STATIC_DIR?.trim() ? relay.staticDir : join(repoRoot, 'dist', 'client'),
  };
};
