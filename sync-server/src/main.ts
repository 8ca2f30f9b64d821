/**
 * Runs the relay alone (no blob store) from environment configuration, logging JSON lines.
 * SHOEBOX_DATABASE_URL moves rooms to PostgreSQL; adding SHOEBOX_REDIS_URL joins other nodes.
 *
 *   PORT=3000 SHOEBOX_DATA_DIR=./data npx tsx sync-server/src/main.ts
 *   → {"level":"info","event":"listening","port":3000,"mode":"embedded",…}
 */
import { randomBytes } from 'node:crypto';
import { createLogger, createSyncServer, loadConfig } from './index.js';

const nodeId = process.env.SHOEBOX_NODE_ID?.trim() || randomBytes(4).toString('hex');
const log = createLogger({ component: 'relay', node: nodeId });

const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  const sync = await createSyncServer({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    nodeId,
    logger: log,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    connectionsPerIpPerSecond: config.connectionsPerIpPerSecond,
    trust: config.trust,
    metricsToken: config.metricsToken,
  });
  const server = await sync.listen({ port: config.port, host: config.host, staticDir: config.staticDir });
  log.info('listening', { port: server.port, host: config.host, mode: config.mode, url: `http://localhost:${server.port}` });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    sync.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((err: unknown) => {
  log.error('failed to start', { err });
  process.exit(1);
});
