/**
 * The S3 backend against a real local S3-compatible server (s3rver, started here on a free
 * port over a temp directory), through the same contract suite as the filesystem backend.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBlobBackendContractTests } from './blob-backend.contract.js';
import { createS3BlobBackend } from './s3-blob.backend.js';
import { ASSETS, startTestStore } from './test-kit.js';

let server: S3rver;
let serverDir: string;
let client: S3Client;
let buckets = 0;

beforeAll(async () => {
  serverDir = await mkdtemp(join(tmpdir(), 's3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: serverDir, silent: true });
  const { port } = (await server.run()) as { port: number };
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(serverDir, { recursive: true, force: true });
});

runBlobBackendContractTests('s3 (s3rver)', async (dir) => {
  const bucket = `shoebox-${++buckets}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return createS3BlobBackend({ client, bucket, prefix: 'originals/', cacheDir: join(dir, 's3-cache') });
});

describe('blob store on S3', () => {
  it('round-trips uploads, derivatives, ranges and metadata through the S3 backend', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'store' }));
    const cache = await mkdtemp(join(tmpdir(), 's3-cache-'));
    const backend = await createS3BlobBackend({ client, bucket: 'store', prefix: 'originals/', cacheDir: cache });
    const kit = await startTestStore({}, undefined, backend);
    try {
      const up = await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg'));
      expect(up.status).toBe(201);
      expect(await backend.stat(up.hash as never)).toEqual({ size: up.bytes.length });
      await rm(cache, { recursive: true, force: true }); // the local copy is only a cache
      const whole = await kit.get('alice', `/api/blobs/${up.hash}`);
      expect(Buffer.from(await whole.arrayBuffer()).equals(up.bytes)).toBe(true);
      const part = await kit.get('alice', `/api/blobs/${up.hash}`, { range: 'bytes=10-19' });
      expect(part.status).toBe(206);
      expect(Buffer.from(await part.arrayBuffer()).equals(up.bytes.subarray(10, 20))).toBe(true);
      expect((await kit.get('alice', `/api/blobs/${up.hash}/thumbnail`)).headers.get('content-type')).toBe('image/webp');
      expect((await kit.get('alice', `/api/blobs/${up.hash}/metadata`)).status).toBe(200);
      expect((await kit.put('alice', up.bytes)).body.created).toBe(false);
    } finally {
      await kit.close();
      await rm(cache, { recursive: true, force: true });
    }
  });
});
