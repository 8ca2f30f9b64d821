/**
 * The relay's configuration: one typed object parsed from the environment at start, so a bad
 * value stops the process at once with a message naming the variable.
 *
 *   const config = loadConfig(process.env)   // throws ConfigError on e.g. PORT=abc
 *   await server.listen({ port: config.port, host: config.host })
 */
import path from 'node:path';
import type { HttpTrust } from './auth-http.js';

export interface SyncServerConfig {
  /** `PORT`, default 3000. 0 picks a free port. */
  readonly port: number;
  /** `HOST`, default `0.0.0.0` (every interface, so phones on the LAN can connect). */
  readonly host: string;
  /** `SHOEBOX_DATA_DIR`, default `./data`, resolved against the working directory. Holds shoebox.sqlite. */
  readonly dataDir: string;
  /** `SHOEBOX_STATIC_DIR`, default `./dist/client`: the built PWA served at `/`. */
  readonly staticDir: string;
  /**
   * `SHOEBOX_DATABASE_URL` (postgres://…), default unset: rooms, accounts, tokens and grants
   * persist in PostgreSQL instead of the embedded SQLite file, so several nodes share them.
   */
  readonly databaseUrl: string | undefined;
  /**
   * `SHOEBOX_REDIS_URL` (redis://…), default unset: scale-out mode, live edits shared with other
   * relay nodes over Redis pub/sub. Requires SHOEBOX_DATABASE_URL (the nodes' shared store).
   */
  readonly redisUrl: string | undefined;
  /** Which storage and sharing the settings above select. */
  readonly mode: RelayMode;
  /** `SHOEBOX_MAX_CONNECTIONS_PER_IP`, default 1000: open WebSockets one address may hold. */
  readonly maxConnectionsPerIp: number;
  /** `SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND`, default 50 (bursts of 4×): new WebSockets per address. */
  readonly connectionsPerIpPerSecond: number;
  /** `SHOEBOX_MAX_MESSAGES_PER_SECOND`, default 500 (bursts of 2×): messages one WebSocket may send; more closes it (1013). */
  readonly maxMessagesPerSecond: number;
  /**
   * `SHOEBOX_TRUST_PROXY` (default false): a reverse proxy in front sets X-Forwarded-For (the
   * address sessions and the login limiter see) and X-Forwarded-Proto (`https` makes the session
   * cookie `Secure`). `SHOEBOX_SECURE_COOKIES` (default false): always `Secure`.
   */
  readonly trust: HttpTrust;
  /** `SHOEBOX_METRICS_TOKEN`, default unset: a bearer token a scraper sends for `/metrics` (administrators' sessions work too). */
  readonly metricsToken: string | undefined;
}

export const RelayMode = { embedded: 'embedded', postgres: 'postgres', scaleOut: 'scaleOut' } as const;
export type RelayMode = (typeof RelayMode)[keyof typeof RelayMode];

export const DEFAULT_CONFIG = {
  port: 3000,
  host: '0.0.0.0',
  dataDir: './data',
  staticDir: './dist/client',
  maxConnectionsPerIp: 1000,
  connectionsPerIpPerSecond: 50,
  maxMessagesPerSecond: 500,
} as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const value = (env: Env, name: string): string | undefined => {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
};

const parsePort = (raw: string | undefined): number => {
  if (raw === undefined) return DEFAULT_CONFIG.port;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new ConfigError(`PORT must be an integer 0–65535, got ${JSON.stringify(raw)}`);
  return Number(raw);
};

const parseHost = (raw: string | undefined): string => {
  if (raw === undefined) return DEFAULT_CONFIG.host;
  if (!/^[A-Za-z0-9.:_[\]-]{1,255}$/.test(raw)) throw new ConfigError(`HOST must be a host name or IP address, got ${JSON.stringify(raw)}`);
  return raw.replace(/^\[(.*)\]$/, '$1');
};

const parseDir = (name: string, raw: string | undefined, fallback: string, cwd: string): string => {
  const dir = raw ?? fallback;
  if (dir.includes('\0')) throw new ConfigError(`${name} contains a NUL byte`);
  return path.resolve(cwd, dir);
};

const parseUrl = (name: string, raw: string | undefined, protocols: readonly string[]): string | undefined => {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}//…), got an unparsable value`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must start with ${protocols.join(' or ')}//, got ${url.protocol}//`);
  return raw;
};

const parseCount = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw new ConfigError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
};

const parseFlag = (name: string, raw: string | undefined): boolean => {
  if (raw === undefined) return false;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
};

const parseSecret = (name: string, raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined;
  if (raw.length < 24 || raw.length > 256) throw new ConfigError(`${name} must be 24 to 256 characters (a random token)`);
  return raw;
};

/** Parses and validates the environment; every failure names the variable. */
export const loadConfig = (env: Env, cwd: string = process.cwd()): SyncServerConfig => {
  const databaseUrl = parseUrl('SHOEBOX_DATABASE_URL', value(env, 'SHOEBOX_DATABASE_URL'), ['postgres:', 'postgresql:']);
  const redisUrl = parseUrl('SHOEBOX_REDIS_URL', value(env, 'SHOEBOX_REDIS_URL'), ['redis:', 'rediss:']);
  if (redisUrl && !databaseUrl) throw new ConfigError('SHOEBOX_REDIS_URL (scale-out mode) needs SHOEBOX_DATABASE_URL: nodes must share one PostgreSQL store');
  return {
    port: parsePort(value(env, 'PORT')),
    host: parseHost(value(env, 'HOST')),
    dataDir: parseDir('SHOEBOX_DATA_DIR', value(env, 'SHOEBOX_DATA_DIR'), DEFAULT_CONFIG.dataDir, cwd),
    staticDir: parseDir('SHOEBOX_STATIC_DIR', value(env, 'SHOEBOX_STATIC_DIR'), DEFAULT_CONFIG.staticDir, cwd),
    databaseUrl,
    redisUrl,
    mode: redisUrl ? RelayMode.scaleOut : databaseUrl ? RelayMode.postgres : RelayMode.embedded,
    maxConnectionsPerIp: parseCount('SHOEBOX_MAX_CONNECTIONS_PER_IP', value(env, 'SHOEBOX_MAX_CONNECTIONS_PER_IP'), DEFAULT_CONFIG.maxConnectionsPerIp),
    connectionsPerIpPerSecond: parseCount('SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND', value(env, 'SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND'), DEFAULT_CONFIG.connectionsPerIpPerSecond),
    maxMessagesPerSecond: parseCount('SHOEBOX_MAX_MESSAGES_PER_SECOND', value(env, 'SHOEBOX_MAX_MESSAGES_PER_SECOND'), DEFAULT_CONFIG.maxMessagesPerSecond),
    trust: {
      trustProxy: parseFlag('SHOEBOX_TRUST_PROXY', value(env, 'SHOEBOX_TRUST_PROXY')),
      secureCookies: parseFlag('SHOEBOX_SECURE_COOKIES', value(env, 'SHOEBOX_SECURE_COOKIES')),
    },
    metricsToken: parseSecret('SHOEBOX_METRICS_TOKEN', value(env, 'SHOEBOX_METRICS_TOKEN')),
  };
};
