/**
 * Frames of the stock y-websocket protocol (`/yjs/{room}`): `varUint(messageType) • body`
 * with y-protocols' sync sub-messages. readYwsMessage turns a client frame into one action.
 *
 *   send(ywsSyncStep1(room.stateVector()))
 *   const action = readYwsMessage(bytes)   // throws ProtocolError(malformed)
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ErrorReason, ProtocolError, YWsMessage } from '../../protocol/src/index.js';

/** y-protocols/sync sub-message numbers. */
const YSync = { step1: 0, step2: 1, update: 2 } as const;

export const YwsAction = { step1: 'step1', update: 'update', awareness: 'awareness', queryAwareness: 'queryAwareness', ignore: 'ignore' } as const;
export type YwsAction =
  | { type: typeof YwsAction.step1; payload: Uint8Array }
  | { type: typeof YwsAction.update; payload: Uint8Array }
  | { type: typeof YwsAction.awareness; payload: Uint8Array }
  | { type: typeof YwsAction.queryAwareness }
  | { type: typeof YwsAction.ignore };

const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
};

const syncFrame = (step: number, payload: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, YWsMessage.sync);
    encoding.writeVarUint(e, step);
    encoding.writeVarUint8Array(e, payload);
  });

export const ywsSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncFrame(YSync.step1, stateVector);
export const ywsSyncStep2 = (diff: Uint8Array): Uint8Array => syncFrame(YSync.step2, diff);
export const ywsUpdate = (update: Uint8Array): Uint8Array => syncFrame(YSync.update, update);
export const ywsAwareness = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, YWsMessage.awareness);
    encoding.writeVarUint8Array(e, update);
  });

export const readYwsMessage = (bytes: Uint8Array): YwsAction => {
  try {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    switch (type) {
      case YWsMessage.sync: {
        const step = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (step === YSync.step1) return { type: YwsAction.step1, payload };
        if (step === YSync.step2 || step === YSync.update) return { type: YwsAction.update, payload };
        throw new Error(`unknown sync step ${step}`);
      }
      case YWsMessage.awareness:
        return { type: YwsAction.awareness, payload: decoding.readVarUint8Array(d) };
      case YWsMessage.queryAwareness:
        return { type: YwsAction.queryAwareness };
      case YWsMessage.auth:
        return { type: YwsAction.ignore };
      default:
        throw new Error(`unknown message type ${type}`);
    }
  } catch (err) {
    throw new ProtocolError(ErrorReason.malformed, `undecodable y-websocket frame: ${(err as Error).message}`);
  }
};
