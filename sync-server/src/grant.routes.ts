/**
 * The `/api/rooms/{room}/grants` HTTP routes: share a room, list its members, revoke. Bodies
 * are validated here; the rules (admin only, owners keep their catalogs) live in GrantService.
 *
 *   const routes = createGrantRoutes(createGrantService({ auth, users }))
 *   // PUT /api/rooms/album:trip/grants {"email":"kid@example.com","access":"read"}
 */
import {
  HttpError,
  bearerToken,
  json,
  readJson,
  requireString,
  type HttpRoute,
  type RoomGrantsResponse,
  type ShareRoomRequest,
} from '../../protocol/src/index.js';
import type { GrantService, ShareTarget } from './grant.service.js';
import type { UserId } from '../../protocol/src/index.js';

const MAX_GRANT_BODY = 4 * 1024;
const ACCESS = new Set<string>(['read', 'write', 'admin']);

export const readShareRequest = (body: unknown): ShareTarget => {
  const fields = typeof body === 'object' && body !== null ? (body as Partial<Record<keyof ShareRoomRequest, unknown>>) : {};
  const access = requireString(body, 'access', 16);
  if (!ACCESS.has(access)) throw new HttpError(400, 'invalidField', 'access must be read, write or admin');
  if ((fields.email === undefined) === (fields.userId === undefined)) throw new HttpError(400, 'invalidField', 'give exactly one of email and userId');
  return fields.email !== undefined
    ? { email: requireString(body, 'email', 320).trim(), access: access as ShareTarget['access'] }
    : { userId: requireString(body, 'userId', 128) as UserId, access: access as ShareTarget['access'] };
};

export const createGrantRoutes = (grants: GrantService): HttpRoute[] => [
  {
    method: 'GET',
    pattern: '/api/rooms/:room/grants',
    maxBodyBytes: 0,
    async handle(req, { room }) {
      const members = await grants.members(bearerToken(req), room!);
      return json(200, { room: room!, grants: members } satisfies RoomGrantsResponse);
    },
  },
  {
    method: 'PUT',
    pattern: '/api/rooms/:room/grants',
    maxBodyBytes: MAX_GRANT_BODY,
    async handle(req, { room }) {
      const target = readShareRequest(await readJson(req));
      const { member, created } = await grants.share(bearerToken(req), room!, target);
      return json(created ? 201 : 200, { grant: member });
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/rooms/:room/grants/:userId',
    maxBodyBytes: 0,
    async handle(req, { room, userId }) {
      await grants.revoke(bearerToken(req), room!, userId!);
      return json(200, { ok: true });
    },
  },
];
