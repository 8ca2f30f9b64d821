/**
 * Branded identifiers shared by every part of Shoebox.
 *
 *   const hash = parseBlobHash(hex)          // throws on anything but 64 lower-case hex digits
 *   const room = catalogRoom(userId)         // 'catalog:<userId>'
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** SHA-256 of a blob's bytes, 64 lower-case hex digits. */
export type BlobHash = Brand<string, 'BlobHash'>;
/** An asset is identified by the hash of its original: the same photo imported twice is one asset. */
export type AssetId = Brand<string, 'AssetId'>;
export type UserId = Brand<string, 'UserId'>;
export type RoomId = Brand<string, 'RoomId'>;

const BLOB_HASH = /^[0-9a-f]{64}$/;
/** Rooms: `catalog:<userId>` or `album:<albumId>`; ids are url-safe and short. */
const ROOM_ID = /^(catalog|album):[A-Za-z0-9_-]{1,64}$/;
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const isBlobHash = (value: unknown): value is BlobHash =>
  typeof value === 'string' && BLOB_HASH.test(value);

export const isRoomId = (value: unknown): value is RoomId =>
  typeof value === 'string' && ROOM_ID.test(value);

export const isUserId = (value: unknown): value is UserId =>
  typeof value === 'string' && USER_ID.test(value);

export const parseBlobHash = (value: string): BlobHash => {
  if (!isBlobHash(value)) throw new TypeError(`not a SHA-256 hex digest: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
};

export const parseRoomId = (value: string): RoomId => {
  if (!isRoomId(value)) throw new TypeError(`not a room id: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
};

export const assetIdOf = (hash: BlobHash): AssetId => hash as string as AssetId;
export const blobHashOf = (asset: AssetId): BlobHash => asset as string as BlobHash;

export const catalogRoom = (user: UserId): RoomId => `catalog:${user}` as RoomId;

/** The owner of a catalog room, or undefined for other rooms. */
export const catalogOwner = (room: RoomId): UserId | undefined =>
  room.startsWith('catalog:') ? (room.slice('catalog:'.length) as UserId) : undefined;
