import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMlDerivative } from '../../models/src/derivatives/ml-derivative.js';
import { ASSETS, startTestStore, type TestStore } from './test-kit.js';

describe('[audit 8] HTTP hygiene of served blobs and uploads', () => {
  let kit: TestStore;
  let hash = '';
  beforeAll(async () => {
    kit = await startTestStore();
    ({ hash } = await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg')));
    const clip = writeMlDerivative({ kind: 'clip', assetHash: hash, modelId: 'ViT-B-32__openai', embedding: new Float32Array(512).fill(0.1) });
    expect((await fetch(`${kit.url}/api/blobs/${hash}/derivatives/ml/ViT-B-32__openai`, { method: 'PUT', headers: kit.auth('alice'), body: clip as Uint8Array<ArrayBuffer> })).status).toBe(201);
  });
  afterAll(() => kit.close());

  it.each([
    ['original', '', 'GET', {}],
    ['original, HEAD', '', 'HEAD', {}],
    ['original, a range', '', 'GET', { range: 'bytes=0-99' }],
    ['thumbnail', '/thumbnail', 'GET', {}],
    ['preview', '/preview', 'GET', {}],
    ['ML derivative', '/derivatives/ml/ViT-B-32__openai', 'GET', {}],
  ] as const)('%s: nosniff and a CSP that runs and loads nothing', async (_name, suffix, method, headers) => {
    const res = await kit.get('alice', `/api/blobs/${hash}${suffix}`, headers, method);
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('tus answers no Access-Control-Allow-Origin (never *), to OPTIONS or a creation from another origin', async () => {
    const origin = { origin: 'https://evil.example' };
    const options = await fetch(`${kit.url}/api/uploads`, { method: 'OPTIONS', headers: origin });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toContain('1.0.0');
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    expect(options.headers.get('access-control-allow-credentials')).toBeNull();
    const created = await fetch(`${kit.url}/api/uploads`, {
      method: 'POST',
      headers: { ...origin, ...kit.auth('alice'), 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `sha256 ${Buffer.from('a'.repeat(64)).toString('base64')}` },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
  });
});
