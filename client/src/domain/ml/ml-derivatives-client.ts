/**
 * The blob store's "index once" API from a device: which assets already have a model's result
 * (`POST /api/ml/derivatives/query`), download one (`GET /api/blobs/<hash>/derivatives/ml/<model>`),
 * upload one (`PUT`, first write wins). Downloads are decoded with the models codec and must name
 * the asset and model they were asked for.
 *
 *   const remote = createMlDerivativesClient(() => token);
 *   const present = await remote.query('face-api', hashes); const bytes = await remote.get(hash, 'face-api');
 */
import { mlDerivativeName, readMlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';

/** The server's limit per query. */
export const QUERY_MAX_HASHES = 1000;

export const PutOutcome = { created: 'created', existed: 'existed', notUploaded: 'not-uploaded' } as const;
export type PutOutcome = (typeof PutOutcome)[keyof typeof PutOutcome];

export interface MlDerivativesClient {
  /** The hashes (of those given) whose result for `modelId` the server has. */
  query(modelId: string, hashes: readonly string[]): Promise<Set<string>>;
  /** The checked bytes, or null when the server has none. */
  get(hash: string, modelId: string): Promise<Uint8Array | null>;
  put(hash: string, modelId: string, bytes: Uint8Array): Promise<PutOutcome>;
}

export class MlDerivativesError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'MlDerivativesError';
  }
}

export const createMlDerivativesClient = (getToken: () => string | null, fetcher: typeof fetch = (...args) => fetch(...args)): MlDerivativesClient => {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => {
    const token = getToken();
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  };
  const url = (hash: string, modelId: string): string => `/api/blobs/${hash}/derivatives/${mlDerivativeName(modelId)}`;
  const fail = async (response: Response, what: string): Promise<never> => {
    throw new MlDerivativesError(response.status, `${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  };
  return {
    async query(modelId, hashes) {
      const present = new Set<string>();
      for (let i = 0; i < hashes.length; i += QUERY_MAX_HASHES) {
        const response = await fetcher('/api/ml/derivatives/query', { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify({ modelId, hashes: hashes.slice(i, i + QUERY_MAX_HASHES) }) });
        if (!response.ok) await fail(response, 'ML derivative query');
        const body = (await response.json()) as { present?: unknown };
        if (!Array.isArray(body.present)) throw new MlDerivativesError(response.status, 'ML derivative query: no present list');
        for (const hash of body.present) if (typeof hash === 'string') present.add(hash);
      }
      return present;
    },
    async get(hash, modelId) {
      const response = await fetcher(url(hash, modelId), { headers: headers() });
      if (response.status === 404) return null;
      if (!response.ok) await fail(response, `ML derivative ${hash}/${modelId}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const value = readMlDerivative(bytes);
      if (value.assetHash !== hash || value.modelId !== modelId) throw new MlDerivativesError(response.status, `ML derivative ${hash}/${modelId} names ${value.assetHash}/${value.modelId}`);
      return bytes;
    },
    async put(hash, modelId, bytes) {
      const response = await fetcher(url(hash, modelId), { method: 'PUT', headers: headers({ 'content-type': 'application/octet-stream' }), body: bytes as Uint8Array<ArrayBuffer> });
      if (response.status === 404) return PutOutcome.notUploaded;
      if (response.status === 201) return PutOutcome.created;
      if (response.status === 200) return PutOutcome.existed;
      return fail(response, `ML derivative upload ${hash}/${modelId}`);
    },
  };
};
