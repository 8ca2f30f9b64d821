/**
 * The relay's configuration: one typed object parsed from the environment at start, so a bad
 * value stops the process at once with a message naming the variable.
 *
 *   const config = loadConfig(process.env)   // throws ConfigError on e.g. PORT=abc
 *   await server.listen({ port: config.port, host: config.host })
 */
import path from 'node:path';

export interface SyncServerConfig {
  /** `PORT`, default 3000. 0 picks a free port. */
  readonly port: number;
  /** `HOST`, default `0.0.0.0` (every interface, so phones on the LAN can connect). */
  readonly host: string;
  /** `SHOEBOX_DATA_DIR`, default `./data`, resolved against the working directory. Holds shoebox.sqlite. */
  readonly dataDir: string;
  /** `SHOEBOX_STATIC_DIR`, default `./dist/client`: the built PWA served at `/`. */
  readonly staticDir: string;
}

export const DEFAULT_CONFIG = {
  port: 3000,
  host: '0.0.0.0',
  dataDir: './data',
  staticDir: './dist/client',
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

/** Parses and validates the environment; every failure names the variable. */
export const loadConfig = (env: Env, cwd: string = process.cwd()): SyncServerConfig => ({
  port: parsePort(value(env, 'PORT')),
  host: parseHost(value(env, 'HOST')),
  dataDir: parseDir('SHOEBOX_DATA_DIR', value(env, 'SHOEBOX_DATA_DIR'), DEFAULT_CONFIG.dataDir, cwd),
  staticDir: parseDir('SHOEBOX_STATIC_DIR', value(env, 'SHOEBOX_STATIC_DIR'), DEFAULT_CONFIG.staticDir, cwd),
});
