import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, RelayMode, loadConfig } from './config.js';

const noScaleOut = { databaseUrl: undefined, redisUrl: undefined, mode: RelayMode.embedded, maxConnectionsPerIp: 1000, connectionsPerIpPerSecond: 50, maxMessagesPerSecond: 500, trust: { trustProxy: false, secureCookies: false }, metricsToken: undefined };

describe('loadConfig', () => {
  it('applies the documented defaults: embedded mode', () => {
    expect(loadConfig({}, '/srv')).toEqual({ port: 3000, host: '0.0.0.0', dataDir: path.resolve('/srv/data'), staticDir: path.resolve('/srv/dist/client'), ...noScaleOut });
  });

  it('reads every variable', () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SHOEBOX_DATA_DIR: '/var/shoebox', SHOEBOX_STATIC_DIR: 'web' }, '/srv');
    expect(config).toEqual({ port: 0, host: '127.0.0.1', dataDir: '/var/shoebox', staticDir: path.resolve('/srv/web'), ...noScaleOut });
  });

  it('reads the per-address connection limits and the per-connection message rate', () => {
    expect(loadConfig({ SHOEBOX_MAX_CONNECTIONS_PER_IP: '5000', SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND: '200', SHOEBOX_MAX_MESSAGES_PER_SECOND: '20' })).toMatchObject({
      maxConnectionsPerIp: 5000,
      connectionsPerIpPerSecond: 200,
      maxMessagesPerSecond: 20,
    });
  });

  it('selects the PostgreSQL store, and scale-out with Redis, from the URLs', () => {
    const db = 'postgres://shoebox@127.0.0.1:5432/shoebox';
    expect(loadConfig({ SHOEBOX_DATABASE_URL: db })).toMatchObject({ databaseUrl: db, redisUrl: undefined, mode: RelayMode.postgres });
    expect(loadConfig({ SHOEBOX_DATABASE_URL: db, SHOEBOX_REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({ mode: RelayMode.scaleOut });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['HOST', 'bad host!'],
    ['SHOEBOX_DATABASE_URL', 'mysql://x'],
    ['SHOEBOX_DATABASE_URL', 'not a url'],
    ['SHOEBOX_MAX_CONNECTIONS_PER_IP', '0'],
    ['SHOEBOX_CONNECTIONS_PER_IP_PER_SECOND', 'lots'],
    ['SHOEBOX_MAX_MESSAGES_PER_SECOND', '0'],
    ['SHOEBOX_MAX_MESSAGES_PER_SECOND', 'fast'],
  ])('fails at once on %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses Redis without a shared database, and a non-redis URL', () => {
    expect(() => loadConfig({ SHOEBOX_REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/needs SHOEBOX_DATABASE_URL/);
    expect(() => loadConfig({ SHOEBOX_DATABASE_URL: 'postgres://h/db', SHOEBOX_REDIS_URL: 'http://h' })).toThrow(/SHOEBOX_REDIS_URL/);
  });

  it('parses the proxy trust flags and the metrics token, refusing vague values', () => {
    const config = loadConfig({ SHOEBOX_TRUST_PROXY: 'true', SHOEBOX_SECURE_COOKIES: '0', SHOEBOX_METRICS_TOKEN: 'x'.repeat(32) }, '/srv');
    expect(config.trust).toEqual({ trustProxy: true, secureCookies: false });
    expect(config.metricsToken).toBe('x'.repeat(32));
    expect(() => loadConfig({ SHOEBOX_TRUST_PROXY: 'maybe' })).toThrow(/SHOEBOX_TRUST_PROXY/);
    expect(() => loadConfig({ SHOEBOX_METRICS_TOKEN: 'short' })).toThrow(/SHOEBOX_METRICS_TOKEN/);
  });
});
