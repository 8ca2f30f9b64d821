/**
 * On-device ML for a signed-in library: starts the ML worker when there is something to index,
 * keeps the indexer fed with the catalog's photos, and turns results into people (clustering)
 * and a search index (CLIP). The CLIP pack is the first one the server lists at
 * /models/index.json; without one, indexing is faces only and search is by metadata.
 *
 *   const ml = openMlSession({ doc, user, getToken, localThumb }); ml.onChange(render);
 *   ml.indexer.progress; ml.people.list(); await ml.search.run('dog', { favorite: true }); ml.close();
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import type * as Y from 'yjs';
import { readMlDerivative } from '../../../../models/src/derivatives/ml-derivative.js';
import { getAsset, listAssets, observeAssets, type AssetId, type UserId } from '../../../../protocol/src/index.js';
import type { MlProvider, MlStatus, MlWorkerApi } from '../../ml/ml-api.js';
import { createMlDerivativesClient } from './ml-derivatives-client.js';
import { createMlIndexer, type MlEngine, type MlIndexer } from './ml-indexer.js';
import { openMlStore } from './ml-store.js';
import { createPeopleIndex, type PeopleIndex } from './people-index.js';
import { createSmartSearch, type SmartSearch } from './smart-search.js';

/** localStorage key that forces a provider (`wasm`, `webgpu`, `auto`). */
export const ML_PROVIDER_KEY = 'shoebox.ml.provider';

export interface MlSession {
  readonly indexer: MlIndexer;
  readonly people: PeopleIndex;
  readonly search: SmartSearch;
  /** The worker's status once started (provider, packs), else null. */
  readonly status: MlStatus | null;
  /** The installed CLIP pack's id, once known (null: none installed). */
  readonly clipPack: string | null | undefined;
  onChange(listener: () => void): () => void;
  close(): void;
}

export interface MlSessionOptions {
  readonly doc: Y.Doc;
  readonly user: UserId;
  readonly getToken: () => string | null;
  /** This device's thumbnail of an asset, when it has one. */
  readonly localThumb: (hash: string) => Promise<Blob | null>;
}

type GpuAdapterLike = { isFallbackAdapter?: boolean; info?: { architecture?: string; vendor?: string; description?: string } } | null;

/** WebGPU only on a real GPU: a software adapter (SwiftShader) is far slower than WASM for these models. */
const pickProvider = async (): Promise<MlProvider> => {
  const forced = globalThis.localStorage?.getItem(ML_PROVIDER_KEY);
  if (forced === 'wasm' || forced === 'webgpu' || forced === 'auto') return forced;
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter || adapter.isFallbackAdapter === true) return 'wasm';
  const info = `${adapter.info?.architecture ?? ''} ${adapter.info?.vendor ?? ''} ${adapter.info?.description ?? ''}`.toLowerCase();
  return info.includes('swiftshader') ? 'wasm' : 'webgpu';
};

const installedClipPack = async (): Promise<string | null> => {
  const response = await fetch('/models/index.json').catch(() => null);
  if (!response?.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { packs?: { id?: unknown; kind?: unknown }[] };
  const clip = body.packs?.find((p) => p.kind === 'clip' && typeof p.id === 'string');
  return (clip?.id as string | undefined) ?? null;
};

export const openMlSession = ({ doc, user, getToken, localThumb }: MlSessionOptions): MlSession => {
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  let status: MlStatus | null = null;
  let clipPack: string | null | undefined;
  let worker: Worker | null = null;
  let remote: Remote<MlWorkerApi> | null = null;
  let engine: Promise<MlEngine> | null = null;
  const clipReady = installedClipPack().then((id) => {
    clipPack = id;
    notify();
    return id;
  });

  const startEngine = (): Promise<MlEngine> =>
    (engine ??= (async () => {
      worker = new Worker(new URL('../../ml/ml.worker.ts', import.meta.url), { type: 'module' });
      remote = wrap<MlWorkerApi>(worker);
      const clip = await clipReady;
      status = await remote.init({ provider: await pickProvider(), packsBase: '/models/', ...(clip === null ? {} : { clipPack: clip }) });
      notify();
      const api = remote;
      return { faceModel: status.facePack, clipModel: status.clipPack, analyzeFaces: (image) => api.analyzeFaces(image), encodeImage: (image) => api.encodeImage(image) };
    })());

  const people = createPeopleIndex(doc);
  const search = createSmartSearch({
    assets: () => listAssets(doc),
    get: (id) => getAsset(doc, id as AssetId),
    encodeText: () => (remote !== null && status?.clipPack ? (text: string) => (remote as Remote<MlWorkerApi>).encodeText(text) : null),
  });
  const store = openMlStore(user);
  const indexer = createMlIndexer({
    store,
    remote: createMlDerivativesClient(getToken),
    engine: startEngine,
    loadImage: async (hash, allowLocal) => {
      const token = getToken();
      const response = await fetch(`/api/blobs/${hash}/preview`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => null);
      if (response?.ok && (response.headers.get('content-type') ?? '').startsWith('image/')) return response.blob();
      return allowLocal ? localThumb(hash) : null;
    },
    onResult: (record) => {
      const value = readMlDerivative(record.bytes);
      if (value.kind === 'faces') people.addFaces(value);
      else search.addEmbedding(value.assetHash, value.embedding);
      notify();
    },
  });
  indexer.onChange(notify);

  let timer: ReturnType<typeof setTimeout> | undefined;
  const feed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => indexer.setAssets(listAssets(doc).filter((a) => a.kind === 'image' && a.trashedAt === null).map((a) => a.hash)), 300);
  };
  feed();
  const unobserve = observeAssets(doc, feed);
  // Person names and face assignments arrive by sync outside asset changes.
  const onUpdate = (): void => notify();
  doc.on('update', onUpdate);

  return {
    indexer,
    people,
    search,
    get status() {
      return status;
    },
    get clipPack() {
      return clipPack;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearTimeout(timer);
      unobserve();
      doc.off('update', onUpdate);
      indexer.stop();
      remote?.[releaseProxy]();
      worker?.terminate();
      store.close();
      listeners.clear();
    },
  };
};
