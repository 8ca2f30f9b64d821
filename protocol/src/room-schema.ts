/**
 * What each kind of room may contain, as the relay enforces it on every update: the top-level
 * shared types a room kind allows, and the `meta` fields with the values they may take. A
 * catalog never gets a `schemaVersion` above this build's CATALOG_SCHEMA_VERSION from a device
 * (SPEC V*): one bad device must not make every other device refuse the catalog.
 *
 *   const schema = roomSchemaOf(room)
 *   const problem = metaViolation(schema, 'schemaVersion', 999)   // 'meta.schemaVersion …'
 */
import { CATALOG_SCHEMA_VERSION, CatalogKey } from './catalog.js';
import { EXTRACTED_KEY } from './catalog-extracted.js';
import { isBlobHash, isUserId, type RoomId } from './ids.js';
import { SharedAlbumKey } from './shared-album.js';

export const RoomKind = { catalog: 'catalog', album: 'album' } as const;
export type RoomKind = (typeof RoomKind)[keyof typeof RoomKind];

/** The name of the top-level map holding a room's metadata, in every room kind. */
export const META_KEY = 'meta';

export interface RoomSchema {
  readonly kind: RoomKind;
  /** Names of the top-level shared types the room may hold. */
  readonly topLevel: ReadonlySet<string>;
  /** `meta` fields the room may hold, each with the test its value must pass. */
  readonly meta: Readonly<Record<string, (value: unknown) => boolean>>;
}

const MAX_NAME = 256;
const shortString = (value: unknown): boolean => typeof value === 'string' && value.length <= MAX_NAME;

const ROOM_SCHEMAS: Readonly<Record<RoomKind, RoomSchema>> = {
  catalog: {
    kind: RoomKind.catalog,
    topLevel: new Set<string>([...Object.values(CatalogKey), EXTRACTED_KEY]),
    meta: {
      schemaVersion: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= CATALOG_SCHEMA_VERSION,
    },
  },
  album: {
    kind: RoomKind.album,
    topLevel: new Set<string>(Object.values(SharedAlbumKey)),
    meta: { name: shortString, ownerName: shortString, cover: isBlobHash, owner: isUserId },
  },
};

export const roomKindOf = (room: RoomId): RoomKind => (room.startsWith('album:') ? RoomKind.album : RoomKind.catalog);

export const roomSchemaOf = (room: RoomId): RoomSchema => ROOM_SCHEMAS[roomKindOf(room)];

/** Why a top-level type of this name may not exist in the room, or undefined when it may. */
export const topLevelViolation = (schema: RoomSchema, name: string): string | undefined =>
  schema.topLevel.has(name) ? undefined : `a ${schema.kind} room has no top-level type ${JSON.stringify(name.slice(0, 64))}`;

/** Why `meta[key] = value` breaks the room's schema, or undefined when it does not (a deleted field is fine). */
export const metaViolation = (schema: RoomSchema, key: string, value: unknown): string | undefined => {
  if (!Object.hasOwn(schema.meta, key)) return `a ${schema.kind} room has no meta field ${JSON.stringify(key.slice(0, 64))}`;
  if (value === undefined || schema.meta[key]!(value)) return undefined;
  const shown = JSON.stringify(value)?.slice(0, 64) ?? typeof value;
  return key === 'schemaVersion'
    ? `meta.schemaVersion ${shown} is not a schema version 1-${CATALOG_SCHEMA_VERSION} this relay knows`
    : `meta.${key} ${shown} is not a valid value`;
};
