import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomId, UserId } from '../../protocol/src/index.js';
import { writeMlDerivative } from '../../models/src/derivatives/ml-derivative.js';
import type { BlobAccessPolicy } from './blob-access.policy.js';
import { ASSETS, startTestStore, type TestStore } from './test-kit.js';

/** Room grants as the relay would hold them; 'album:broken' makes the relay fail. */
const grants: Record<string, Record<string, 'read' | 'write'>> = { 'album:trip': { alice: 'write', bob: 'read' }, 'album:bobs': { bob: 'write' } };
const asked: string[] = [];
const access: BlobAccessPolicy = {
  async canReadRoom(user: UserId, room: RoomId) {
    asked.push(`${user}:${room}`);
    if (room === 'album:broken') throw new Error('relay unreachable');
    return grants[room]?.[user] !== undefined;
  },
  canWriteRoom: async (user, room) => grants[room]?.[user] === 'write',
};

describe('reading blobs through rooms (albums, catalogs)', () => {
  let kit: TestStore;
  let hash = '';
  let bytes: Buffer;
  beforeAll(async () => {
    kit = await startTestStore({}, undefined, undefined, access);
    ({ hash, bytes } = await kit.putFile('alice', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg')));
  });
  afterAll(() => kit.close());

  const rooms = (user: 'alice' | 'bob', room: string, method = 'PUT') => fetch(`${kit.url}/api/blobs/${hash}/rooms/${room}`, { method, headers: kit.auth(user) });
  const exists = async (user: 'alice' | 'bob') =>
    ((await (await fetch(`${kit.url}/api/blobs/exists`, { method: 'POST', headers: kit.auth(user), body: JSON.stringify({ hashes: [hash] }) })).json()) as { exists: string[] }).exists;

  it('a blob is private to its uploader until registered in a room', async () => {
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(404);
    expect(await exists('bob')).toEqual([]);
  });

  it('registering needs the blob to be yours and write access to the room', async () => {
    expect((await rooms('bob', 'album:bobs')).status).toBe(404); // not bob's blob: indistinguishable from none
    expect((await rooms('alice', 'album:bobs')).status).toBe(403);
    expect((await rooms('alice', 'album:nowhere')).status).toBe(403);
    expect((await rooms('alice', 'not-a-room')).status).toBe(400);
    expect((await rooms('alice', 'album:..%2F..%2Fetc')).status).toBe(400);
    expect((await kit.get(undefined, `/api/blobs/${hash}/rooms/album:trip`, {}, 'PUT')).status).toBe(401);
  });

  it("a room's readers read the blob, its derivatives and see it exist; removing it takes that back", async () => {
    expect((await rooms('alice', 'album:trip')).status).toBe(200);
    expect((await rooms('alice', 'album:trip')).status).toBe(200); // idempotent
    const original = await kit.get('bob', `/api/blobs/${hash}`);
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await kit.get('bob', `/api/blobs/${hash}/thumbnail`)).status).toBe(200);
    expect(await exists('bob')).toEqual([hash]);
    // Its ML derivatives ("index once") come along: a member's device reuses the uploader's.
    const model = 'ViT-B-32__openai';
    const clip = writeMlDerivative({ kind: 'clip', assetHash: hash, modelId: model, embedding: new Float32Array(512).fill(0.25) });
    const ml = `${kit.url}/api/blobs/${hash}/derivatives/ml/${model}`;
    expect((await fetch(ml, { method: 'PUT', headers: kit.auth('alice'), body: clip as Uint8Array<ArrayBuffer> })).status).toBe(201);
    expect((await kit.get('bob', `/api/blobs/${hash}/derivatives/ml/${model}`)).status).toBe(200);
    const query = await fetch(`${kit.url}/api/ml/derivatives/query`, { method: 'POST', headers: kit.auth('bob'), body: JSON.stringify({ modelId: model, hashes: [hash, hash] }) });
    expect(await query.json()).toEqual({ present: [hash] });
    expect((await rooms('bob', 'album:trip', 'DELETE')).status).toBe(404); // only the uploader changes its rooms
    expect((await rooms('alice', 'album:trip', 'DELETE')).status).toBe(204);
    expect((await rooms('alice', 'album:trip', 'DELETE')).status).toBe(404);
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(404);
    expect(await exists('bob')).toEqual([]);
    expect((await kit.get('bob', `/api/blobs/${hash}/derivatives/ml/ViT-B-32__openai`)).status).toBe(404);
  });

  it('a failing relay answer counts as no access, and the store keeps serving', async () => {
    grants['album:broken'] = { alice: 'write' };
    expect((await rooms('alice', 'album:broken')).status).toBe(200);
    asked.length = 0;
    expect((await kit.get('bob', `/api/blobs/${hash}`)).status).toBe(404);
    expect(asked).toEqual(['bob:album:broken']);
    expect((await kit.get('alice', `/api/blobs/${hash}`)).status).toBe(200); // the uploader never asks the relay
  });

  it("[audit 2] a contributor who uploads the same bytes cannot take back the owner's registration", async () => {
    grants['album:family'] = { alice: 'write', bob: 'write' };
    expect((await rooms('alice', 'album:family')).status).toBe(200);
    const again = await kit.putFile('bob', join(ASSETS, 'formats/jpg/el_torcal_rocks.jpg'));
    expect([again.status, again.body.created]).toEqual([201, true]);
    expect((await rooms('bob', 'album:family', 'DELETE')).status).toBe(404); // he never registered it
    expect((await rooms('bob', 'album:family')).status).toBe(200); // his own registration, beside alice's
    expect((await rooms('bob', 'album:family', 'DELETE')).status).toBe(204);
    expect((await rooms('alice', 'album:family', 'DELETE')).status).toBe(204); // alice's was still there
  });

  it('[audit 2] revoking a room grant ends every read gained through the room', async () => {
    const other = await kit.putFile('alice', join(ASSETS, 'albums/nature/silver_fir.jpg'));
    const model = 'ViT-B-32__openai';
    const clip = writeMlDerivative({ kind: 'clip', assetHash: other.hash, modelId: model, embedding: new Float32Array(512).fill(0.5) });
    expect((await fetch(`${kit.url}/api/blobs/${other.hash}/derivatives/ml/${model}`, { method: 'PUT', headers: kit.auth('alice'), body: clip as Uint8Array<ArrayBuffer> })).status).toBe(201);
    grants['album:revoked'] = { alice: 'write', bob: 'read' };
    expect((await fetch(`${kit.url}/api/blobs/${other.hash}/rooms/album:revoked`, { method: 'PUT', headers: kit.auth('alice') })).status).toBe(200);
    const paths = ['', '/thumbnail', '/metadata', `/derivatives/ml/${model}`].map((p) => `/api/blobs/${other.hash}${p}`);
    for (const path of paths) expect((await kit.get('bob', path)).status, path).toBe(200);
    delete grants['album:revoked']!.bob;
    for (const path of paths) expect((await kit.get('bob', path)).status, path).toBe(404);
    const exists = await fetch(`${kit.url}/api/blobs/exists`, { method: 'POST', headers: kit.auth('bob'), body: JSON.stringify({ hashes: [other.hash] }) });
    expect(await exists.json()).toEqual({ exists: [] });
  });
});
