/**
 * The stock y-websocket protocol on `/yjs/{room}`: one room per socket, authorised from the
 * `token` query parameter before any message, speaking y-protocols sync and awareness.
 *
 *   await openYws(ctx, session, 'catalog:abc', token)   // closes 4401/4403 when refused
 *   handleYwsMessage(ctx, session, bytes)
 */
import { Access, ErrorReason, isRoomId } from '../../protocol/src/index.js';
import { SessionStatus, isClosed, toAccess, type RelayContext, type Session } from './session.js';
import { YwsAction, readYwsMessage, ywsAwareness, ywsSyncStep1, ywsSyncStep2 } from './yws.codec.js';

export const openYws = async (ctx: RelayContext, session: Session, room: string, token: string | undefined): Promise<void> => {
  if (!isRoomId(room)) return ctx.fail(session, ErrorReason.malformed, 'invalid room id');
  const user = await ctx.auth.authenticate(token);
  if (isClosed(session)) return;
  if (!user || !token) return ctx.fail(session, ErrorReason.unauthorized, 'invalid or revoked token');
  const grant = await ctx.auth.accessFor(user.id, room);
  if (!grant) return ctx.fail(session, ErrorReason.forbidden, 'no grant for this room');
  ctx.authenticated(session, user, token);
  const entry = await ctx.joinRoom(session, room, toAccess(grant));
  if (isClosed(session)) return;
  ctx.send(session, ywsSyncStep1(entry.room.stateVector()));
  const states = entry.room.awarenessStates();
  if (states) ctx.send(session, ywsAwareness(states));
};

export const handleYwsMessage = async (ctx: RelayContext, session: Session, bytes: Uint8Array): Promise<void> => {
  if (session.status !== SessionStatus.open) return;
  const [room] = session.rooms.keys();
  if (room === undefined) return; // the grant was revoked: the session is closing
  const entry = await ctx.roomOf(room);
  const action = readYwsMessage(bytes);
  switch (action.type) {
    case YwsAction.step1:
      return ctx.send(session, ywsSyncStep2(ctx.diff(entry, action.payload)));
    case YwsAction.update:
      // y-websocket has no way to show a refusal; the write is dropped and counted.
      if (session.rooms.get(room) === Access.read) return ctx.metrics.error(ErrorReason.readOnly);
      await ctx.write(session, room, action.payload);
      return;
    case YwsAction.awareness:
      return ctx.awareness(entry, session, action.payload);
    case YwsAction.queryAwareness: {
      const states = entry.room.awarenessStates();
      if (states) ctx.send(session, ywsAwareness(states));
      return;
    }
    case YwsAction.ignore:
      return;
  }
};
