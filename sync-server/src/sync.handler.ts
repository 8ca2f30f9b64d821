/**
 * The `/sync` protocol on the relay side: hello and version negotiation, join with a grant
 * check, the y-protocols handshake, acknowledged updates and awareness, per PROTOCOL.md.
 *
 *   await handleSyncMessage(ctx, session, decodeMessage(bytes))
 *   // throws ProtocolError for the caller to answer; everything else is answered here
 */
import { ErrorReason, MessageType, SyncStep, encodeMessage, negotiateVersion, type Message } from '../../protocol/src/index.js';
import { SessionStatus, isClosed, toAccess, type RelayContext, type Session } from './session.js';

type Hello = Extract<Message, { type: typeof MessageType.hello }>;

const handleHello = async (ctx: RelayContext, session: Session, m: Hello): Promise<void> => {
  if (session.status !== SessionStatus.awaitingHello) return ctx.fail(session, ErrorReason.malformed, 'hello sent twice');
  const negotiated = negotiateVersion(m.versions);
  if ('reason' in negotiated) return ctx.fail(session, negotiated.reason, 'no common protocol version');
  const user = await ctx.auth.authenticate(m.token);
  if (isClosed(session)) return;
  if (!user) return ctx.fail(session, ErrorReason.unauthorized, 'invalid or revoked token');
  ctx.authenticated(session, user, m.token);
  ctx.send(session, encodeMessage({ type: MessageType.welcome, version: negotiated.version, userId: user.id, sessionId: session.id }));
};

export const handleSyncMessage = async (ctx: RelayContext, session: Session, m: Message): Promise<void> => {
  if (m.type === MessageType.hello) return handleHello(ctx, session, m);
  if (session.status !== SessionStatus.open) return ctx.fail(session, ErrorReason.helloRequired, 'send hello first');
  if (m.type === MessageType.join) {
    const grant = await ctx.auth.accessFor(session.user!.id, m.room);
    if (!grant) return ctx.fail(session, ErrorReason.forbidden, 'no grant for this room', m.room, false);
    const entry = await ctx.joinRoom(session, m.room, toAccess(grant));
    if (isClosed(session)) return;
    ctx.send(session, encodeMessage({ type: MessageType.joined, room: m.room, access: toAccess(grant) }));
    ctx.send(session, encodeMessage({ type: MessageType.sync, room: m.room, step: SyncStep.step1, payload: entry.room.stateVector() }));
    return;
  }
  if (m.type !== MessageType.leave && m.type !== MessageType.sync && m.type !== MessageType.update && m.type !== MessageType.awareness) {
    return ctx.fail(session, ErrorReason.malformed, `clients do not send message type ${m.type}`);
  }
  if (!session.rooms.has(m.room)) return ctx.fail(session, ErrorReason.notJoined, 'join the room first', m.room, false);
  switch (m.type) {
    case MessageType.leave:
      return ctx.leaveRoom(session, m.room);
    case MessageType.sync:
      if (m.step === SyncStep.step1) {
        const payload = ctx.diff(await ctx.roomOf(m.room), m.payload);
        return ctx.send(session, encodeMessage({ type: MessageType.sync, room: m.room, step: SyncStep.step2, payload }));
      }
      // step2 (the client's diff after our step1) and plain updates: stored and relayed, not acked.
      await ctx.write(session, m.room, m.payload);
      return;
    case MessageType.update:
      await ctx.write(session, m.room, m.update, () => ctx.send(session, encodeMessage({ type: MessageType.ack, room: m.room, seq: m.seq })));
      return;
    case MessageType.awareness:
      return ctx.awareness(await ctx.roomOf(m.room), session, m.update);
  }
};
