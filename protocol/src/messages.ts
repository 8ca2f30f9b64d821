/**
 * The `/sync` WebSocket protocol, version 1: one binary frame = one message.
 * The byte grammar is in ../PROTOCOL.md; each message has a writeX/readX pair here.
 *
 *   const bytes = encodeMessage({ type: MessageType.join, room })
 *   const message = decodeMessage(bytes)   // throws ProtocolError(malformed | tooLarge)
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ErrorReason, ProtocolError, isErrorReason } from './errors.js';
import { isRoomId, type RoomId } from './ids.js';

export const PROTOCOL_VERSION = 1;
/** Versions this build can speak, newest last. */
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Hard caps checked while decoding: nothing bigger is ever allocated. */
export const LIMITS = {
  maxMessageBytes: 16 * 1024 * 1024,
  maxStringBytes: 4096,
  maxVersions: 16,
} as const;

export const MessageType = {
  hello: 0,
  welcome: 1,
  join: 2,
  joined: 3,
  leave: 4,
  sync: 5,
  update: 6,
  ack: 7,
  awareness: 8,
  error: 9,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The y-protocols sync sub-message carried by `sync`. */
export const SyncStep = { step1: 0, step2: 1, update: 2 } as const;
export type SyncStep = (typeof SyncStep)[keyof typeof SyncStep];

export const Access = { read: 0, write: 1, admin: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

export type Hello = { type: typeof MessageType.hello; versions: number[]; token: string; clientId: string };
export type Welcome = { type: typeof MessageType.welcome; version: number; userId: string; sessionId: string };
export type Join = { type: typeof MessageType.join; room: RoomId };
export type Joined = { type: typeof MessageType.joined; room: RoomId; access: Access };
export type Leave = { type: typeof MessageType.leave; room: RoomId };
export type Sync = { type: typeof MessageType.sync; room: RoomId; step: SyncStep; payload: Uint8Array };
export type Update = { type: typeof MessageType.update; room: RoomId; seq: number; update: Uint8Array };
export type Ack = { type: typeof MessageType.ack; room: RoomId; seq: number };
export type Awareness = { type: typeof MessageType.awareness; room: RoomId; update: Uint8Array };
export type ErrorMessage = { type: typeof MessageType.error; reason: ErrorReason; room: RoomId | ''; message: string };

export type Message = Hello | Welcome | Join | Joined | Leave | Sync | Update | Ack | Awareness | ErrorMessage;

const malformed = (what: string): never => {
  throw new ProtocolError(ErrorReason.malformed, what);
};

const readString = (decoder: decoding.Decoder, what: string): string => {
  const length = decoding.peekVarUint(decoder);
  if (length > LIMITS.maxStringBytes) throw new ProtocolError(ErrorReason.tooLarge, `${what} longer than ${LIMITS.maxStringBytes} bytes`);
  return decoding.readVarString(decoder);
};

const readRoom = (decoder: decoding.Decoder): RoomId => {
  const room = readString(decoder, 'room');
  return isRoomId(room) ? room : malformed(`invalid room id ${JSON.stringify(room.slice(0, 80))}`);
};

const readAccess = (decoder: decoding.Decoder): Access => {
  const access = decoding.readVarUint(decoder);
  return access <= Access.admin ? (access as Access) : malformed(`unknown access level ${access}`);
};

const readSyncStep = (decoder: decoding.Decoder): SyncStep => {
  const step = decoding.readVarUint(decoder);
  return step <= SyncStep.update ? (step as SyncStep) : malformed(`unknown sync step ${step}`);
};

export const writeHello = (e: encoding.Encoder, m: Omit<Hello, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.hello);
  encoding.writeVarUint(e, m.versions.length);
  for (const v of m.versions) encoding.writeVarUint(e, v);
  encoding.writeVarString(e, m.token);
  encoding.writeVarString(e, m.clientId);
};
export const readHello = (d: decoding.Decoder): Hello => {
  const count = decoding.readVarUint(d);
  if (count === 0 || count > LIMITS.maxVersions) malformed(`hello lists ${count} versions`);
  const versions: number[] = [];
  for (let i = 0; i < count; i++) versions.push(decoding.readVarUint(d));
  return { type: MessageType.hello, versions, token: readString(d, 'token'), clientId: readString(d, 'clientId') };
};

export const writeWelcome = (e: encoding.Encoder, m: Omit<Welcome, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.welcome);
  encoding.writeVarUint(e, m.version);
  encoding.writeVarString(e, m.userId);
  encoding.writeVarString(e, m.sessionId);
};
export const readWelcome = (d: decoding.Decoder): Welcome => ({
  type: MessageType.welcome,
  version: decoding.readVarUint(d),
  userId: readString(d, 'userId'),
  sessionId: readString(d, 'sessionId'),
});

export const writeJoin = (e: encoding.Encoder, m: Omit<Join, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.join);
  encoding.writeVarString(e, m.room);
};
export const readJoin = (d: decoding.Decoder): Join => ({ type: MessageType.join, room: readRoom(d) });

export const writeJoined = (e: encoding.Encoder, m: Omit<Joined, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.joined);
  encoding.writeVarString(e, m.room);
  encoding.writeVarUint(e, m.access);
};
export const readJoined = (d: decoding.Decoder): Joined => ({ type: MessageType.joined, room: readRoom(d), access: readAccess(d) });

export const writeLeave = (e: encoding.Encoder, m: Omit<Leave, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.leave);
  encoding.writeVarString(e, m.room);
};
export const readLeave = (d: decoding.Decoder): Leave => ({ type: MessageType.leave, room: readRoom(d) });

