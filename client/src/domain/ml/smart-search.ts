/**
 * Search over the catalog: with a CLIP pack, the query's text embedding ranks photos by their
 * image embeddings (models' int8 WASM SIMD vector index); without one, the query matches file
 * names and camera. Either way the metadata filters (favourite, photo/video, date range, camera,
 * person) narrow the results, and the result says which mode ran. People whose name matches the
 * query are offered beside the results; with a person filter and no query, the results are that
 * person's photos, newest first. Typed places ("Leuven", "Belgium"), dates ("June 2019") and a
 * person's name ("Eileen") are read out of the query first (places/query-terms.ts) and filter
 * like the metadata filters; only the rest goes to CLIP or the name match.
 *
 *   const search = createSmartSearch({ assets: () => listAssets(doc), encodeText: null });
 *   const { hits, mode, notice } = await search.run('beach', { favorite: true });
 */
import { createVectorIndex, type VectorIndex } from '../../../../models/src/search/vector-index.js';
import type { CatalogAsset } from '../../../../protocol/src/index.js';
import { matchesDate, matchesPlaces, parseQuery, type QueryTerms } from '../places/query-terms.js';
import type { Place } from '../places/reverse-geocoder.js';

export const SearchMode = { smart: 'smart', metadata: 'metadata' } as const;
export type SearchMode = (typeof SearchMode)[keyof typeof SearchMode];

export interface SearchFilters {
  readonly favorite?: boolean;
  readonly kind?: 'image' | 'video';
  /** Inclusive `YYYY-MM-DD` bounds on the date taken. */
  readonly from?: string;
  readonly to?: string;
  /** Case-insensitive part of the camera make or model. */
  readonly camera?: string;
  /** A person id (people index): only photos this person is in. */
  readonly person?: string;
}

/** A person offered for a query (their name matches it). */
export interface PersonMatch {
  readonly id: string;
  readonly name: string;
  readonly photos: number;
}

export interface SearchHit {
  readonly asset: CatalogAsset;
  /** Cosine similarity to the query (smart mode), else null. */
  readonly similarity: number | null;
  /** The line of text read in the photo that matched the query ("matched text"), when that is why it is here. */
  readonly matchedText?: string;
}

export interface SearchResult {
  readonly mode: SearchMode;
  readonly hits: readonly SearchHit[];
  /** Something to tell the person (e.g. that smart search needs a CLIP model). */
  readonly notice: string | null;
  readonly ms: number;
  /** People whose name matches the query, to search by person instead. */
  readonly people: readonly PersonMatch[];
}

export interface SmartSearch {
  /** Adds or replaces an asset's CLIP image embedding. */
  addEmbedding(id: string, embedding: Float32Array): void;
  /** Forgets what the filters know of these assets (their user state changed in the catalog). */
  forget(ids: Iterable<string>): void;
  readonly embeddings: number;
  run(query: string, filters?: SearchFilters, limit?: number): Promise<SearchResult>;
}

export interface SmartSearchDeps {
  /** The searchable assets (not trashed, not archived). */
  readonly assets: () => readonly CatalogAsset[];
  readonly get: (id: string) => CatalogAsset | undefined;
  /** The CLIP text encoder, or null without a CLIP pack. */
  readonly encodeText: (() => ((text: string) => Promise<Float32Array>) | null);
  /** The photos a person is in (following merges); undefined for an unknown person. */
  readonly personAssets?: (id: string) => ReadonlySet<string> | undefined;
  /** Named people matching a query. */
  readonly peopleNamed?: (text: string) => readonly PersonMatch[];
  /** The one person a phrase names (their full or first name), to filter by. */
  readonly personNamed?: (phrase: string) => PersonMatch | undefined;
  /** Brings what the search reads up to date (the places of new photos) before each query. */
  readonly ready?: () => Promise<void>;
  /** The place of an asset with GPS (places/places-index.ts); undefined when unknown or none. */
  readonly placeOf?: (id: string) => Place | undefined;
  /** Normalized names of every place the library has photos in. */
  readonly placeNames?: () => ReadonlySet<string>;
  /** Photos whose text (OCR) holds the query's words, with the line that matched. */
  readonly textMatches?: (query: string) => ReadonlyMap<string, string>;
}

export const NO_CLIP_NOTICE = 'Smart search needs a CLIP model: ask the server owner to install one (npm run models -- install). Searching file names, cameras and text in photos instead.';

export const matchesFilters = (asset: CatalogAsset, filters: SearchFilters): boolean => {
  if (asset.trashedAt !== null || asset.archived) return false;
  if (filters.favorite === true && !asset.favorite) return false;
  if (filters.kind !== undefined && asset.kind !== filters.kind) return false;
  const day = asset.takenAt.slice(0, 10);
  if (filters.from && day < filters.from) return false;
  if (filters.to && day > filters.to) return false;
  if (filters.camera) {
    const camera = `${asset.make ?? ''} ${asset.model ?? ''}`.toLowerCase();
    if (!camera.includes(filters.camera.toLowerCase())) return false;
  }
  return true;
};

/** What the filters read of an asset, kept per asset between searches (reading the catalog costs ≈ 35 µs an asset). */
interface FilterFacts {
  readonly hidden: boolean;
  readonly favorite: boolean;
  readonly kind: CatalogAsset['kind'];
  readonly day: string;
  readonly taken: string;
  readonly camera: string;
}

