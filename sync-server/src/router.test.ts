import { describe, expect, it } from 'vitest';
import { json, type HttpMethod, type HttpRoute } from '../../protocol/src/index.js';
import { createRouter } from './router.js';

const route = (method: HttpMethod, pattern: string): HttpRoute => ({ method, pattern, maxBodyBytes: 0, handle: async () => json(200, {}) });

describe('router', () => {
  const getBlob = route('GET', '/api/blobs/:hash');
  const putBlob = route('PUT', '/api/blobs/:hash');
  const thumb = route('GET', '/api/blobs/:hash/thumbnail');
  const router = createRouter([getBlob, putBlob, thumb]);

  it('matches literal and parameter segments, decoding parameters', () => {
    expect(router.match('GET', '/api/blobs/a%20b')).toEqual({ kind: 'route', route: getBlob, params: { hash: 'a b' } });
    expect(router.match('GET', '/api/blobs/x/thumbnail')).toMatchObject({ kind: 'route', route: thumb });
    expect(router.match('PUT', '/api/blobs/x')).toMatchObject({ kind: 'route', route: putBlob });
  });

  it('tells a wrong method from a missing path, and lets HEAD use GET', () => {
    expect(router.match('DELETE', '/api/blobs/x')).toEqual({ kind: 'wrongMethod', allow: ['GET', 'PUT'] });
    expect(router.match('GET', '/api/blobs')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/blobs/')).toEqual({ kind: 'none' });
    expect(router.match('GET', '/api/blobs/%E0%A4%A')).toEqual({ kind: 'none' });
    expect(router.match('HEAD', '/api/blobs/x')).toMatchObject({ kind: 'route', route: getBlob });
  });
});
