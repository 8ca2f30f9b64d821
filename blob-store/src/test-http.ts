/**
 * Test-only adapter: serves HttpRoute[] with node:http on a free port so tests speak real HTTP
 * through fetch. Mirrors the uWS adapter's contract: streamed bodies capped at maxBodyBytes
 * (HttpError 413), FileBody streamed from disk, HEAD sends headers only, abort signal on disconnect.
 *
 *   const server = await serveRoutes(store.routes)
 *   await fetch(`${server.url}/api/blobs/${hash}`, { headers }); await server.close()
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, errorResponse, isFileBody, type HttpMethod, type HttpRequest, type HttpResponse, type HttpRoute } from '../../protocol/src/index.js';

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return undefined;
  }
  return params;
};

async function* bodyOf(req: IncomingMessage, limit: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > limit) throw new HttpError(413, 'tooLarge', `body exceeds ${limit} bytes`);
    yield chunk as Buffer;
  }
  if (!req.complete) throw new Error('request aborted');
}

const send = async (res: ServerResponse, method: HttpMethod, response: HttpResponse): Promise<void> => {
  const body = response.body;
  res.writeHead(response.status, response.headers);
  if (method === 'HEAD' || body === undefined) return void res.end();
  if (!isFileBody(body)) return void res.end(body);
  if (body.end < body.start) return void res.end();
  const stream = createReadStream(body.file, { start: body.start, end: body.end });
  await new Promise<void>((resolve) => {
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
};

export const serveRoutes = async (routes: readonly HttpRoute[]): Promise<TestServer> => {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET') as HttpMethod;
      const controller = new AbortController();
      req.on('aborted', () => controller.abort());
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      let params: Record<string, string> | undefined;
      const route = routes.find((r) => r.method === method && (params = match(r.pattern, url.pathname)) !== undefined);
      if (!route || !params) {
        req.resume();
        return send(res, method, errorResponse(404, 'notFound', 'no such route'));
      }
      let consumed = false;
      const request: HttpRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        remoteAddress: req.socket.remoteAddress ?? '',
        signal: controller.signal,
        body: () => {
          consumed = true;
          return bodyOf(req, route.maxBodyBytes);
        },
      };
      let response: HttpResponse;
      try {
        response = await route.handle(request, params);
      } catch (error) {
        response = error instanceof HttpError ? errorResponse(error.status, error.code, error.message) : errorResponse(500, 'internal', 'internal error');
      }
      if (!consumed || !req.complete) req.resume();
      await send(res, method, response);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
