import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig({}, '/srv')).toEqual({ port: 3000, host: '0.0.0.0', dataDir: path.resolve('/srv/data'), staticDir: path.resolve('/srv/dist/client') });
  });

  it('reads every variable', () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SHOEBOX_DATA_DIR: '/var/shoebox', SHOEBOX_STATIC_DIR: 'web' }, '/srv');
    expect(config).toEqual({ port: 0, host: '127.0.0.1', dataDir: '/var/shoebox', staticDir: path.resolve('/srv/web') });
  });

  it.each([['PORT', 'abc'], ['PORT', '70000'], ['PORT', '-1'], ['PORT', '3000.5'], ['HOST', 'bad host!']])('fails at once on %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
