import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { freePort } from '../../protocol/src/testing/ports.js';
import { addAsset, assetIdOf, catalogRoom, extractedIndex, getAsset, initCatalog, type BlobHash, type UserId } from '../../protocol/src/index.js';
import { createCatalogWriteback, extractedRecord } from './catalog-writeback.service.js';
import type { MediaMetadata } from './media-metadata.js';
import { openRelayRoom } from './relay.client.js';
import { ASSETS, EXIFTOOL_IMAGES, sha256 } from './test-kit.js';

/** GPS is stored to 1e-7° (about 1 cm), as in facts chunks. */
const e7 = (x: number): number => Math.round(x * 1e7) / 1e7;

const meta = (over: Partial<MediaMetadata>): MediaMetadata => ({
  dateTaken: null, localDateTaken: null, timeZone: null, timeZoneSource: null, timeZoneName: null, latitude: null, longitude: null, altitude: null,
  make: null, model: null, lensModel: null, fNumber: null, exposureTime: null, iso: null, focalLength: null, orientation: null, width: null, height: null,
  duration: null, rating: null, keywords: [], tags: [], description: null, mimeType: null, livePhotoId: null, sources: {}, ...over,
} as MediaMetadata);

describe('extractedRecord (ExifTool reading → catalog record)', () => {
  it('[X1] takes the local date with its offset and swaps dimensions for orientations 5–8', () => {
    const hash = 'a'.repeat(64) as BlobHash;
    expect(extractedRecord(hash, meta({ localDateTaken: '2023-02-02T02:00:00.170', timeZone: '-04:30', width: 4000, height: 3000, orientation: 6, keywords: ['k'] })))
      .toEqual({ hash, takenAt: '2023-02-02T02:00:00', utcOffset: -270, width: 3000, height: 4000, keywords: ['k'] });
    expect(extractedRecord(hash, meta({ localDateTaken: '2023-02-02T02:00:00' }))).toEqual({ hash, takenAt: '2023-02-02T02:00:00', utcOffset: null });
  });
});

describe('createCatalogWriteback without a relay', () => {
  it('retries with backoff, reports each failure and gives up without throwing', async () => {
    const port = await freePort(); // nothing listens there
    const errors: string[] = [];
    const wb = createCatalogWriteback({ url: `ws://127.0.0.1:${port}/sync`, tokenFor: async () => 't', retries: 2, backoffMs: 10, delayMs: 0, onError: (err) => errors.push(err.message) });
    wb.enqueue('b'.repeat(64) as BlobHash, meta({ make: 'Canon' }), ['u1' as UserId]);
    await wb.flush();
    expect(wb.stats).toEqual({ written: 0, updates: 0, failures: 3 });
    expect(errors[0]).toMatch(/relay connection failed/);
    await wb.close();
  });
});

