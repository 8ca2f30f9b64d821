import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { ProtocolError, YWsMessage } from '../../protocol/src/index.js';
import { YwsAction, readYwsMessage, ywsAwareness, ywsSyncStep1, ywsSyncStep2, ywsUpdate } from './yws.codec.js';

describe('y-websocket frames', () => {
  const payload = new Uint8Array([1, 2, 3]);

  it('round-trips every frame the relay writes', () => {
    expect(readYwsMessage(ywsSyncStep1(payload))).toEqual({ type: YwsAction.step1, payload });
    expect(readYwsMessage(ywsSyncStep2(payload))).toEqual({ type: YwsAction.update, payload });
    expect(readYwsMessage(ywsUpdate(payload))).toEqual({ type: YwsAction.update, payload });
    expect(readYwsMessage(ywsAwareness(payload))).toEqual({ type: YwsAction.awareness, payload });
  });

  it('uses y-websocket numbering', () => {
    const d = decoding.createDecoder(ywsUpdate(payload));
    expect([decoding.readVarUint(d), decoding.readVarUint(d)]).toEqual([YWsMessage.sync, 2]);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, YWsMessage.queryAwareness);
    expect(readYwsMessage(encoding.toUint8Array(e))).toEqual({ type: YwsAction.queryAwareness });
  });

  it.each([[[]], [[0]], [[0, 7, 0]], [[1, 5, 1]], [[42]]])('rejects %j as malformed', (bytes) => {
    expect(() => readYwsMessage(new Uint8Array(bytes))).toThrow(ProtocolError);
  });
});
