import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, EXIFTOOL_IMAGES, startTestStore, type TestStore } from './test-kit.js';

describe.runIf(existsSync('/usr/bin/exiftool'))('GET /api/blobs/:hash/metadata and PUT …/sidecar', () => {
  let kit: TestStore;
  let hash: string;
  beforeAll(async () => {
    kit = await startTestStore();
    ({ hash } = await kit.putFile('alice', join(ASSETS, 'metadata/gps-position/thompson-springs.jpg')));
  });
  afterAll(() => kit.close());

  const putSidecar = async (user: 'alice' | 'bob', body: Uint8Array): Promise<Response> =>
    fetch(`${kit.url}/api/blobs/${hash}/sidecar`, { method: 'PUT', headers: kit.auth(user), body: body as Uint8Array<ArrayBuffer> });

  it('serves the ExifTool metadata of an upload', async () => {
    const res = await kit.get('alice', `/api/blobs/${hash}/metadata`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      dateTaken: '2022-01-10T15:15:44-04:00',
      latitude: 39.115,
      longitude: -108.400968333333,
      width: 150,
      height: 103,
      orientation: 1,
      mimeType: 'image/jpeg',
      sources: { dateTaken: 'DateTimeOriginal' },
    });
  });

  it('hides metadata from users who may not read the blob', async () => {
    expect((await kit.get('bob', `/api/blobs/${hash}/metadata`)).status).toBe(404);
    expect((await kit.get(undefined, `/api/blobs/${hash}/metadata`)).status).toBe(401);
    expect((await kit.get('alice', `/api/blobs/${'0'.repeat(64)}/metadata`)).status).toBe(404);
  });

  it('re-extracts with an XMP sidecar, whose dates and rating win', async () => {
    const res = await putSidecar('alice', await readFile(join(EXIFTOOL_IMAGES, 'XMP.xmp')));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dateTaken: '2005-06-09T20:09:27+02:00', rating: 1, width: 150 });
    expect(await (await kit.get('alice', `/api/blobs/${hash}/metadata`)).json()).toMatchObject({ rating: 1 });
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('refuses sidecars that are not XMP, too large, or not the uploader’s', async () => {
    const text = await putSidecar('alice', await readFile(join(EXIFTOOL_IMAGES, 'Text1.txt')));
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('unsupportedMediaType');
    expect((await putSidecar('bob', await readFile(join(EXIFTOOL_IMAGES, 'XMP.xmp')))).status).toBe(404);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it("[audit 2] the same bytes uploaded by another user give no write over the uploader's metadata", async () => {
    const photo = await kit.putFile('alice', join(ASSETS, 'albums/nature/el_torcal_rocks.jpg'));
    const before = await (await kit.get('alice', `/api/blobs/${photo.hash}/metadata`)).json();
    expect(before).toMatchObject({ rating: null });
    expect((await kit.putFile('bob', join(ASSETS, 'albums/nature/el_torcal_rocks.jpg'))).status).toBe(201);
    const sidecar = await fetch(`${kit.url}/api/blobs/${photo.hash}/sidecar`, { method: 'PUT', headers: kit.auth('bob'), body: await readFile(join(EXIFTOOL_IMAGES, 'XMP.xmp')) });
    expect(sidecar.status).toBe(200);
    expect(await sidecar.json()).toMatchObject({ dateTaken: '2005-06-09T20:09:27+02:00', rating: 1 });
    expect(await (await kit.get('bob', `/api/blobs/${photo.hash}/metadata`)).json()).toMatchObject({ rating: 1 });
    expect(await (await kit.get('alice', `/api/blobs/${photo.hash}/metadata`)).json()).toEqual(before);
  });

  it('reads a video’s duration and dimensions', async () => {
    const video = await kit.putFile('alice', join(EXIFTOOL_IMAGES, 'QuickTime.mov'));
    expect(video.status).toBe(201);
    const meta = (await (await kit.get('alice', `/api/blobs/${video.hash}/metadata`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ duration: 4.96666666666667, width: 320, height: 240, dateTaken: '2005-08-11T14:03:54' });
  });

  it('refuses an oversized sidecar with 413 and keeps nothing', async () => {
    expect((await putSidecar('alice', new Uint8Array(2 * 1024 * 1024))).status).toBe(413);
    expect(await kit.tempFiles()).toEqual([]);
  });
});
