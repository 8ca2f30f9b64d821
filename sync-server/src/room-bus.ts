/**
 * How relay nodes share live traffic in the scale-out mode: the RoomBus interface and the codec
 * of its messages. Stores are the source of truth; the bus only makes other nodes see an edit
 * quickly, and tells them to re-read the store when it may have dropped messages (`resync`).
 *
 *   bus.listen({ message: (m) => relay.fromBus(m), resync: () => relay.catchUpAll() })
 *   await bus.subscribe(room); bus.publish({ kind: BusKind.update, room, payload })
 *
 * Wire format (lib0 encoding, like protocol/PROTOCOL.md):
 *   busMessage := varUint(kind) • varString(origin node) • varString(room | "") • varByteArray(payload)
 *   kind       := 0 update (payload: stored Yjs update) | 1 awareness (payload: awareness update)
 *               | 2 tokenRevoked (room "", payload: utf8 token hash) | 3 grantChanged (payload: utf8 user id)
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const BusKind = { update: 0, awareness: 1, tokenRevoked: 2, grantChanged: 3 } as const;
export type BusKind = (typeof BusKind)[keyof typeof BusKind];

export interface BusMessage {
  readonly kind: BusKind;
  readonly origin: string;
  /** A room id, or "" for messages about accounts. */
  readonly room: string;
  readonly payload: Uint8Array;
}

export interface BusHandler {
  /** A message another node published (never one of this node's own). */
  message(m: BusMessage): void;
  /** The bus reconnected: messages may have been lost, so re-read the store for every loaded room. */
  resync(): void;
}

export interface RoomBus {
  readonly nodeId: string;
  /** Sets the one handler; call before subscribing. */
  listen(handler: BusHandler): void;
  /** Starts receiving the room's messages; resolves once subscribed, or at once while the bus is down. */
  subscribe(room: string): Promise<void>;
  unsubscribe(room: string): void;
  /** Best effort: a message lost here is recovered by the next resync or the client's handshake. */
  publish(m: Omit<BusMessage, 'origin'>): void;
  close(): Promise<void>;
}

const KINDS = new Set<number>(Object.values(BusKind));

export const writeBusMessage = (encoder: encoding.Encoder, m: BusMessage): void => {
  encoding.writeVarUint(encoder, m.kind);
  encoding.writeVarString(encoder, m.origin);
  encoding.writeVarString(encoder, m.room);
  encoding.writeVarUint8Array(encoder, m.payload);
};

/** Throws on anything but exactly one well-formed message. */
export const readBusMessage = (decoder: decoding.Decoder): BusMessage => {
  const kind = decoding.readVarUint(decoder);
  if (!KINDS.has(kind)) throw new Error(`unknown bus message kind ${kind}`);
  const origin = decoding.readVarString(decoder);
  const room = decoding.readVarString(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after bus message');
  return { kind: kind as BusKind, origin, room, payload };
};

export const encodeBusMessage = (m: BusMessage): Uint8Array => {
  const encoder = encoding.createEncoder();
  writeBusMessage(encoder, m);
  return encoding.toUint8Array(encoder);
};

export const decodeBusMessage = (bytes: Uint8Array): BusMessage => readBusMessage(decoding.createDecoder(bytes));
