/**
 * The only file that imports uWebSockets.js: serves HttpRoutes, the built PWA and the relay's
 * WebSocket endpoints on one port, with body and file streaming under backpressure. Longer
 * than our usual module on purpose: keeping every uWS call (and its lifetime rules) in one
 * file matters more than the line count.
 *
 *   const server = await listen({ port: 0, host: '127.0.0.1', routes, websockets, staticDir })
 *   console.log(server.port); await server.close()
 */
import { STATUS_CODES } from 'node:http';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';
import { HttpError, errorResponse, isFileBody, json, type FileBody, type HttpMethod, type HttpRequest, type HttpResponse, type HttpRoute } from '../../protocol/src/index.js';
import { Admission, type ConnectionAdmission } from './connection-admission.js';
import { createRouter } from './router.js';
import { CloseCode, type SocketHandler, type UpgradeInfo, type WsEndpoint } from './socket.js';
import { createStaticFiles } from './static-files.js';

const NATIVE_BINARY = /uWebSockets\.js[\\/]binaries[\\/]uws_.*\.node$/;

/** uWebSockets.js silently falls back to a slow JS implementation; refuse to run on it. */
const loadNative = (): typeof Uws => {
  const require = createRequire(import.meta.url);
  const uws = require('uWebSockets.js') as typeof Uws;
  if (!Object.keys(require.cache).some((p) => NATIVE_BINARY.test(p))) {
    throw new Error(
      `uWebSockets.js did not load its native binary for ${process.platform}-${process.arch} (Node ABI ${process.versions.modules}); ` +
        'the server refuses to start on the JS fallback. Use a Node version it ships binaries for (Node 20 or 22).',
    );
  }
  return uws;
};
const uWS = loadNative();

export interface ListenOptions {
  readonly port: number;
  readonly host: string;
  readonly routes: readonly HttpRoute[];
  readonly websockets?: readonly WsEndpoint[];
  /** The built PWA; omitted = no static files. */
  readonly staticDir?: string;
  /** Largest WebSocket message accepted; default 16 MiB. */
  readonly maxPayloadLength?: number;
  /** Per-socket send buffer above which uWS drops messages; default 64 MiB. */
  readonly maxBackpressure?: number;
  readonly idleTimeoutSeconds?: number;
  /** Per-address limits on WebSocket upgrades; refused ones get 429 before any socket exists. */
  readonly admission?: ConnectionAdmission;
}

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

