/**
 * The RoomBus on Redis pub/sub (ioredis): one channel per room plus one for account events.
 * Pub/sub is at-most-once, so after any reconnect the relay is told to resync from the store.
 *
 *   const bus = createRedisRoomBus({ url: 'redis://127.0.0.1:6379' })
 *   bus.listen(handler); await bus.subscribe('catalog:abc')
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from './logger.js';
import { BusKind, decodeBusMessage, encodeBusMessage, type BusHandler, type RoomBus } from './room-bus.js';

export interface RedisRoomBusOptions {
  readonly url: string;
  readonly nodeId?: string;
  readonly log?: Logger;
}

const PREFIX = 'shoebox:room:';
const CONTROL = 'shoebox:control';

export const createRedisRoomBus = (options: RedisRoomBusOptions): RoomBus => {
  const nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
  const log = options.log ?? createLogger({ component: 'relay', node: nodeId });
  let reported = false;
  // Reconnect attempts fail every few hundred ms during an outage: log the first one only.
  const onError = (err: Error): void => {
    if (reported) return;
    reported = true;
    log.error('redis unavailable', { err });
  };
  const redisOptions = {
    // Reconnect forever with capped backoff; the relay keeps serving from the store meanwhile.
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  };
  const pub = new Redis(options.url, redisOptions);
  const sub = new Redis(options.url, redisOptions);
  let handler: BusHandler | undefined;
  let lost = false;
  let closed = false;

  for (const client of [pub, sub]) {
    client.on('error', onError);
    client.on('close', () => (lost = true));
    client.on('ready', () => {
      reported = false;
      if (!lost || closed) return;
      lost = false;
      log.info('redis reconnected; resyncing rooms from the store');
      handler?.resync();
    });
  }
  sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    try {
      const m = decodeBusMessage(new Uint8Array(message));
      if (m.origin !== nodeId) handler?.message(m);
    } catch (err) {
      onError(new Error(`dropped a malformed bus message: ${(err as Error).message}`));
    }
  });
  void sub.subscribe(CONTROL).catch(onError);

  const channelOf = (room: string, kind: BusKind): string =>
    kind === BusKind.tokenRevoked || kind === BusKind.grantChanged ? CONTROL : PREFIX + room;

  return {
    nodeId,
    listen(h) {
      handler = h;
    },
    async subscribe(room) {
      const done = sub.subscribe(PREFIX + room).catch(onError);
      if (sub.status === 'ready') await done; // while down, resync after reconnect covers the gap
    },
    unsubscribe(room) {
      void sub.unsubscribe(PREFIX + room).catch(onError);
    },
    publish(m) {
      if (closed) return;
      const bytes = encodeBusMessage({ ...m, origin: nodeId });
      pub.publish(channelOf(m.room, m.kind), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(onError);
    },
    async close() {
      closed = true;
      pub.disconnect();
      sub.disconnect();
    },
  };
};
