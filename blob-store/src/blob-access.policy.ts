/**
 * Who may read a blob beyond its uploaders: anyone who may read a room (an album or a catalog)
 * the blob was registered in. The blob store asks; the relay, which owns room grants, answers
 * (scripts/serve.ts wires its canReadRoom). Registering a blob in a room needs write access (ADR 0018).
 *
 *   const access: BlobAccessPolicy = { canReadRoom: (user, room) => sync.canReadRoom(user, room) }
 *   await createBlobStore({ dataDir, authenticate, access })
 */
import type { BlobHash, RoomId, UserId } from '../../protocol/src/index.js';
import type { BlobRepository } from './blob.repository.js';

export interface BlobAccessPolicy {
  /** True when the user may read the room's content (any grant). */
  canReadRoom(user: UserId, room: RoomId): Promise<boolean>;
  /** True when the user may add to the room; without it, registering needs read access (and the blob must be the user's). */
  canWriteRoom?(user: UserId, room: RoomId): Promise<boolean>;
}

/** No rooms: blobs are readable by their uploaders only (a blob store without a relay). */
export const uploadersOnly: BlobAccessPolicy = { canReadRoom: async () => false, canWriteRoom: async () => false };

/** Answers "may this user read this blob?": an uploader's grant, or a readable room it is in. */
export interface BlobReader {
  canRead(user: UserId, hash: BlobHash): Promise<boolean>;
  /** The stored hashes the user may read, in input order, without duplicates; one relay question per room. */
  readable(user: UserId, hashes: readonly BlobHash[]): Promise<BlobHash[]>;
}

export const createBlobReader = (blobs: Pick<BlobRepository, 'get' | 'canRead' | 'readable' | 'roomsOf'>, access: BlobAccessPolicy): BlobReader => {
  const viaRoom = async (user: UserId, hash: BlobHash, asked: Map<RoomId, Promise<boolean>>): Promise<boolean> => {
    for (const room of blobs.roomsOf(hash)) {
      let may = asked.get(room);
      if (!may) asked.set(room, (may = access.canReadRoom(user, room).catch(() => false))); // a failing relay means no
      if (await may) return true;
    }
    return false;
  };
  return {
    canRead: async (user, hash) => blobs.get(hash) !== undefined && (blobs.canRead(user, hash) || (await viaRoom(user, hash, new Map()))),
    async readable(user, hashes) {
      const unique = [...new Set(hashes)];
      const found = new Set(blobs.readable(user, unique));
      const asked = new Map<RoomId, Promise<boolean>>();
      for (const hash of unique) if (!found.has(hash) && blobs.get(hash) && (await viaRoom(user, hash, asked))) found.add(hash);
      return unique.filter((hash) => found.has(hash));
    },
  };
};
