/**
 * The contract every BlobBackend passes (filesystem now, S3 later), run from each
 * implementation's test file.
 *
 *   runBlobBackendContractTests('fs', async (dir) => createFsBlobBackend(join(dir, 'originals')))
 *   // factory gets a fresh scratch directory; temp files for putFile are written there
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBlobHash, type BlobHash } from '../../protocol/src/index.js';
import type { BlobBackend } from './blob.backend.js';

export const runBlobBackendContractTests = (name: string, factory: (scratchDir: string) => Promise<BlobBackend>): void => {
  describe(`BlobBackend contract: ${name}`, () => {
    let dir: string;
    let backend: BlobBackend;
    let counter = 0;
    const temp = async (bytes: Uint8Array): Promise<string> => {
      const file = join(dir, `upload-${counter++}.part`);
      await writeFile(file, bytes);
      return file;
    };
    const hashOf = (bytes: Uint8Array): BlobHash => parseBlobHash(createHash('sha256').update(bytes).digest('hex'));
    const collect = async (stream: AsyncIterable<Uint8Array>): Promise<Buffer> => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return Buffer.concat(chunks);
    };

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'blob-backend-'));
      backend = await factory(dir);
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('stores a blob, reports it, and reads it back whole and by range', async () => {
      const bytes = randomBytes(10_000);
      const hash = hashOf(bytes);
      expect(await backend.exists(hash)).toBe(false);
      expect(await backend.stat(hash)).toBeUndefined();
      const tempFile = await temp(bytes);
      expect(await backend.putFile(hash, tempFile)).toEqual({ created: true });
      expect(existsSync(tempFile)).toBe(false);
      expect(await backend.exists(hash)).toBe(true);
      expect(await backend.stat(hash)).toEqual({ size: 10_000 });
      expect((await collect(backend.read(hash))).equals(bytes)).toBe(true);
      expect((await collect(backend.read(hash, { start: 100, end: 199 }))).equals(bytes.subarray(100, 200))).toBe(true);
      const local = await backend.localFile(hash);
      expect(typeof local).toBe('string');
    });

    it('a second put of the same hash is created:false and consumes its temp file', async () => {
      const bytes = randomBytes(1000);
      const hash = hashOf(bytes);
      await backend.putFile(hash, await temp(bytes));
      const second = await temp(bytes);
      expect(await backend.putFile(hash, second)).toEqual({ created: false });
      expect(existsSync(second)).toBe(false);
      expect((await collect(backend.read(hash))).equals(bytes)).toBe(true);
    });

    it('concurrent puts of one hash leave one intact blob and exactly one created:true', async () => {
      const bytes = randomBytes(200_000);
      const hash = hashOf(bytes);
      const files = await Promise.all(Array.from({ length: 6 }, () => temp(bytes)));
      const results = await Promise.all(files.map((f) => backend.putFile(hash, f)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await collect(backend.read(hash))).equals(bytes)).toBe(true);
    });

    it('delete removes and reports; a missing blob reads as an error', async () => {
      const bytes = randomBytes(64);
      const hash = hashOf(bytes);
      await backend.putFile(hash, await temp(bytes));
      expect(await backend.delete(hash)).toBe(true);
      expect(await backend.delete(hash)).toBe(false);
      expect(await backend.exists(hash)).toBe(false);
      await expect(backend.localFile(hash)).rejects.toThrow();
      await expect(collect(backend.read(hash))).rejects.toThrow();
    });

    it('stores a zero-byte blob', async () => {
      const bytes = new Uint8Array(0);
      const hash = hashOf(bytes);
      expect(await backend.putFile(hash, await temp(bytes))).toEqual({ created: true });
      expect(await backend.stat(hash)).toEqual({ size: 0 });
    });
  });
};
