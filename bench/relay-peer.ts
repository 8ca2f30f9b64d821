/**
 * The benchmark's peer: the stock `@y/websocket-server` 0.1.1 connection handler on `ws@8`
 * (the project's ws, not the ws@6 the package lists as optional), in memory as it ships.
 * Run by bench/relay.ts; prints "ready" once listening.
 *
 *   node --import tsx bench/relay-peer.ts 4321
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: relay-peer.ts <port>');
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('okay');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
