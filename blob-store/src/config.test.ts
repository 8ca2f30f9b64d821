import { describe, expect, it } from 'vitest';
import { blobStoreConfigFromEnv, defaultBlobStoreConfig, loadBlobStoreConfig, parseBlobStoreConfig } from './config.js';

describe('blob-store config', () => {
  it('fills documented defaults', () => {
    const config = parseBlobStoreConfig();
    expect(config.maxBlobBytes).toBe(8 * 1024 ** 3);
    expect(config.workerConcurrency).toBe(1);
    expect(config).toEqual(defaultBlobStoreConfig);
  });
  it('rejects a bad value naming the field', () => {
    expect(() => parseBlobStoreConfig({ workerConcurrency: 0 })).toThrow(/workerConcurrency/);
    expect(() => parseBlobStoreConfig({ maxBlobBytes: 1.5 })).toThrow(/maxBlobBytes/);
    expect(() => parseBlobStoreConfig(blobStoreConfigFromEnv({ SHOEBOX_BLOB_MAX_BYTES: 'lots' }))).toThrow(/maxBlobBytes/);
  });
  it('names the environment variable of a bad value', () => {
    expect(() => loadBlobStoreConfig({ SHOEBOX_BLOB_MAX_BYTES: 'lots' })).toThrow(/^SHOEBOX_BLOB_MAX_BYTES: .*maxBlobBytes.*"lots"/);
    expect(() => loadBlobStoreConfig({ SHOEBOX_TRANSCODE_POLICY: 'sometimes' })).toThrow(/^SHOEBOX_TRANSCODE_POLICY: /);
    expect(() => loadBlobStoreConfig({ SHOEBOX_BLOB_REDIS_URL: 'http://nope' })).toThrow(/^SHOEBOX_BLOB_REDIS_URL: /);
    expect(loadBlobStoreConfig({ SHOEBOX_BLOB_WORKER_CONCURRENCY: '3' }).workerConcurrency).toBe(3);
  });
  it('reads the environment', () => {
    expect(parseBlobStoreConfig(blobStoreConfigFromEnv({ SHOEBOX_BLOB_MAX_BYTES: '1024', SHOEBOX_BLOB_WORKER_CONCURRENCY: '2' }))).toMatchObject({
      maxBlobBytes: 1024,
      workerConcurrency: 2,
    });
  });
  it('selects the Redis (BullMQ) queue from SHOEBOX_REDIS_URL and rejects a URL that is not redis://', () => {
    expect(parseBlobStoreConfig(blobStoreConfigFromEnv({ SHOEBOX_REDIS_URL: 'redis://127.0.0.1:6379' })).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(parseBlobStoreConfig(blobStoreConfigFromEnv({})).redisUrl).toBe('');
    expect(parseBlobStoreConfig(blobStoreConfigFromEnv({ SHOEBOX_REDIS_URL: 'redis://a:1', SHOEBOX_BLOB_REDIS_URL: 'redis://b:2' })).redisUrl).toBe('redis://b:2');
    expect(() => parseBlobStoreConfig(blobStoreConfigFromEnv({ SHOEBOX_REDIS_URL: 'http://nope' }))).toThrow(/redisUrl/);
  });
});
