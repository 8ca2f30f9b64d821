/**
 * Public entry of the relay: accounts, room grants, the `/sync` and `/yjs/{room}` WebSocket
 * endpoints and their HTTP routes, ready to be served alone or beside other routes. Accounts and
 * rooms persist in one SQLite file, or in PostgreSQL (`databaseUrl`), shared live with other
 * relay nodes over Redis (`redisUrl`: the scale-out mode).
 *
 *   const sync = await createSyncServer({ dataDir: './data' })
 *   const server = await sync.listen({ port: 3000, host: '0.0.0.0', extraRoutes: blobs.routes, staticDir: 'dist/client' })
 */
import type { HttpRoute } from '../../protocol/src/index.js';
import { createAccountRoutes } from './account.routes.js';
import { createAccountService } from './account.service.js';
import { createAdminUserRoutes } from './admin-users.routes.js';
import { createAdminUserService, type UsageSource } from './admin-users.service.js';
import { createAuthHttp, guardMetrics, type HttpTrust } from './auth-http.js';
import { createAuthRoutes, type HealthDetail } from './auth.routes.js';
import { createAuthService, type AuthUser, type SessionPolicy } from './auth.service.js';
import { createConnectionAdmission } from './connection-admission.js';
import { createGrantRoutes } from './grant.routes.js';
import { createGrantService } from './grant.service.js';
import { openDatabase } from './database.js';
import { createLogger, type Logger } from './logger.js';
import { metricsRoute } from './metrics.js';
import { createLoginLimiter, type LoginLimiterOptions } from './auth-login-limiter.js';
import { createPostgresRoomRepository } from './postgres-room.repository.js';
import { createPostgresUserRepository } from './postgres-user.repository.js';
import { createRedisRoomBus } from './redis-room.bus.js';
import { createRelay, type SessionId } from './relay.js';
import type { RoomBus } from './room-bus.js';
import { createRoomRepository, type RoomRepository } from './room.repository.js';
import type { RelaySocket, SocketHandler, WsEndpoint } from './socket.js';
import { listen as listenUws, type Listening } from './uws.transport.js';
import { createUserRepository, type UserRepository } from './user.repository.js';

