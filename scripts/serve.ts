/**
 * The all-in-one Shoebox server: the relay (sync-server), the blob store and its derivative
 * worker in one process on one port, with embedded storage under SHOEBOX_DATA_DIR.
 *
 *   PORT=3000 SHOEBOX_DATA_DIR=./data node --import tsx scripts/serve.ts
 *   → "Shoebox is running at http://localhost:3000"
 */
import { join, resolve } from 'node:path';
import { createBlobStore, type BlobStore } from '../blob-store/src/index.js';
import { createSyncServer } from '../sync-server/src/index.js';
// ML (issue 6): installed model packs are served from SHOEBOX_MODELS_DIR (default models/packs), then the build's copy.
import { modelPackRoutes } from '../models/src/packs/pack-routes.js';
import { loadServeConfig } from './serve-config.js';
// Issue 14: the data directory's identity and writability are checked before anything opens it.
import { openStorage, probeDirectory, storageDirectories } from '../protocol/src/server/storage-identity.js';
import { checkDisk, checkTools } from '../protocol/src/server/system-checks.js';

const main = async (): Promise<void> => {
  // Every variable of both services, validated before anything starts (README lists them).
  const { relay: config, blobs: blobConfig, modelsDir, staticDir, libraryId, adoptDataDir } = loadServeConfig(process.env);
  const dataDir = resolve(config.dataDir);
  const storage = await openStorage({ dir: dataDir, libraryId, adopt: adoptDataDir });
  for (const { path, what } of await storageDirectories(dataDir)) await probeDirectory(path, what);
  if (storage.created) {
    console.log(`Shoebox: new library ${storage.marker.libraryId} in ${dataDir}; set SHOEBOX_LIBRARY_ID=${storage.marker.libraryId} so a start without this directory (an unmounted disk) is refused`);
  }

  // Embedded by default; SHOEBOX_DATABASE_URL / SHOEBOX_REDIS_URL switch the relay to PostgreSQL and scale-out.
  // eslint-disable-next-line prefer-const -- reason: the relay's usage source reads it once both exist
  let blobs: BlobStore;
  const sync = await createSyncServer({
    dataDir,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    connectionsPerIpPerSecond: config.connectionsPerIpPerSecond,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    trust: config.trust,
    metricsToken: config.metricsToken,
    // GET /api/health?detail=1 (administrators): the blob store, tools and disk next to the relay's own.
    healthDetail: async () => ({
      library: storage.marker,
      // A failing part is reported as such; the others still answer.
      blobStore: await blobs.health().catch((err: unknown) => ({ status: 'error', error: err instanceof Error ? err.message : String(err) })),
      tools: await checkTools({ ffmpeg: blobConfig.ffmpegPath, ffprobe: blobConfig.ffprobePath, exiftool: blobConfig.exiftoolPath }),
      disk: [await checkDisk(dataDir)],
    }),
    // Storage per user for the administrators' list, counted by the blob store (created next).
    usage: (ids) => blobs.usageOf(ids),
  });
  blobs = await createBlobStore({
    dataDir,
    authenticate: (token) => sync.authenticate(token),
    // A blob registered in an album or catalog is readable by whoever the relay lets read that room.
    access: { canReadRoom: (user, room) => sync.canReadRoom(user, room), canWriteRoom: (user, room) => sync.canWriteRoom(user, room) },
    config: blobConfig,
  });
  const server = await sync.listen({
    port: config.port,
    host: config.host,
    extraRoutes: [...blobs.routes, ...modelPackRoutes([modelsDir, join(staticDir, 'models')])],
    staticDir,
  });
  blobs.startWorker();
  // The worker writes ExifTool's metadata into each owner's catalog as a replica over /sync (SPEC X1–X6).
  const tokens = new Map<string, Promise<string>>();
  blobs.startCatalogWriteback({
    url: `ws://${config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host}:${server.port}/sync`,
    tokenFor: (user) => {
      let token = tokens.get(user);
      if (!token) tokens.set(user, (token = sync.issueServiceToken(user)));
      return token;
    },
  });
  console.log(`Shoebox is running at http://localhost:${server.port} (data in ${dataDir})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Shoebox: ${signal}, shutting down`);
    await server.close();
    await blobs.close();
    await sync.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((err: unknown) => {
  console.error('Shoebox failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
