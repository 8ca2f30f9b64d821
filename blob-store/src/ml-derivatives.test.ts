/** "Index once": ML derivatives uploaded and served over real HTTP, with codec-built bodies, fuzz and a restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../protocol/src/index.js';
import { readMlDerivative, writeMlDerivative, type StoredFace } from '../../models/src/derivatives/ml-derivative.js';
import { openBlobDb } from './blob-db.js';
import { PRESENT_SQL } from './ml-derivative.repository.js';
import { ASSETS, sha256, startTestStore, type TestStore, type TestUser } from './test-kit.js';

const CLIP = 'ViT-B-32__openai';
const FACES = 'face-api';

const clipOf = (assetHash: string, seed = 1, modelId = CLIP): Uint8Array => {
  const rand = createRandom(seed);
  return writeMlDerivative({ kind: 'clip', assetHash, modelId, embedding: Float32Array.from({ length: 512 }, () => rand() - 0.5) });
};
const facesOf = (assetHash: string, n: number, dims = 128, modelId = FACES): Uint8Array => {
  const rand = createRandom(n);
  const face = (): StoredFace => ({
    score: Math.fround(rand()),
    box: { x: Math.fround(rand()), y: Math.fround(rand()), width: 0.25, height: 0.5 },
    landmarks: Float32Array.from({ length: 136 }, () => rand()),
    descriptor: Float32Array.from({ length: dims }, () => rand() - 0.5),
  });
  return writeMlDerivative({ kind: 'faces', assetHash, modelId, width: 1366, height: 768, faces: Array.from({ length: n }, face) });
};
const path = (hash: string, modelId: string): string => `/api/blobs/${hash}/derivatives/ml/${modelId}`;

interface Answer {
  readonly status: number;
  readonly body: { created?: boolean; present?: string[]; error?: { code: string; message: string } };
}

const putMl = async (kit: TestStore, user: TestUser, hash: string, modelId: string, body: Uint8Array | ReadableStream<Uint8Array>): Promise<Answer> => {
  const init: RequestInit & { duplex?: 'half' } = { method: 'PUT', headers: kit.auth(user), body: body as BodyInit };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(`${kit.url}${path(hash, modelId)}`, init);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
};
const query = async (kit: TestStore, user: TestUser, body: unknown): Promise<Answer> => {
  const res = await fetch(`${kit.url}/api/ml/derivatives/query`, { method: 'POST', headers: { ...kit.auth(user), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
};
const fetchBytes = async (kit: TestStore, user: TestUser, hash: string, modelId: string): Promise<Buffer> => {
  const res = await kit.get(user, path(hash, modelId));
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

describe('ML derivatives: PUT/GET/HEAD /api/blobs/:hash/derivatives/ml/:modelId', () => {
  let kit: TestStore;
  let png: string; // alice's
  let jpg: string; // alice's
  let webp: string; // bob's
  beforeAll(async () => {
    kit = await startTestStore();
    png = (await kit.putFile('alice', join(ASSETS, 'formats/png/density_plot.png'))).hash;
    jpg = (await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg'))).hash;
    webp = (await kit.putFile('bob', join(ASSETS, 'formats/webp/denali.webp'))).hash;
  });
  afterAll(() => kit.close());

  it('round-trips real embedding and faces derivatives with immutable caching', async () => {
    for (const [modelId, bytes] of [[CLIP, clipOf(png)], [FACES, facesOf(png, 3)]] as const) {
      expect(await putMl(kit, 'alice', png, modelId, bytes)).toEqual({ status: 201, body: { created: true } });
      const res = await kit.get('alice', path(png, modelId));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      const back = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
      expect(readMlDerivative(back)).toEqual(readMlDerivative(bytes));
      const head = await kit.get('alice', path(png, modelId), {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.byteLength));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
      expect((await kit.get('alice', path(png, modelId), { 'if-none-match': `"${sha256(bytes)}"` })).status).toBe(304);
    }
    expect((await kit.get('alice', path(jpg, CLIP))).status).toBe(404);
    expect((await kit.get('alice', path(png, 'other-model'), {}, 'HEAD')).status).toBe(404);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('keeps the first write: same bytes and different bytes both answer 200 created:false', async () => {
    const first = clipOf(jpg, 10);
    expect((await putMl(kit, 'alice', jpg, CLIP, first)).status).toBe(201);
    expect(await putMl(kit, 'alice', jpg, CLIP, first)).toEqual({ status: 200, body: { created: false } });
    expect(await putMl(kit, 'alice', jpg, CLIP, clipOf(jpg, 11))).toEqual({ status: 200, body: { created: false } });
    expect((await fetchBytes(kit, 'alice', jpg, CLIP)).equals(Buffer.from(first))).toBe(true);

    // Racing writers with different bytes: exactly one creates, and its bytes are what is served.
    const bodies = [20, 21, 22, 23, 24].map((seed) => clipOf(jpg, seed, 'race-model'));
    const answers = await Promise.all(bodies.map((b) => putMl(kit, 'alice', jpg, 'race-model', b)));
    const winners = answers.flatMap((a, i) => (a.status === 201 ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || (a.status === 200 && a.body.created === false))).toBe(true);
    expect((await fetchBytes(kit, 'alice', jpg, 'race-model')).equals(Buffer.from(bodies[winners[0]!]!))).toBe(true);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('answers 409 derivativeMismatch when the body names another asset or model', async () => {
    const wrongAsset = await putMl(kit, 'alice', png, 'mismatch', clipOf(jpg, 1, 'mismatch'));
    expect(wrongAsset.status).toBe(409);
    expect(wrongAsset.body.error?.code).toBe('derivativeMismatch');
    const wrongModel = await putMl(kit, 'alice', png, 'mismatch', clipOf(png, 1, 'mismatch-2'));
    expect(wrongModel.status).toBe(409);
    expect(wrongModel.body.error?.code).toBe('derivativeMismatch');
    expect((await kit.get('alice', path(png, 'mismatch'))).status).toBe(404);
  });

  it("answers 400 badDerivative with the decoder's message, and 400 for bad model ids and hashes", async () => {
    for (const body of [new Uint8Array(0), new TextEncoder().encode('{"embedding":[1,2,3]}'), clipOf(png, 5).subarray(0, 100), Uint8Array.from([...clipOf(png, 5), 0])]) {
      const answer = await putMl(kit, 'alice', png, 'garbage', body);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('badDerivative');
      expect(() => readMlDerivative(body)).toThrow(answer.body.error?.message);
    }
    for (const modelId of ['a%2Fb', '-lead', '.hidden', 'a%20b', 'x'.repeat(101), '%C3%A9']) {
      const answer = await putMl(kit, 'alice', png, modelId, clipOf(png));
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'invalidModelId']);
      expect((await kit.get('alice', path(png, modelId))).status).toBe(400);
    }
    expect((await putMl(kit, 'alice', 'ABC', CLIP, clipOf(png))).status).toBe(400);
    expect((await kit.get(undefined, path(png, CLIP))).status).toBe(401);
  });

  it('never answers 5xx to a seeded fuzz of mutated bodies, and keeps the first write', async () => {
    const seed = 20_240_611;
    const rand = createRandom(seed);
    const good = facesOf(webp, 2);
    expect((await putMl(kit, 'bob', webp, FACES, good)).status).toBe(201);
    const seen = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      const bytes = Uint8Array.from(good);
      const op = i % 4;
      let body: Uint8Array = bytes;
      if (op === 0) for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      else if (op === 1) body = bytes.subarray(0, Math.floor(rand() * bytes.length));
      else if (op === 2) {
        const at = Math.floor(rand() * 120); // header region: kind, key, lengths
        bytes[at] = bytes[at]! ^ (1 << Math.floor(rand() * 8));
      }
      else body = Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256));
      const answer = await putMl(kit, 'bob', webp, FACES, body);
      seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      const expected = { 200: undefined, 400: 'badDerivative', 409: 'derivativeMismatch' } as Record<number, string | undefined>;
      expect(answer.status in expected, `seed ${seed} case ${i}: ${answer.status} ${JSON.stringify(answer.body)}`).toBe(true);
      expect(answer.body.error?.code).toBe(expected[answer.status]);
    }
    expect(seen.get(400)).toBeGreaterThan(50);
    expect(seen.get(409)).toBeGreaterThan(0);
    expect((await fetchBytes(kit, 'bob', webp, FACES)).equals(Buffer.from(good))).toBe(true);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('accepts a real derivative up to 1 MiB and answers 413 beyond, declared or streamed', async () => {
    const big = facesOf(jpg, 390, 512, 'big-faces'); // ~2.6 KiB a face (68 landmarks, 512-d)
    expect(big.byteLength).toBeLessThanOrEqual(1024 * 1024);
    expect((await putMl(kit, 'alice', jpg, 'big-faces', big)).status).toBe(201);
    const huge = facesOf(jpg, 410, 512, 'huge-faces');
    expect(huge.byteLength).toBeGreaterThan(1024 * 1024);
    const declared = await putMl(kit, 'alice', jpg, 'huge-faces', huge);
    expect([declared.status, declared.body.error?.code]).toEqual([413, 'tooLarge']);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < huge.byteLength; at += 64 * 1024) controller.enqueue(huge.slice(at, at + 64 * 1024));
        controller.close();
      },
    });
    expect((await putMl(kit, 'alice', jpg, 'huge-faces', streamed)).status).toBe(413);
    expect((await kit.get('alice', path(jpg, 'huge-faces'))).status).toBe(404);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it("answers 404 to a user who may not read the blob, and serves it once they hold the blob's bytes", async () => {
    const other = clipOf(png, 99, 'shared-model');
    expect((await putMl(kit, 'bob', png, 'shared-model', other)).status).toBe(404);
    expect((await putMl(kit, 'alice', 'f'.repeat(64), CLIP, clipOf('f'.repeat(64)))).status).toBe(404);
    expect((await kit.get('bob', path(png, CLIP))).status).toBe(404);
    expect((await kit.get('bob', path(png, CLIP), {}, 'HEAD')).status).toBe(404);
    expect((await kit.get('alice', path(webp, FACES))).status).toBe(404);
    expect((await kit.get('alice', path(png, 'shared-model'))).status).toBe(404); // bob's attempt stored nothing
  });

  it("[audit 3] uploading the same bytes gives no read or write over another user's derivatives", async () => {
    const uploaded = await kit.putFile('bob', join(ASSETS, 'formats/png/density_plot.png'));
    expect(uploaded.status).toBe(201); // new to bob, though alice holds these bytes
    expect((await kit.get('bob', path(png, CLIP))).status).toBe(404); // alice's stays hers
    expect(await query(kit, 'bob', { modelId: CLIP, hashes: [png] })).toEqual({ status: 200, body: { present: [] } });
    const forged = clipOf(png, 13);
    expect((await putMl(kit, 'bob', png, CLIP, forged)).status).toBe(201); // bob's own
    expect((await fetchBytes(kit, 'bob', png, CLIP)).equals(Buffer.from(forged))).toBe(true);
    expect((await fetchBytes(kit, 'alice', png, CLIP)).equals(Buffer.from(clipOf(png)))).toBe(true);
    expect((await putMl(kit, 'bob', png, 'shared-model', clipOf(png, 99, 'shared-model'))).status).toBe(201);
    expect((await kit.get('alice', path(png, 'shared-model'))).status).toBe(404); // a model alice never ran stays unset for her
    expect(await query(kit, 'alice', { modelId: 'shared-model', hashes: [png] })).toEqual({ status: 200, body: { present: [] } });
  });
});

describe('ML derivatives: POST /api/ml/derivatives/query', () => {
  let kit: TestStore;
  let png: string;
  let jpg: string;
  let webp: string;
  beforeAll(async () => {
    kit = await startTestStore();
    png = (await kit.putFile('alice', join(ASSETS, 'formats/png/density_plot.png'))).hash;
    jpg = (await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg'))).hash;
    webp = (await kit.putFile('bob', join(ASSETS, 'formats/webp/denali.webp'))).hash;
    for (const [user, hash] of [['alice', png], ['bob', webp]] as const) expect((await putMl(kit, user, hash, CLIP, clipOf(hash))).status).toBe(201);
    expect((await putMl(kit, 'alice', jpg, FACES, facesOf(jpg, 1))).status).toBe(201);
  });
  afterAll(() => kit.close());

  it('returns only readable hashes that have this model, once each, in request order', async () => {
    const unknown = '0'.repeat(64);
    expect(await query(kit, 'alice', { modelId: CLIP, hashes: [unknown, jpg, webp, png, png] })).toEqual({ status: 200, body: { present: [png] } });
    expect(await query(kit, 'alice', { modelId: FACES, hashes: [png, jpg] })).toEqual({ status: 200, body: { present: [jpg] } });
    expect(await query(kit, 'bob', { modelId: CLIP, hashes: [png, webp] })).toEqual({ status: 200, body: { present: [webp] } });
    expect(await query(kit, 'alice', { modelId: 'never-run', hashes: [png, jpg] })).toEqual({ status: 200, body: { present: [] } });
    expect(await query(kit, 'alice', { modelId: CLIP, hashes: [] })).toEqual({ status: 200, body: { present: [] } });
    const many = Array.from({ length: 999 }, (_, i) => sha256(new Uint8Array([i & 255, i >> 8])));
    expect(await query(kit, 'alice', { modelId: CLIP, hashes: [...many, png] })).toEqual({ status: 200, body: { present: [png] } });
  });

  it('answers 400 to malformed queries', async () => {
    const bad: unknown[] = [
      { modelId: CLIP },
      { modelId: CLIP, hashes: 'x' },
      { modelId: CLIP, hashes: ['nothex'] },
      { modelId: CLIP, hashes: Array.from({ length: 1001 }, () => png) },
      { hashes: [png] },
      { modelId: '../x', hashes: [png] },
      [png],
      null,
    ];
    for (const body of bad) expect((await query(kit, 'alice', body)).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    const res = await fetch(`${kit.url}/api/ml/derivatives/query`, { method: 'POST', headers: kit.auth('alice'), body: '{"modelId":' });
    expect(res.status).toBe(400);
    expect((await fetch(`${kit.url}/api/ml/derivatives/query`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('is one statement of primary-key probes per requested hash (no table scans)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ml-plan-'));
    const db = openBlobDb(join(dir, 'blobs.sqlite'));
    try {
      const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${PRESENT_SQL}`).all('[]', CLIP, 'alice').map((r) => r.detail);
      expect(plan.some((d) => /SEARCH d USING PRIMARY KEY \(hash=\? AND user_id=\? AND model_id=\?\)/.test(d))).toBe(true);
      expect(plan.filter((d) => d.startsWith('SCAN')).every((d) => d.startsWith('SCAN j'))).toBe(true);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ML derivatives across a restart', () => {
  it('serves, reports and keeps first-write-wins after a restart, and repairs a file whose row was lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ml-restart-'));
    try {
      let kit = await startTestStore({}, dir);
      const { hash } = await kit.putFile('alice', join(ASSETS, 'formats/png/density_plot.png'));
      const clip = clipOf(hash, 7);
      const faces = facesOf(hash, 2);
      expect((await putMl(kit, 'alice', hash, CLIP, clip)).status).toBe(201);
      expect((await putMl(kit, 'alice', hash, FACES, faces)).status).toBe(201);
      await kit.close();

      kit = await startTestStore({}, dir);
      expect((await fetchBytes(kit, 'alice', hash, CLIP)).equals(Buffer.from(clip))).toBe(true);
      expect(await query(kit, 'alice', { modelId: FACES, hashes: [hash] })).toEqual({ status: 200, body: { present: [hash] } });
      expect(await putMl(kit, 'alice', hash, CLIP, clipOf(hash, 8))).toEqual({ status: 200, body: { created: false } });
      await kit.close();

      // As if the process died between linking the file and inserting its row.
      const raw = new Database(join(dir, 'blobs.sqlite'));
      raw.prepare('DELETE FROM user_ml_derivatives WHERE model_id = ?').run(FACES);
      raw.close();
      kit = await startTestStore({}, dir);
      expect(await query(kit, 'alice', { modelId: FACES, hashes: [hash] })).toEqual({ status: 200, body: { present: [] } });
      expect(await putMl(kit, 'alice', hash, FACES, facesOf(hash, 5))).toEqual({ status: 200, body: { created: false } });
      expect(await query(kit, 'alice', { modelId: FACES, hashes: [hash] })).toEqual({ status: 200, body: { present: [hash] } });
      const res = await kit.get('alice', path(hash, FACES));
      expect(res.headers.get('etag')).toBe(`"${sha256(faces)}"`);
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(faces))).toBe(true);
      await kit.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
