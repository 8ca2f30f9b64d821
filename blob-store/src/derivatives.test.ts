import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, EXIFTOOL_IMAGES, startTestStore, type TestStore } from './test-kit.js';

const shortSide = (m: { width?: number; height?: number }) => Math.min(m.width ?? 0, m.height ?? 0);
const isWebp = (b: Buffer) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';

describe('thumbnails, previews and info', () => {
  let kit: TestStore;
  let scratch: string;
  beforeAll(async () => {
    kit = await startTestStore();
    scratch = await mkdtemp(join(tmpdir(), 'blob-deriv-'));
  });
  afterAll(async () => {
    await kit.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const derive = async (hash: string, kind: 'thumbnail' | 'preview') => {
    const res = await kit.get('alice', `/api/blobs/${hash}/${kind}`);
    const body = Buffer.from(await res.arrayBuffer());
    return { res, body, meta: res.status === 200 ? await sharp(body).metadata() : undefined };
  };

  it.each([
    ['JPEG', 'albums/nature/el_torcal_rocks.jpg', 'image/jpeg', 512, 341],
    ['HEIC', 'formats/heic/IMG_2682.heic', 'image/heic', 4032, 3024],
    ['PNG', 'formats/png/density_plot.png', 'image/png', 800, 800],
    ['WebP', 'formats/webp/denali.webp', 'image/webp', 600, 315],
    ['AVIF', 'formats/avif/8bit-sRGB.avif', 'image/avif', 1617, 1080],
    ['HDR AVIF', 'formats/avif/10bit-HDR-P3-nclx.avif', 'image/avif', 3681, 5594],
    ['JXL', 'formats/jxl/8bit-sRGB.jxl', 'image/jxl', 1440, 1080],
  ])('%s: WebP thumbnail 250 short side, JPEG preview ≤1440, info', async (_name, file, mime, width, height) => {
    const up = await kit.putFile('alice', join(ASSETS, file));
    expect(up.status).toBe(201);
    expect(up.body.mime).toBe(mime);

    const thumb = await derive(up.hash, 'thumbnail');
    expect(thumb.res.status).toBe(200);
    expect(thumb.res.headers.get('content-type')).toBe('image/webp');
    expect(isWebp(thumb.body)).toBe(true);
    expect(shortSide(thumb.meta!)).toBe(Math.min(250, width, height));

    const preview = await derive(up.hash, 'preview');
    expect(preview.res.status).toBe(200);
    expect(preview.body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(shortSide(preview.meta!)).toBe(Math.min(1440, width, height));
    // Aspect ratio survives (to rounding).
    expect(Math.abs(preview.meta!.width! / preview.meta!.height! - width / height)).toBeLessThan(0.02);

    const info = (await (await kit.get('alice', `/api/blobs/${up.hash}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ hash: up.hash, mime, size: up.bytes.length, width, height });
    expect(Buffer.from(info.thumbhash as string, 'base64').length).toBeGreaterThan(5);
  });

  it('applies EXIF orientation (portrait-orientation-6 is stored landscape, shown portrait)', async () => {
    const up = await kit.putFile('alice', join(ASSETS, 'metadata/faces/portrait-orientation-6.jpg'));
    const thumb = await derive(up.hash, 'thumbnail');
    // Stored 700×840 with "Rotate 90 CW": displayed 840×700, like portrait.jpg (840×700, no rotation).
    expect(thumb.meta).toMatchObject({ width: 300, height: 250 });
    const upright = await kit.putFile('alice', join(ASSETS, 'metadata/faces/portrait.jpg'));
    const reference = await derive(upright.hash, 'thumbnail');
    const pixels = (b: Buffer) => sharp(b).resize(30, 25, { fit: 'fill' }).greyscale().raw().toBuffer();
    const [a, b] = await Promise.all([pixels(thumb.body), pixels(reference.body)]);
    const meanDiff = a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
    expect(meanDiff).toBeLessThan(20);
  });

  it('serves derivatives with ETag/304 and writes them content-keyed', async () => {
    const up = await kit.putFile('alice', join(ASSETS, 'albums/nature/silver_fir.jpg'));
    const first = await kit.get('alice', `/api/blobs/${up.hash}/thumbnail`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${up.hash}-thumbnail-1"`);
    expect((await kit.get('alice', `/api/blobs/${up.hash}/thumbnail`, { 'if-none-match': etag })).status).toBe(304);
    const dir = join(kit.dataDir, 'blobs/derivatives', up.hash.slice(0, 2), up.hash.slice(2, 4));
    expect(existsSync(join(dir, `${up.hash}-thumbnail-1.webp`))).toBe(true);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('makes a poster thumbnail for a generated video', async () => {
    const video = join(scratch, 'clip.mp4');
    execFileSync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=320x240:rate=10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', video]);
    const up = await kit.putFile('alice', video);
    expect(up.status).toBe(201);
    expect(up.body.mime).toBe('video/mp4');
    const thumb = await derive(up.hash, 'thumbnail');
    expect(thumb.res.status).toBe(200);
    expect(thumb.meta).toMatchObject({ format: 'webp', height: 240, width: 320 });
    const info = (await (await kit.get('alice', `/api/blobs/${up.hash}/info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ width: 320, height: 240 });
  });

  it('answers a truncated JPEG with 422 undecodable, records the failure, and keeps serving', async () => {
    const whole = await readFile(join(ASSETS, 'albums/nature/prairie_falcon.jpg'));
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    const up = await kit.put('alice', half);
    expect(up.status).toBe(201); // still a JPEG by its header: stored as the user's bytes
    const hash = up.body.hash as string;
    const thumb = await kit.get('alice', `/api/blobs/${hash}/thumbnail`);
    expect(thumb.status).toBe(422);
    expect(await thumb.json()).toMatchObject({ error: { code: 'undecodable' } });
    // Failed for good: asking again answers at once, without another decode.
    expect((await kit.get('alice', `/api/blobs/${hash}/thumbnail`)).status).toBe(422);
    expect((await kit.get('alice', `/api/blobs/${hash}/info`)).status).toBe(422);
    expect((await kit.get('alice', `/api/blobs/${hash}`)).status).toBe(200);
  });

  it('answers a decompression bomb with 422 instead of decoding it', async () => {
    const bomb = await sharp({ create: { width: 20_000, height: 12_000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
    const up = await kit.put('alice', bomb);
    expect(up.status).toBe(201);
    const thumb = await kit.get('alice', `/api/blobs/${up.body.hash as string}/thumbnail`);
    expect(thumb.status).toBe(422);
    expect(((await thumb.json()) as { error: { message: string } }).error.message).toMatch(/pixel limit/);
  });

  it('accepts tiny or stripped samples from many formats and never crashes deriving them', async () => {
    const names = ['GIF.gif', 'PNG.png', 'RIFF.webp', 'QuickTime.heic', 'QuickTime.mov', 'Matroska.mkv', 'RIFF.avi', 'JXL2.jxl', 'CanonRaw.cr2', 'Nikon.nef', 'DNG.dng', 'ExifTool.tif'];
    for (const name of names) {
      const up = await kit.putFile('alice', join(EXIFTOOL_IMAGES, name));
      expect(up.status, name).toBe(201);
      const thumb = await kit.get('alice', `/api/blobs/${up.hash}/thumbnail`);
      expect([200, 422], name).toContain(thumb.status);
    }
    expect((await readdir(join(kit.dataDir, 'blobs/tmp'))).length).toBe(0);
  });

  it.runIf(existsSync('/usr/bin/exiftool'))('renders a RAW from its embedded preview (FujiFilm RAF)', async () => {
    const up = await kit.putFile('alice', join(EXIFTOOL_IMAGES, 'FujiFilm.raf'));
    expect(up.body.mime).toBe('image/x-fujifilm-raf');
    const thumb = await derive(up.hash, 'thumbnail');
    expect(thumb.res.status).toBe(200);
    expect(isWebp(thumb.body)).toBe(true);
  });
});
