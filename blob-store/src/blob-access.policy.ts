/**
 * Who may read a blob beyond its uploaders: anyone who may read a room (an album or a catalog)
 * the blob was registered in. The blob store asks; the relay, which owns room grants, answers
 * (scripts/serve.ts wires its canReadRoom). Registering a blob in a room needs write access.
 *
 *   const access: BlobAccessPolicy = { canReadRoom: (user, room) => sync.canReadRoom(user, room) }
 *   await createBlobStore({ dataDir, authenticate, access })
 */
import type { RoomId, UserId } from '../../protocol/src/index.js';

export interface BlobAccessPolicy {
  /** True when the user may read the room's content (any grant). */
  canReadRoom(user: UserId, room: RoomId): Promise<boolean>;
  /** True when the user may add to the room; without it, registering needs read access (and the blob must be the user's). */
  canWriteRoom?(user: UserId, room: RoomId): Promise<boolean>;
}

/** No rooms: blobs are readable by their uploaders only (a blob store without a relay). */
export const uploadersOnly: BlobAccessPolicy = { canReadRoom: async () => false, canWriteRoom: async () => false };