export const writeSync = (e: encoding.Encoder, m: Omit<Sync, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.sync);
  encoding.writeVarString(e, m.room);
  encoding.writeVarUint(e, m.step);
  encoding.writeVarUint8Array(e, m.payload);
};
export const readSync = (d: decoding.Decoder): Sync => ({
  type: MessageType.sync,
  room: readRoom(d),
  step: readSyncStep(d),
  payload: decoding.readVarUint8Array(d),
});

export const writeUpdate = (e: encoding.Encoder, m: Omit<Update, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.update);
  encoding.writeVarString(e, m.room);
  encoding.writeVarUint(e, m.seq);
  encoding.writeVarUint8Array(e, m.update);
};
export const readUpdate = (d: decoding.Decoder): Update => ({
  type: MessageType.update,
  room: readRoom(d),
  seq: decoding.readVarUint(d),
  update: decoding.readVarUint8Array(d),
});

export const writeAck = (e: encoding.Encoder, m: Omit<Ack, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.ack);
  encoding.writeVarString(e, m.room);
  encoding.writeVarUint(e, m.seq);
};
export const readAck = (d: decoding.Decoder): Ack => ({ type: MessageType.ack, room: readRoom(d), seq: decoding.readVarUint(d) });

export const writeAwareness = (e: encoding.Encoder, m: Omit<Awareness, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.awareness);
  encoding.writeVarString(e, m.room);
  encoding.writeVarUint8Array(e, m.update);
};
export const readAwareness = (d: decoding.Decoder): Awareness => ({
  type: MessageType.awareness,
  room: readRoom(d),
  update: decoding.readVarUint8Array(d),
});

export const writeError = (e: encoding.Encoder, m: Omit<ErrorMessage, 'type'>): void => {
  encoding.writeVarUint(e, MessageType.error);
  encoding.writeVarString(e, m.reason);
  encoding.writeVarString(e, m.room);
  encoding.writeVarString(e, m.message);
};
export const readError = (d: decoding.Decoder): ErrorMessage => {
  const reason = readString(d, 'reason');
  const room = readString(d, 'room');
  const message = readString(d, 'message');
  if (!isErrorReason(reason)) malformed(`unknown error reason ${JSON.stringify(reason.slice(0, 80))}`);
  if (room !== '' && !isRoomId(room)) malformed('invalid room id in error');
  return { type: MessageType.error, reason: reason as ErrorReason, room: room as RoomId | '', message };
};

export const writeMessage = (e: encoding.Encoder, m: Message): void => {
  switch (m.type) {
    case MessageType.hello: return writeHello(e, m);
    case MessageType.welcome: return writeWelcome(e, m);
    case MessageType.join: return writeJoin(e, m);
    case MessageType.joined: return writeJoined(e, m);
    case MessageType.leave: return writeLeave(e, m);
    case MessageType.sync: return writeSync(e, m);
    case MessageType.update: return writeUpdate(e, m);
    case MessageType.ack: return writeAck(e, m);
    case MessageType.awareness: return writeAwareness(e, m);
    case MessageType.error: return writeError(e, m);
  }
};

export const encodeMessage = (m: Message): Uint8Array => {
  const e = encoding.createEncoder();
  writeMessage(e, m);
  return encoding.toUint8Array(e);
};

/**
 * Decodes one frame. Every failure is a ProtocolError: truncated input, unknown types,
 * bad room ids, oversized strings and trailing bytes are all rejected.
 */
export const decodeMessage = (bytes: Uint8Array): Message => {
  if (bytes.byteLength > LIMITS.maxMessageBytes) throw new ProtocolError(ErrorReason.tooLarge, `message of ${bytes.byteLength} bytes exceeds ${LIMITS.maxMessageBytes}`);
  const d = decoding.createDecoder(bytes);
  let message: Message;
  try {
    message = readBody(d, decoding.readVarUint(d));
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    // lib0 throws plain Errors on truncated input or overlong varints.
    throw new ProtocolError(ErrorReason.malformed, `undecodable frame: ${(err as Error).message}`);
  }
  if (decoding.hasContent(d)) malformed(`${d.arr.length - d.pos} trailing bytes`);
  return message;
};

const readBody = (d: decoding.Decoder, type: number): Message => {
  switch (type) {
    case MessageType.hello: return readHello(d);
    case MessageType.welcome: return readWelcome(d);
    case MessageType.join: return readJoin(d);
    case MessageType.joined: return readJoined(d);
    case MessageType.leave: return readLeave(d);
    case MessageType.sync: return readSync(d);
    case MessageType.update: return readUpdate(d);
    case MessageType.ack: return readAck(d);
    case MessageType.awareness: return readAwareness(d);
    case MessageType.error: return readError(d);
    default: return malformed(`unknown message type ${type}`);
  }
};

/** Picks the newest version both sides speak, or the reason there is none. */
export const negotiateVersion = (
  offered: readonly number[],
  supported: readonly number[] = SUPPORTED_VERSIONS,
): { version: number } | { reason: typeof ErrorReason.clientTooOld | typeof ErrorReason.serverTooOld } => {
  const common = offered.filter((v) => supported.includes(v));
  if (common.length > 0) return { version: Math.max(...common) };
  return Math.max(...offered) < Math.min(...supported) ? { reason: ErrorReason.clientTooOld } : { reason: ErrorReason.serverTooOld };
};
