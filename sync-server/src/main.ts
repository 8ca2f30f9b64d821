/**
 * Runs the relay alone (no blob store) from environment configuration.
 *
 *   PORT=3000 SHOEBOX_DATA_DIR=./data npx tsx sync-server/src/main.ts
 *   → "Shoebox relay listening on http://localhost:3000"
 */
import { createSyncServer, loadConfig } from './index.js';

const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  const sync = await createSyncServer({ dataDir: config.dataDir });
  const server = await sync.listen({ port: config.port, host: config.host, staticDir: config.staticDir });
  console.log(`Shoebox relay listening on http://localhost:${server.port}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`Shoebox relay: ${signal}, shutting down`);
    sync.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((err: unknown) => {
  console.error('Shoebox relay failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