const factsFor = (asset: CatalogAsset): FilterFacts => ({
  hidden: asset.trashedAt !== null || asset.archived,
  favorite: asset.favorite,
  kind: asset.kind,
  day: asset.takenAt.slice(0, 10),
  taken: asset.takenAt,
  camera: `${asset.make ?? ''} ${asset.model ?? ''}`.toLowerCase(),
});

const matchesFacts = (f: FilterFacts, filters: SearchFilters, camera: string): boolean =>
  !f.hidden &&
  (filters.favorite !== true || f.favorite) &&
  (filters.kind === undefined || f.kind === filters.kind) &&
  (!filters.from || f.day >= filters.from) &&
  (!filters.to || f.day <= filters.to) &&
  (camera === '' || f.camera.includes(camera));

const matchesText = (asset: CatalogAsset, words: readonly string[]): boolean => {
  const haystack = `${asset.name} ${asset.make ?? ''} ${asset.model ?? ''} ${asset.description} ${asset.tags.join(' ')}`.toLowerCase();
  return words.every((w) => haystack.includes(w));
};

export const createSmartSearch = (deps: SmartSearchDeps): SmartSearch => {
  let index: VectorIndex | null = null;
  const known = new Map<string, FilterFacts>();
  const factsOf = (id: string): FilterFacts | null => {
    let facts = known.get(id);
    if (facts === undefined) {
      const asset = deps.get(id);
      if (asset === undefined) return null;
      known.set(id, (facts = factsFor(asset)));
    }
    return facts;
  };
  return {
    addEmbedding(id, embedding) {
      if (index === null || index.dimensions !== embedding.length) index = createVectorIndex(embedding.length);
      index.add(id, embedding);
      // Read the filter facts now, as results trickle in, rather than all at the first search.
      factsOf(id);
    },
    forget(ids) {
      for (const id of ids) known.delete(id);
    },
    get embeddings() {
      return index?.size ?? 0;
    },
    async run(query, filters = {}, limit = 200) {
      const started = performance.now();
      await deps.ready?.();
      const encode = deps.encodeText();
      const terms: QueryTerms<PersonMatch> = parseQuery(query, {
        placeNames: deps.placeNames?.() ?? new Set<string>(),
        ...(filters.person === undefined && deps.personNamed !== undefined ? { personNamed: deps.personNamed } : {}),
      });
      const text = terms.text.trim();
      const people = terms.person !== null ? [terms.person] : text === '' ? [] : (deps.peopleNamed?.(text) ?? []);
      const personId = filters.person ?? terms.person?.id;
      const inPerson = personId === undefined ? null : (deps.personAssets?.(personId) ?? new Set<string>());
      const camera = filters.camera?.toLowerCase() ?? '';
      const inTerms = (id: string, takenAt: string): boolean =>
        (terms.date === null || matchesDate(takenAt, terms.date)) && (terms.places.length === 0 || matchesPlaces(deps.placeOf?.(id), terms.places));
      const keep = (asset: CatalogAsset): boolean => matchesFilters(asset, filters) && (inPerson === null || inPerson.has(asset.id)) && inTerms(asset.id, asset.takenAt);
      const inText = text === '' ? new Map<string, string>() : (deps.textMatches?.(text) ?? new Map<string, string>());
      // Photos showing the query's words come first, newest first, in either mode: a precise reason beats similarity.
      const textHits: SearchHit[] = [...inText]
        .flatMap(([id, line]) => {
          const asset = deps.get(id);
          return asset !== undefined && keep(asset) ? [{ asset, similarity: null, matchedText: line }] : [];
        })
        .sort((a, b) => (a.asset.takenAt < b.asset.takenAt ? 1 : a.asset.takenAt > b.asset.takenAt ? -1 : 0));
      if (encode !== null && index !== null && text !== '') {
        const embedding = await encode(text);
        const hits = index
          .search(embedding, {
            k: limit,
            filter: (id) => {
              if (inPerson !== null && !inPerson.has(id)) return false;
              const facts = factsOf(id);
              return facts !== null && matchesFacts(facts, filters, camera) && inTerms(id, facts.taken);
            },
          })
          .filter((hit) => !inText.has(hit.id))
          .map((hit) => ({ asset: deps.get(hit.id) as CatalogAsset, similarity: hit.similarity }));
        return { mode: SearchMode.smart, hits: [...textHits, ...hits].slice(0, limit), notice: null, ms: performance.now() - started, people };
      }
      const words = text.toLowerCase().split(/\s+/).filter(Boolean);
      const candidates = inPerson === null ? deps.assets() : [...inPerson].flatMap((id) => deps.get(id) ?? []);
      const hits = candidates
        .filter((a) => !inText.has(a.id) && keep(a) && matchesText(a, words))
        .sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0))
        .map((asset): SearchHit => ({ asset, similarity: null }));
      const all = [...textHits, ...hits].slice(0, limit);
      const notice = encode === null && text !== '' ? NO_CLIP_NOTICE : index === null && encode !== null && text !== '' ? 'Smart search is ready once photos are indexed; matching names meanwhile.' : null;
      return { mode: SearchMode.metadata, hits: all, notice, ms: performance.now() - started, people };
    },
  };
};
