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
  /**
   * Users who registered the blob in a room this user may read, whose derivatives the user may
   * reuse; `asked` caches the relay's answers across calls of one request.
   */
  sharers(user: UserId, hash: BlobHash, asked?: Map<RoomId, Promise<boolean>>): Promise<UserId[]>;
}

export const createBlobReader = (
  blobs: Pick<BlobRepository, 'get' | 'canRead' | 'readable' | 'roomsOf' | 'registrations'>,
  access: BlobAccessPolicy,
): BlobReader => {
  const mayReadRoom = (user: UserId, room: RoomId, asked: Map<RoomId, Promise<boolean>>): Promise<boolean> => {
    let may = asked.get(room);
    if (!may) asked.set(room, (may = access.canReadRoom(user, room).catch(() => false))); // a failing relay means no
    return may;
  };
  const viaRoom = async (user: UserId, hash: BlobHash, asked: Map<RoomId, Promise<boolean>>): Promise<boolean> => {
    for (const room of blobs.roomsOf(hash)) if (await mayReadRoom(user, room, asked)) return true;
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
    async sharers(user, hash, asked = new Map()) {
      const found = new Set<UserId>();
      for (const { room, addedBy } of blobs.registrations(hash)) {
        if (addedBy !== user && !found.has(addedBy) && (await mayReadRoom(user, room, asked))) found.add(addedBy);
      }
      return [...found];
    },
  };
};
