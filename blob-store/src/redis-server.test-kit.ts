// The blob store's tests take the shared Redis test kit (protocol/src/testing/redis-server.ts).
export { startRedis, type RedisServer } from '../../protocol/src/testing/redis-server.js';