export { loadConfig, DEFAULT_CONFIG, ConfigError, RelayMode, type SyncServerConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export type { AuthUser, SessionPolicy } from './auth.service.js';
export type { UsageSource } from './admin-users.service.js';
export type { HealthDetail } from './auth.routes.js';

export interface SyncServerOptions {
  /** Directory holding shoebox.sqlite; created if missing. */
  readonly dataDir: string;
  /** Logged updates per room before compaction; default 500. */
  readonly compactAfter?: number;
  /** Rooms without sessions unload after this long; default 60 s. */
  readonly idleUnloadMs?: number;
  /** PostgreSQL URL: rooms, accounts, tokens and grants persist there instead of in shoebox.sqlite. */
  readonly databaseUrl?: string;
  /** Redis URL (needs databaseUrl): share live edits with the other relay nodes on the same Redis. */
  readonly redisUrl?: string;
  /** Names this node in logs and bus messages; default random. */
  readonly nodeId?: string;
  /** Sustained messages per second one connection may send; default 500. */
  readonly maxMessagesPerSecond?: number;
  /** Open WebSockets one remote address may hold; default 1000. More are refused with 429. */
  readonly maxConnectionsPerIp?: number;
  /** New WebSockets per second per remote address (bursts of 4×); default 50. Faster ones get 429. */
  readonly connectionsPerIpPerSecond?: number;
  /** Structured log; default JSON lines. */
  readonly logger?: Logger;
  /** Override the login backoff (tests); defaults in DEFAULT_LOGIN_LIMITER. */
  readonly loginLimiter?: Partial<LoginLimiterOptions>;
  /** Storage per user for the administrators' list (the blob store's count); default none (usage reads null). */
  readonly usage?: UsageSource;
  /** Session lifetimes; defaults in DEFAULT_SESSION_POLICY (30 days unused, 365 days at most). */
  readonly sessions?: Partial<SessionPolicy>;
  /** Whether X-Forwarded-For/-Proto come from a trusted proxy, and whether cookies are always `Secure`. */
  readonly trust?: HttpTrust;
  /** A bearer token a metrics scraper sends for `/metrics`; administrators' sessions work without it. */
  readonly metricsToken?: string;
  /** Other services' state for `GET /api/health?detail=1` (administrators), next to the relay's own. */
  readonly healthDetail?: HealthDetail;
}

export interface SyncListenOptions {
  /** 0 picks a free port; the real one is in the result. */
  readonly port: number;
  readonly host?: string;
  /** Routes of other services (blob-store) served on the same port. */
  readonly extraRoutes?: readonly HttpRoute[];
  /** The built PWA (dist/client); omitted = no static files. */
  readonly staticDir?: string;
}

export interface SyncServer {
  /** The relay's own HTTP routes (/api/health, /api/setup, /api/auth/*, /api/me, /api/rooms/{room}/grants, /metrics). */
  readonly routes: readonly HttpRoute[];
  /** The user a bearer token belongs to, or undefined when it is unknown or revoked. */
  authenticate(token: string | undefined): Promise<AuthUser | undefined>;
  /** A token for an in-process service acting as the user's replica over `/sync` (the blob store's catalog write-back); never served over HTTP. */
  issueServiceToken(userId: AuthUser['id']): Promise<string>;
  /** Sets or (undefined) revokes a user's grant for a room; live sessions follow at once, on every node. */
  setGrant(userId: AuthUser['id'], room: string, access: 'read' | 'write' | 'admin' | undefined): Promise<void>;
  /**
   * True when the user holds any grant for the room (read is enough). A plain function, safe to
   * pass to another service: e.g. the blob store authorising reads of a shared album's blobs.
   */
  readonly canReadRoom: (userId: AuthUser['id'], room: string) => Promise<boolean>;
  /** True when the user holds a write or admin grant for the room (e.g. registering a blob in a shared album). */
  readonly canWriteRoom: (userId: AuthUser['id'], room: string) => Promise<boolean>;
  listen(options: SyncListenOptions): Promise<Listening>;
  /** Stops every listener, ends every session and closes the database. */
  close(): Promise<void>;
}

export const createSyncServer = async (options: SyncServerOptions): Promise<SyncServer> => {
  if (options.redisUrl && !options.databaseUrl) throw new Error('redisUrl (scale-out mode) needs databaseUrl: nodes must share one store');
  const log = options.logger ?? createLogger({ component: 'relay', node: options.nodeId });
  const db = openDatabase(options.dataDir);
  let rooms: RoomRepository | undefined;
  let users: UserRepository;
  try {
    const onError = (err: Error): void => log.warn('postgres connection lost', { err });
    rooms = options.databaseUrl ? await createPostgresRoomRepository({ url: options.databaseUrl, onError }) : createRoomRepository(db);
    users = options.databaseUrl ? await createPostgresUserRepository({ url: options.databaseUrl, onError }) : createUserRepository(db);
  } catch (err) {
    await rooms?.close();
    db.close();
    throw err;
  }
  const bus: RoomBus | undefined = options.redisUrl ? createRedisRoomBus({ url: options.redisUrl, nodeId: options.nodeId, log }) : undefined;
  const auth = createAuthService({
    users,
    loginLimiter: createLoginLimiter(options.loginLimiter),
    sessions: options.sessions,
  });
  const http = createAuthHttp(auth, options.trust);
  const relay = createRelay({
    auth,
    rooms,
    bus,
    compactAfter: options.compactAfter,
    idleUnloadMs: options.idleUnloadMs,
    maxMessagesPerSecond: options.maxMessagesPerSecond,
    logger: log,
  });
  const routes: HttpRoute[] = [
    ...createAuthRoutes(auth, http, async () => ({
      relay: {
        status: 'ok',
        database: options.databaseUrl ? 'postgresql' : 'sqlite',
        redis: options.redisUrl ? 'configured' : 'none',
        roomsLoaded: relay.loadedRooms(),
      },
      ...(await options.healthDetail?.()),
    })),
    ...createGrantRoutes(createGrantService({ auth, users })),
    ...createAdminUserRoutes(createAdminUserService({ auth, users, usage: options.usage }), http),
    ...createAccountRoutes(createAccountService({ auth, users }), http),
    guardMetrics(
      metricsRoute(relay.metrics, () => ({ rooms_loaded: relay.loadedRooms(), process_resident_memory_bytes: process.memoryUsage.rss() })),
      http,
      options.metricsToken,
    ),
  ];
  const listeners = new Set<Listening>();
  // One admission table for every listener: the limits are per address, not per port.
  const admission = createConnectionAdmission({
    maxPerIp: options.maxConnectionsPerIp,
    perSecond: options.connectionsPerIpPerSecond,
    onRefused: (verdict) => relay.metrics.error(`admission_${verdict}`),
  });

  const handlerFor = (id: SessionId): SocketHandler => ({
    message: (bytes) => void relay.handleMessage(id, bytes),
    closed: () => relay.disconnect(id),
  });
  const websockets: WsEndpoint[] = [
    { pattern: '/sync', open: (socket: RelaySocket) => handlerFor(relay.connectSync(socket)) },
    { pattern: '/yjs/*', open: (socket, info) => handlerFor(relay.connectYws(socket, info.path.slice('/yjs/'.length), info.query.get('token') ?? undefined)) },
  ];

  return {
    routes,
    authenticate: (token) => auth.authenticate(token),
    issueServiceToken: (userId) => auth.issueToken(userId),
    setGrant: (userId, room, access) => auth.setGrant(userId, room, access),
    canReadRoom: (userId, room) => auth.canReadRoom(userId, room),
    canWriteRoom: (userId, room) => auth.canWriteRoom(userId, room),
    async listen({ port, host = '0.0.0.0', extraRoutes = [], staticDir }) {
      const server = await listenUws({ port, host, routes: [...routes, ...extraRoutes], websockets, staticDir, admission });
      const listening: Listening = {
        port: server.port,
        async close() {
          listeners.delete(listening);
          await server.close();
        },
      };
      listeners.add(listening);
      return listening;
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.close()));
      await relay.close();
      await bus?.close();
      await rooms.close();
      await users.close();
      db.close();
    },
  };
};
