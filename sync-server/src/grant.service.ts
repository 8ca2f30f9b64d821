/**
 * Sharing rooms: an admin of a room grants another user read, write or admin access, lists the
 * room's members, and revokes. Changes go through the AuthService, whose listeners close or
 * downgrade live sessions at once (on every node). An album nobody holds yet is created by its
 * first admin claiming it. Transport-agnostic; refusals are HttpErrors with a code.
 *
 *   const grants = createGrantService({ auth, users })
 *   await grants.share(token, 'album:trip', { email: 'kid@example.com', access: 'read' })
 */
import { HttpError, catalogOwner, isRoomId, type RoomId, type UserId } from '../../protocol/src/index.js';
import type { AuthService, AuthUser } from './auth.service.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { GrantAccess, RoomMember, UserRepository } from './user.repository.js';

export interface ShareTarget {
  /** Who receives the grant: by email (what people know) or by user id. */
  readonly email?: string;
  readonly userId?: UserId;
  readonly access: GrantAccess;
}

export interface GrantService {
  /** Sets the target's grant; `created` when the target held none before. */
  share(token: string | undefined, room: string, target: ShareTarget): Promise<{ member: RoomMember; created: boolean }>;
  members(token: string | undefined, room: string): Promise<RoomMember[]>;
  /** Removes the user's grant; their live sessions in the room close with `forbidden`. */
  revoke(token: string | undefined, room: string, userId: string): Promise<void>;
}

const roomOf = (room: string): RoomId => {
  if (!isRoomId(room)) throw new HttpError(400, 'invalidRoom', 'not a room id (catalog:<id> or album:<id>)');
  return room;
};

/** The user whose catalog this is; their admin grant on it cannot be changed by anyone. */
const ownerOf = (room: RoomId): string | undefined => (room.startsWith('catalog:') ? catalogOwner(room) : undefined);

export interface GrantServiceOptions {
  readonly auth: AuthService;
  readonly users: UserRepository;
  /** Shares to unknown accounts per caller per window; default 20 an hour. */
  readonly lookupMisses?: RateLimiter;
}

export const createGrantService = ({ auth, users, lookupMisses = createRateLimiter({ limit: 20, windowMs: 3_600_000 }) }: GrantServiceOptions): GrantService => {
  const caller = async (token: string | undefined): Promise<AuthUser> => {
    const user = await auth.authenticate(token);
    if (!user) throw new HttpError(401, 'unauthorized', 'missing, invalid or revoked token');
    return user;
  };
  const requireAdmin = async (user: AuthUser, room: RoomId): Promise<void> => {
    if ((await users.grantOf(user.id, room)) !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin of the room can manage its grants');
  };
  const refuseProtected = (user: AuthUser, room: RoomId, target: UserId): void => {
    if (ownerOf(room) === target) throw new HttpError(409, 'ownerGrant', 'the owner of a catalog always keeps admin access to it');
    if (target === user.id) throw new HttpError(409, 'ownGrant', 'you cannot change your own grant; ask another admin');
  };

  return {
    async share(token, rawRoom, target) {
      const room = roomOf(rawRoom);
      const user = await caller(token);
      // Decide whether the caller may share here before looking the target up, so nobody learns
      // whether an email has an account from a room they do not administer (issue 12 finding 8).
      const self = target.userId === user.id || (target.email !== undefined && target.email.toLowerCase() === user.email.toLowerCase());
      const members = await users.membersOf(room);
      const claim = self && members.length === 0 && room.startsWith('album:') && target.access === 'admin';
      if (!claim) await requireAdmin(user, room);
      const row = target.userId ? await users.findById(target.userId) : target.email ? await users.findByEmail(target.email) : undefined;
      if (!row) {
        // Room admins (everyone, of their own catalog) still learn it: a budget of misses keeps that slow.
        if (!lookupMisses.hit(user.id)) throw new HttpError(429, 'rateLimited', 'too many shares to unknown accounts; try again later');
        throw new HttpError(404, 'userNotFound', 'no account with this email or id');
      }
      if (!claim) refuseProtected(user, room, row.id);
      const before = members.find((m) => m.userId === row.id);
      await auth.setGrant(row.id, room, target.access);
      return { member: { userId: row.id, email: row.email, name: row.name, access: target.access }, created: !before };
    },

    async members(token, rawRoom) {
      const room = roomOf(rawRoom);
      await requireAdmin(await caller(token), room);
      return users.membersOf(room);
    },

    async revoke(token, rawRoom, userId) {
      const room = roomOf(rawRoom);
      const user = await caller(token);
      await requireAdmin(user, room);
      refuseProtected(user, room, userId as UserId);
      if ((await users.grantOf(userId as UserId, room)) === undefined) throw new HttpError(404, 'notFound', 'this user holds no grant for the room');
      await auth.setGrant(userId as UserId, room, undefined);
    },
  };
};
