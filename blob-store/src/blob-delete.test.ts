import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId, UserId } from '../../protocol/src/index.js';
import { writeMlDerivative } from '../../models/src/derivatives/ml-derivative.js';
import type { BlobAccessPolicy } from './blob-access.policy.js';
import { ASSETS, startTestStore, type TestStore, type TestUser } from './test-kit.js';

const PHOTO = join(ASSETS, 'albums/nature/el_torcal_rocks.jpg');
const OTHER = join(ASSETS, 'albums/nature/silver_fir.jpg');
const MODEL = 'ViT-B-32__openai';
const grants: Record<string, Record<string, 'read' | 'write'>> = { 'album:trip': { alice: 'write', bob: 'read' } };
const access: BlobAccessPolicy = {
  canReadRoom: async (user: UserId, room: RoomId) => grants[room]?.[user] !== undefined,
  canWriteRoom: async (user, room) => grants[room]?.[user] === 'write',
};

/** Every file the store keeps for a hash: the original and its derivatives (ML included). */
const filesOf = async (kit: TestStore, hash: string): Promise<string[]> => {
  const shard = (root: string) => join(kit.dataDir, 'blobs', root, hash.slice(0, 2), hash.slice(2, 4));
  const names = await Promise.all(['originals', 'derivatives', 'derivatives/ml'].map((root) => readdir(shard(root)).catch(() => [] as string[])));
  return names.flat().filter((name) => name.startsWith(hash));
};

describe('DELETE /api/blobs/:hash (the caller’s reference)', () => {
  let kit: TestStore | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });
  const remove = (user: TestUser | undefined, hash: string) => kit!.get(user, `/api/blobs/${hash}`, {}, 'DELETE');
  const putClip = (user: TestUser, hash: string) =>
    fetch(`${kit!.url}/api/blobs/${hash}/derivatives/ml/${MODEL}`, {
      method: 'PUT',
      headers: kit!.auth(user),
      body: writeMlDerivative({ kind: 'clip', assetHash: hash, modelId: MODEL, embedding: new Float32Array(512).fill(0.3) }) as Uint8Array<ArrayBuffer>,
    });

  it('frees the original and every derivative, and gives the space back to the quota', async () => {
    kit = await startTestStore({ userQuotaBytes: statSync(PHOTO).size + statSync(OTHER).size - 1 }); // one fits, not both
    const { hash } = await kit.putFile('alice', PHOTO);
    expect((await kit.get('alice', `/api/blobs/${hash}/thumbnail`)).status).toBe(200);
    expect((await putClip('alice', hash)).status).toBe(201);
    expect(await filesOf(kit, hash)).toHaveLength(3); // original, thumbnail, clip
    expect((await kit.putFile('alice', OTHER)).body).toMatchObject({ error: { code: 'quotaExceeded' } });

    expect((await remove(undefined, hash)).status).toBe(401);
    expect((await remove('alice', 'nothex')).status).toBe(400);
    expect((await remove('bob', hash)).status).toBe(404); // not his: indistinguishable from none
    expect((await remove('alice', hash)).status).toBe(204);
    expect(await filesOf(kit, hash)).toEqual([]);
    expect((await kit.get('alice', `/api/blobs/${hash}`)).status).toBe(404);
    expect((await remove('alice', hash)).status).toBe(404);
    expect((await kit.putFile('alice', OTHER)).status).toBe(201); // the quota is back
    expect((await kit.putFile('alice', PHOTO)).status).toBe(413); // and now taken again
  });

  it('keeps the bytes while another user holds them, and drops only the caller’s own data', async () => {
    kit = await startTestStore();
    const { hash, bytes } = await kit.putFile('alice', PHOTO);
    expect((await kit.putFile('bob', PHOTO)).status).toBe(201);
    expect((await putClip('alice', hash)).status).toBe(201);
    expect((await putClip('bob', hash)).status).toBe(201);
    expect((await remove('alice', hash)).status).toBe(204);
    expect((await kit.get('alice', `/api/blobs/${hash}`)).status).toBe(404);
    const bobs = await kit.get('bob', `/api/blobs/${hash}`);
    expect(Buffer.from(await bobs.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await kit.get('bob', `/api/blobs/${hash}/derivatives/ml/${MODEL}`)).status).toBe(200);
    expect(await filesOf(kit, hash)).toHaveLength(2); // the original and bob's clip
    expect((await remove('bob', hash)).status).toBe(204);
    expect(await filesOf(kit, hash)).toEqual([]);
  });

  it('takes the blob out of the rooms the caller registered it in', async () => {
    kit = await startTestStore({}, undefined, undefined, access);
    const { hash } = await kit.putFile('alice', PHOTO);
    expect((await kit.get('alice', `/api/blobs/${hash}/rooms/album:trip`, {}, 'PUT')).status).toBe(200);
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(200);
    expect((await remove('alice', hash)).status).toBe(204);
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(404);
    expect(existsSync(join(kit.dataDir, 'blobs/originals', hash.slice(0, 2), hash.slice(2, 4), hash))).toBe(false);
  });
});