describe.runIf(existsSync('/usr/bin/exiftool'))('catalog write-back through a real relay (scripts/serve.ts)', () => {
  let child: ChildProcess;
  let dir: string;
  let url: string;
  let token: string;
  let user: UserId;
  let log = '';
  const photo = join(ASSETS, 'metadata/gps-position/thompson-springs.jpg');

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), 'shoebox-writeback-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SHOEBOX_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
      if (i > 200 || child.exitCode !== null) throw new Error(`server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', password: 'correct horse battery', name: 'A' }) });
    const body = (await res.json()) as { token: string; user: { id: UserId } };
    token = body.token;
    user = body.user.id;
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => (child?.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The device's view: the catalog room as the relay holds it. */
  const catalog = async (): Promise<Y.Doc> => {
    const room = await openRelayRoom({ url: `${url.replace('http', 'ws')}/sync`, token, room: catalogRoom(user), clientId: 'test-device' });
    room.close();
    return room.doc;
  };
  const until = async <T>(read: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 150))) {
      const v = await read();
      if (v !== undefined) return v;
    }
    throw new Error(`timed out waiting for ${what}\n${log}`);
  };

  it('[X1][X2] a device catalog gains the worker\'s ExifTool record, equal to GET …/metadata, over its import-time facts', async () => {
    const bytes = await readFile(photo);
    const hash = sha256(bytes) as BlobHash;
    // The device imported it first, reading the date without its offset and no GPS (as a browser EXIF reader may).
    const device = await openRelayRoom({ url: `${url.replace('http', 'ws')}/sync`, token, room: catalogRoom(user), clientId: 'test-device' });
    const before = Y.encodeStateVector(device.doc);
    initCatalog(device.doc);
    addAsset(device.doc, { hash, kind: 'image', mime: 'image/jpeg', name: 'thompson-springs.jpg', size: bytes.length, width: 150, height: 103, orientation: 1, takenAt: '2022-01-10T15:15:44', utcOffset: null, importedAt: 1, latitude: null, longitude: null, make: null, model: null, duration: null });
    await device.push(Y.encodeStateAsUpdate(device.doc, before));
    device.close();

    expect((await fetch(`${url}/api/blobs/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: bytes })).status).toBe(201);
    const server = (await (await fetch(`${url}/api/blobs/${hash}/metadata`, { headers: { authorization: `Bearer ${token}` } })).json()) as MediaMetadata;
    expect(server.dateTaken).toBe('2022-01-10T15:15:44-04:00');

    const doc = await until(async () => {
      const d = await catalog();
      return extractedIndex(d).records.has(hash) ? d : undefined;
    }, 'the extracted record in the catalog');
    const want = extractedRecord(hash, server);
    const shown = getAsset(doc, assetIdOf(hash))!;
    expect([shown.takenAt, shown.utcOffset, shown.latitude, shown.longitude, shown.width, shown.height])
      .toEqual([want.takenAt, -240, e7(want.latitude!), e7(want.longitude!), 150, 103]);
        // X4: the fields the device already had (date text, size) are not repeated.
    expect(extractedIndex(doc).records.get(hash)).toMatchObject({ utcOffset: -240, latitude: e7(server.latitude!) });
    expect(extractedIndex(doc).records.get(hash)!.width).toBeUndefined();
    const chunks = doc.getArray('extracted').length;

    // A sidecar re-extracts: its date and rating replace the record; the same reading again writes nothing (X2).
    const xmp = await readFile(join(EXIFTOOL_IMAGES, 'XMP.xmp'));
    expect((await fetch(`${url}/api/blobs/${hash}/sidecar`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: xmp })).status).toBe(200);
    const after = await until(async () => {
      const d = await catalog();
      return getAsset(d, assetIdOf(hash))?.rating === 1 ? d : undefined;
    }, 'the sidecar rating in the catalog');
    expect(getAsset(after, assetIdOf(hash))).toMatchObject({ takenAt: '2005-06-09T20:09:27', utcOffset: 120, rating: 1 });
    expect(after.getArray('extracted').length).toBe(chunks + 1);
    expect((await fetch(`${url}/api/blobs/${hash}/sidecar`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: xmp })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await catalog()).getArray('extracted').length).toBe(chunks + 1);
  }, 30_000);

  it("[audit 2] another user's sidecar on the same bytes is written into their catalog, never the uploader's", async () => {
    const bytes = await readFile(join(ASSETS, 'albums/nature/el_torcal_rocks.jpg'));
    const hash = sha256(bytes) as BlobHash;
    const put = (as: string, path: string, body: Uint8Array) =>
      fetch(`${url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${as}` }, body: body as Uint8Array<ArrayBuffer> });
    expect((await put(token, `/api/blobs/${hash}`, bytes)).status).toBe(201);
    const mine = await until(async () => extractedIndex(await catalog()).records.get(hash), "the uploader's extracted record");
    expect(mine.rating).toBeUndefined();

    const account = { email: 'b@example.com', password: 'correct horse battery', name: 'B' };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post('/api/auth/signup', account, { authorization: `Bearer ${token}` })).status).toBeLessThan(300); // the owner creates B
    const other = (await (await post('/api/auth/login', { email: account.email, password: account.password })).json()) as { token: string; user: { id: UserId } };
    expect((await put(other.token, `/api/blobs/${hash}`, bytes)).status).toBe(201); // new to B, as for anyone
    expect((await put(other.token, `/api/blobs/${hash}/sidecar`, await readFile(join(EXIFTOOL_IMAGES, 'XMP.xmp')))).status).toBe(200);
    const theirs = await until(async () => {
      const room = await openRelayRoom({ url: `${url.replace('http', 'ws')}/sync`, token: other.token, room: catalogRoom(other.user.id), clientId: 'test-device-b' });
      room.close();
      return extractedIndex(room.doc).records.get(hash)?.rating === 1 ? room.doc : undefined;
    }, "B's sidecar rating in B's catalog");
    expect(extractedIndex(theirs).records.get(hash)).toMatchObject({ takenAt: '2005-06-09T20:09:27', rating: 1 });
    await new Promise((r) => setTimeout(r, 1500)); // a stray write into A's catalog would have landed by now
    expect(extractedIndex(await catalog()).records.get(hash)).toEqual(mine);
  }, 30_000);
});
