/**
 * HTTP surface of "index once" ML derivatives (PROTOCOL.md's HTTP table): upload, download and a
 * batched presence query, authenticated like every blob route.
 *
 *   const routes = createMlDerivativeRoutes({ service: ml, authenticate })
 *   // PUT/GET/HEAD /api/blobs/:hash/derivatives/ml/:modelId, POST /api/ml/derivatives/query
 */
import { isBlobHash, json, readJson, type BlobHash, type HttpRoute } from '../../protocol/src/index.js';
import { ORIGINAL_CACHE, createRouteFactory, hashParam, serveFile, type Authenticate, type Handler } from './blob.routes.js';
import { BlobError, BlobErrorCode } from './errors.js';
import { MAX_ML_DERIVATIVE_BYTES, MAX_ML_QUERY_HASHES, parseModelId, type MlDerivativeService } from './ml-derivative.service.js';

export interface MlDerivativeRoutesDeps {
  readonly service: MlDerivativeService;
  readonly authenticate: Authenticate;
}

export interface MlQueryResponse {
  /** The requested hashes the caller may read that have this model's derivative, in request order. */
  readonly present: readonly string[];
}

const PATH = '/api/blobs/:hash/derivatives/ml/:modelId';
// ~67 bytes per quoted hash in the JSON array, plus the model id and slack.
const QUERY_BODY_LIMIT = MAX_ML_QUERY_HASHES * 70 + 1024;

const readQuery = (body: unknown): { modelId: unknown; hashes: BlobHash[] } => {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const hashes = record?.hashes;
  if (!record || !Array.isArray(hashes)) throw new BlobError(BlobErrorCode.invalidRequest, 'body must be {"modelId": "…", "hashes": [sha256 hex, …]}');
  if (hashes.length > MAX_ML_QUERY_HASHES) throw new BlobError(BlobErrorCode.invalidRequest, `at most ${MAX_ML_QUERY_HASHES} hashes per query`);
  const bad = hashes.findIndex((h) => !isBlobHash(h));
  if (bad >= 0) throw new BlobError(BlobErrorCode.invalidHash, `hashes[${bad}] is not 64 lower-case hex digits`);
  return { modelId: record.modelId, hashes: hashes as BlobHash[] };
};

export const createMlDerivativeRoutes = ({ service, authenticate }: MlDerivativeRoutesDeps): HttpRoute[] => {
  const route = createRouteFactory(authenticate);
  const download: Handler = async (req, user, params) => {
    const hash = hashParam(params);
    const stored = await service.get(user, hash, parseModelId(params.modelId));
    return serveFile(req, stored, `"${stored.sha256}"`, ORIGINAL_CACHE);
  };
  return [
    route('PUT', PATH, MAX_ML_DERIVATIVE_BYTES, async (req, user, params) => {
      const hash = hashParam(params);
      const modelId = parseModelId(params.modelId);
      const length = req.header('content-length');
      const contentLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
      const { created } = await service.put(user, hash, modelId, req.body(), { contentLength });
      return json(created ? 201 : 200, { created });
    }),
    route('GET', PATH, 0, download),
    route('HEAD', PATH, 0, download),
    route('POST', '/api/ml/derivatives/query', QUERY_BODY_LIMIT, async (req, user) => {
      const { modelId, hashes } = readQuery(await readJson(req));
      return json(200, { present: await service.present(user, parseModelId(modelId), hashes) } satisfies MlQueryResponse);
    }),
  ];
};
