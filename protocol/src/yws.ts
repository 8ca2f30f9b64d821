/**
 * Message types of the stock y-websocket protocol spoken on `/yjs/{room}` (y-websocket's
 * own numbering, kept here so the relay need not import the client library).
 *
 *   encoding.writeVarUint(e, YWsMessage.sync); syncProtocol.writeSyncStep1(e, doc)
 */
export const YWsMessage = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
export type YWsMessage = (typeof YWsMessage)[keyof typeof YWsMessage];
