/**
 * A fresh device's initial sync over a real loopback WebSocket: a server holding the catalog
 * answers the y-protocols sync step 1 of an empty doc; timed until the new doc is ready
 * (`ready` returns its asset count). Used by bench/catalog-case.ts.
 *
 *   const { bytes, ms, assets } = await loopbackSync(doc, (fresh) => factsIndex(fresh).facts.size);
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket, WebSocketServer } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export const loopbackSync = async (doc: Y.Doc, ready: (fresh: Y.Doc) => number): Promise<{ bytes: number; ms: number; assets: number }> => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 30 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const dec = decoding.createDecoder(new Uint8Array(data));
      const enc = encoding.createEncoder();
      syncProtocol.readSyncMessage(dec, enc, doc, 'server');
      if (encoding.length(enc) > 0) socket.send(encoding.toUint8Array(enc));
    });
  });
  const port = (server.address() as { port: number }).port;
  const t0 = performance.now();
  const fresh = new Y.Doc();
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 1 << 30 });
  let bytes = 0;
  const assets = await new Promise<number>((resolve, reject) => {
    client.on('error', reject);
    client.on('open', () => {
      const enc = encoding.createEncoder();
      syncProtocol.writeSyncStep1(enc, fresh);
      client.send(encoding.toUint8Array(enc));
    });
    client.on('message', (data: Buffer) => {
      bytes += data.length;
      const dec = decoding.createDecoder(new Uint8Array(data));
      const type = syncProtocol.readSyncMessage(dec, encoding.createEncoder(), fresh, 'client');
      if (type === syncProtocol.messageYjsSyncStep2) resolve(ready(fresh));
    });
  });
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fresh.destroy();
  return { bytes, ms, assets };
};