const METHODS = new Set<string>(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']);
const FILE_CHUNK = 256 * 1024;
const BODY_HIGH_WATER = 1024 * 1024;
/** Oversized bodies up to this size are drained so the client sees the 413 (see refuseOversized). */
const DRAIN_LIMIT = 64 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

/** Per-request state: whether uWS still owns a live response, and who to tell when it dies. */
interface Exchange {
  readonly res: Uws.HttpResponse;
  aborted: boolean;
  /** Status line written: from here on an error can only close the connection. */
  started: boolean;
  finished: boolean;
  /** The request body was not fully read; the connection cannot be reused. */
  bodyPending: boolean;
  readonly controller: AbortController;
}

const statusLine = (status: number): string => `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;

const writeHead = (ex: Exchange, response: HttpResponse): void => {
  ex.started = true;
  ex.res.writeStatus(statusLine(response.status));
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    const k = key.toLowerCase();
    if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') ex.res.writeHeader(k, value);
  }
};

/** Sends a response whose body is in memory (anything but a FileBody). */
const sendSimple = (ex: Exchange, response: HttpResponse, head: boolean): void => {
  if (ex.aborted || ex.finished) return;
  const raw = response.body;
  const body = typeof raw === 'string' ? Buffer.from(raw) : raw instanceof Uint8Array ? raw : EMPTY;
  ex.res.cork(() => {
    writeHead(ex, response);
    if (head) ex.res.endWithoutBody(body.byteLength, ex.bodyPending);
    else ex.res.end(body, ex.bodyPending);
    ex.finished = true;
  });
};

/** Writes one chunk with tryEnd, waiting for onWritable while uWS reports backpressure. */
const writeChunk = (ex: Exchange, chunk: Uint8Array, total: number, before: (() => void) | undefined): Promise<boolean> =>
  new Promise((resolve) => {
    let offset = 0;
    let result: [boolean, boolean] = [false, false];
    ex.res.cork(() => {
      before?.();
      offset = ex.res.getWriteOffset();
      result = ex.res.tryEnd(chunk, total);
    });
    const [ok, done] = result;
    if (done) ex.finished = true;
    if (done || ok) return resolve(done);
    ex.controller.signal.addEventListener('abort', () => resolve(true), { once: true });
    ex.res.onWritable((at) => {
      const [ok2, done2] = ex.res.tryEnd(chunk.subarray(at - offset), total);
      if (done2) ex.finished = true;
      if (done2 || ok2) resolve(done2);
      return ok2 || done2;
    });
  });

/** Streams a file region from disk in chunks: memory stays flat however large the file. */
const sendFile = async (ex: Exchange, response: HttpResponse, body: FileBody, head: boolean): Promise<void> => {
  const total = body.end - body.start + 1;
  const handle = await fs.open(body.file, 'r').catch(() => undefined);
  if (!handle) return sendSimple(ex, errorResponse(404, 'notFound', 'file vanished'), head);
  try {
    if (head || total <= 0) {
      if (!ex.aborted) ex.res.cork(() => (writeHead(ex, response), ex.res.endWithoutBody(Math.max(total, 0), ex.bodyPending), (ex.finished = true)));
      return;
    }
    const buffer = Buffer.allocUnsafe(Math.min(FILE_CHUNK, total));
    let position = body.start;
    let first = true;
    while (position <= body.end && !ex.aborted && !ex.finished) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.byteLength, body.end - position + 1), position);
      if (bytesRead === 0) throw new Error(`${body.file} is shorter than the promised range`);
      position += bytesRead;
      if (ex.aborted) return;
      const before = first ? () => writeHead(ex, response) : undefined;
      first = false;
      if (await writeChunk(ex, buffer.subarray(0, bytesRead), total, before)) return;
    }
  } finally {
    await handle.close();
  }
};

const respond = async (ex: Exchange, response: HttpResponse, head: boolean): Promise<void> => {
  if (isFileBody(response.body)) return sendFile(ex, response, response.body, head);
  sendSimple(ex, response, head);
};

/** The body as an async iterable fed by onData; pauses the socket while the consumer lags. */
const createBody = (ex: Exchange, limit: number, expectBody: boolean): (() => AsyncIterable<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let received = 0;
  let done = !expectBody;
  let failure: Error | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  let consumed = false;
  if (expectBody) {
    ex.res.onData((arrayBuffer, isLast) => {
      if (done || failure) return;
      received += arrayBuffer.byteLength;
      if (received > limit) failure = new HttpError(413, 'tooLarge', `request body exceeds ${limit} bytes`);
      else if (arrayBuffer.byteLength > 0) {
        chunks.push(new Uint8Array(arrayBuffer.slice(0))); // copied: uWS neuters it on return
        buffered += arrayBuffer.byteLength;
      }
      if (isLast && !failure) done = true;
      if (done) ex.bodyPending = false;
      if (!done && !failure && buffered > BODY_HIGH_WATER && !paused) {
        paused = true;
        ex.res.pause();
      }
      wake?.();
    });
  }
  ex.controller.signal.addEventListener('abort', () => wake?.(), { once: true });
  async function* iterate(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = chunks.shift();
      if (chunk) {
        buffered -= chunk.byteLength;
        if (paused && buffered < BODY_HIGH_WATER / 2 && !ex.aborted) {
          paused = false;
          ex.res.resume();
        }
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      if (ex.aborted) throw new HttpError(499, 'aborted', 'client went away');
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  return () => {
    if (consumed) throw new Error('request body can be read only once');
    consumed = true;
    return iterate();
  };
};

const failResponse = (ex: Exchange, err: unknown, head: boolean): void => {
  if (ex.aborted || ex.finished) return;
  if (ex.started) {
    ex.res.close(); // headers are out: the only honest signal left is a cut connection
    return;
  }
  if (err instanceof HttpError) return sendSimple(ex, errorResponse(err.status, err.code, err.message), head);
  console.error('http: handler failed', err);
  sendSimple(ex, errorResponse(500, 'internal', 'internal server error'), head);
};

type StaticHandler = ReturnType<typeof createStaticFiles>;

/**
 * Answers 413 for a declared body over the route's limit. Bodies up to DRAIN_LIMIT are read and
 * discarded first, because most HTTP clients (fetch among them) report a connection cut while
 * they are still sending as a network error and never show the 413; bigger ones are cut at once.
 * Must run before the handler's first await: uWS delivers data right away.
 */
const refuseOversized = (ex: Exchange, limit: number, length: number, head: boolean): void => {
  const refusal = errorResponse(413, 'tooLarge', `request body of ${length} bytes exceeds the limit of ${limit} bytes`);
  if (length > DRAIN_LIMIT) return sendSimple(ex, refusal, head);
  ex.res.onData((_chunk, isLast) => {
    if (!isLast) return;
    ex.bodyPending = false;
    sendSimple(ex, refusal, head);
  });
};

const handleHttp = async (
  ex: Exchange,
  req: { method: string; path: string; query: string; headers: Map<string, string>; remoteAddress: string },
  router: ReturnType<typeof createRouter>,
  serveStatic: StaticHandler | undefined,
): Promise<void> => {
  const head = req.method === 'HEAD';
  const declared = req.headers.get('content-length');
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) throw new HttpError(400, 'badRequest', 'invalid content-length');
  const expectBody = length !== undefined ? length > 0 : req.headers.has('transfer-encoding');
  // Until a handler reads the whole body, the connection cannot be reused for the next request.
  ex.bodyPending = expectBody;
  if (!METHODS.has(req.method)) throw new HttpError(405, 'methodNotAllowed', `method ${req.method} is not supported`);
  const method = req.method as HttpMethod;
  const match = router.match(method, req.path);
  if (match.kind === 'wrongMethod') {
    const body = { error: { code: 'methodNotAllowed', message: `${method} is not allowed here` } };
    return sendSimple(ex, json(405, body, { allow: match.allow.join(', ') }), head);
  }
  if (match.kind === 'none') {
    const isApi = req.path === '/api' || req.path.startsWith('/api/');
    if (serveStatic && !isApi && (method === 'GET' || method === 'HEAD')) {
      const accept = req.headers.get('accept') ?? '';
      return respond(ex, await serveStatic({ method, path: req.path, acceptsHtml: accept.includes('text/html') }), head);
    }
    throw new HttpError(404, 'notFound', `no route for ${method} ${req.path}`);
  }
  const { route, params } = match;
  if (length !== undefined && length > route.maxBodyBytes) return refuseOversized(ex, route.maxBodyBytes, length, head);
  const body = createBody(ex, route.maxBodyBytes, expectBody); // synchronously, before any await: uWS delivers data now
  const request: HttpRequest = {
    method,
    path: req.path,
    query: new URLSearchParams(req.query),
    header: (name) => req.headers.get(name.toLowerCase()),
    remoteAddress: req.remoteAddress,
    signal: ex.controller.signal,
    body,
  };
  return respond(ex, await route.handle(request, params), head);
};

const textOf = (buffer: ArrayBuffer): string => Buffer.from(buffer).toString('utf8');

interface WsData {
  /** Dropped once the endpoint has opened: thousands of idle sockets need not keep their query strings. */
  info: UpgradeInfo | undefined;
  handler: SocketHandler | undefined;
  closed: boolean;
  /** Set when admission counted this socket, so close releases it exactly once. */
  admittedIp: string | undefined;
  /** Frames sent since the last flush (see scheduleFlush), and their bytes. */
  pending: Uint8Array[] | undefined;
  pendingBytes: number;
  /** Set at open; never touched once `closed` (uWS throws on a closed socket). */
  ws: Uws.WebSocket<WsData> | undefined;
}

/**
 * Outgoing frames are written once per event-loop turn, corked per socket: a socket that
 * receives several frames in one turn (a busy room's fan-out) costs one write, not one each.
 * setImmediate runs after the poll phase, so every frame from this turn's events is batched.
 */
const toFlush = new Set<WsData>();
let flushScheduled = false;

const flush = (data: WsData): void => {
  const frames = data.pending;
  data.pending = undefined;
  data.pendingBytes = 0;
  const ws = data.ws;
  if (!frames || data.closed || !ws) return;
  let dropped = false;
  ws.cork(() => {
    for (const frame of frames) if (ws.send(frame, true, false) === 2) dropped = true;
  });
  // Over maxBackpressure uWS drops frames: the client would silently miss updates, so end it;
  // it reconnects and its handshake fetches what it lacks.
  if (dropped) ws.end(CloseCode.tryAgainLater, 'slow consumer');
};

const flushAll = (): void => {
  flushScheduled = false;
  for (const data of toFlush) flush(data);
  toFlush.clear();
};

const enqueueFrame = (data: WsData, bytes: Uint8Array): void => {
  (data.pending ??= []).push(bytes);
  data.pendingBytes += bytes.byteLength;
  toFlush.add(data);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
};

const wsBehavior = (endpoint: WsEndpoint, options: ListenOptions): Uws.WebSocketBehavior<WsData> => ({
  maxPayloadLength: options.maxPayloadLength ?? 16 * 1024 * 1024,
  maxBackpressure: options.maxBackpressure ?? 64 * 1024 * 1024,
  closeOnBackpressureLimit: 0,
  idleTimeout: options.idleTimeoutSeconds ?? 120,
  sendPingsAutomatically: true,
  compression: uWS.DISABLED,
  // Synchronous on purpose: everything is copied here, authorisation happens in the relay.
  upgrade(res, req, context) {
    const url = req.getUrl();
    const query = req.getQuery() ?? '';
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    let path: string;
    try {
      path = decodeURIComponent(url);
    } catch {
      res.writeStatus('400 Bad Request').end('malformed path');
      return;
    }
    const remoteAddress = textOf(res.getRemoteAddressAsText());
    const verdict = options.admission?.admit(remoteAddress) ?? Admission.ok;
    if (verdict !== Admission.ok) {
      const message = verdict === Admission.tooManyOpen ? 'too many open connections from this address' : 'connecting too fast from this address';
      res.cork(() => {
        res.writeStatus('429 Too Many Requests').writeHeader('retry-after', '1').writeHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: { code: 'rateLimited', message } }));
      });
      return;
    }
    const info: UpgradeInfo = { path, query: new URLSearchParams(query), remoteAddress };
    res.upgrade<WsData>(
      { info, handler: undefined, closed: false, admittedIp: options.admission && remoteAddress, pending: undefined, pendingBytes: 0, ws: undefined },
      key,
      protocol,
      extensions,
      context,
    );
  },
  open(ws) {
    const data = ws.getUserData();
    data.ws = ws;
    try {
      data.handler = endpoint.open(
        {
          send(bytes) {
            if (data.closed) return false;
            enqueueFrame(data, bytes);
            return true;
          },
          close(code, reason) {
            if (data.closed) return;
            flush(data); // an error frame queued just before the close goes out first
            if (!data.closed) ws.end(code, reason.slice(0, 120));
          },
          bufferedAmount: () => (data.closed ? 0 : ws.getBufferedAmount() + data.pendingBytes),
        },
        data.info!,
      );
      data.info = undefined;
    } catch (err) {
      console.error('ws: open failed', err);
      ws.end(CloseCode.internal, 'internal error');
    }
  },
  message(ws, message, isBinary) {
    const data = ws.getUserData();
    try {
      if (!isBinary) return ws.end(CloseCode.unsupportedData, 'binary frames only');
      data.handler?.message(new Uint8Array(message.slice(0)));
    } catch (err) {
      console.error('ws: message handler failed', err);
    }
  },
  close(ws) {
    const data = ws.getUserData();
    data.closed = true;
    data.ws = undefined;
    data.pending = undefined;
    toFlush.delete(data);
    if (data.admittedIp !== undefined) options.admission?.release(data.admittedIp);
    data.admittedIp = undefined;
    try {
      data.handler?.closed();
    } catch (err) {
      console.error('ws: close handler failed', err);
    }
  },
});

export const listen = (options: ListenOptions): Promise<Listening> => {
  const app = uWS.App();
  const router = createRouter(options.routes);
  const serveStatic = options.staticDir === undefined ? undefined : createStaticFiles(options.staticDir);
  for (const endpoint of options.websockets ?? []) app.ws<WsData>(endpoint.pattern, wsBehavior(endpoint, options));

  app.any('/*', (res, uwsReq) => {
    const ex: Exchange = { res, aborted: false, started: false, finished: false, bodyPending: false, controller: new AbortController() };
    res.onAborted(() => {
      ex.aborted = true;
      ex.controller.abort();
    });
    const method = uwsReq.getCaseSensitiveMethod().toUpperCase();
    const headers = new Map<string, string>();
    uwsReq.forEach((key, value) => headers.set(key, value));
    const req = { method, path: uwsReq.getUrl(), query: uwsReq.getQuery() ?? '', headers, remoteAddress: textOf(res.getRemoteAddressAsText()) };
    handleHttp(ex, req, router, serveStatic).catch((err: unknown) => {
      try {
        failResponse(ex, err, method === 'HEAD');
      } catch (inner) {
        console.error('http: could not send error response', inner);
      }
    });
  });

  return new Promise((resolve, reject) => {
    app.listen(options.host, options.port, (socket) => {
      if (!socket) return reject(new Error(`could not listen on ${options.host}:${options.port}`));
      const port = uWS.us_socket_local_port(socket as unknown as Uws.us_socket);
      resolve({
        port,
        async close() {
          uWS.us_listen_socket_close(socket);
          // reason: `close` exists on the native App since v20.27 but is missing from the bundled typings.
          (app as unknown as { close?: () => void }).close?.();
        },
      });
    });
  });
};
