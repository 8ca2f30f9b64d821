/**
 * The app's addresses: a pure parse and format of every view's URL, so Back, Forward,
 * reload and a copied link all land on the same view. The viewer sits over any view as a
 * `/photos/<asset id>` suffix. Unknown paths parse to `notFound` (never throw).
 *
 *   const route = parseRoute(location.pathname, location.search)   // { view: 'album', id: 'a1', photo: null }
 *   history.pushState(null, '', formatRoute({ ...route, photo: assetId }))   // '/albums/a1/photos/<id>'
 */
import type { AssetId } from '../../../protocol/src/index.js';
import type { SearchFilters } from '../domain/ml/smart-search.js';

export const RouteView = {
  timeline: 'timeline',
  favorites: 'favorites',
  trash: 'trash',
  recent: 'recent',
  archive: 'archive',
  albums: 'albums',
  album: 'album',
  people: 'people',
  person: 'person',
  search: 'search',
  adminJobs: 'adminJobs',
  adminUsers: 'adminUsers',
  account: 'account',
  notFound: 'notFound',
} as const;
export type RouteView = (typeof RouteView)[keyof typeof RouteView];

interface RouteBase {
  /** The asset open in the viewer over this view, or null. */
  readonly photo: AssetId | null;
}

export type Route = RouteBase &
  (
    | { readonly view: 'timeline'; /** `YYYY-MM-DD`: the day scrolled to the top. */ readonly at: string | null }
    | { readonly view: 'favorites' | 'trash' | 'recent' | 'archive' | 'albums' | 'people' | 'adminJobs' | 'adminUsers' | 'account' }
    | { readonly view: 'album' | 'person'; readonly id: string }
    | { readonly view: 'search'; readonly q: string; readonly filters: SearchFilters }
    | { readonly view: 'notFound'; readonly path: string }
  );

/** Longest id or query the router accepts from an address (anything longer is `notFound`). */
export const MAX_SEGMENT = 512;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const KINDS = new Set(['image', 'video']);

export const timelineRoute = (at: string | null = null): Route => ({ view: RouteView.timeline, at, photo: null });

const decode = (segment: string): string | null => {
  try {
    const value = decodeURIComponent(segment);
    return value.length > 0 && value.length <= MAX_SEGMENT && !value.includes('/') ? value : null;
  } catch {
    return null;
  }
};

const parseFilters = (query: URLSearchParams): SearchFilters => {
  const day = (key: string) => {
    const value = query.get(key);
    return value !== null && DAY.test(value) ? value : undefined;
  };
  const text = (key: string) => {
    const value = query.get(key);
    return value !== null && value.length > 0 && value.length <= MAX_SEGMENT ? value : undefined;
  };
  const kind = query.get('kind');
  const filters: { -readonly [K in keyof SearchFilters]: SearchFilters[K] } = {};
  if (query.get('favorite') === '1') filters.favorite = true;
  if (kind !== null && KINDS.has(kind)) filters.kind = kind as 'image' | 'video';
  const from = day('from');
  if (from) filters.from = from;
  const to = day('to');
  if (to) filters.to = to;
  const camera = text('camera');
  if (camera) filters.camera = camera;
  const person = text('person');
  if (person) filters.person = person;
  return filters;
};

/** Parses `location.pathname` and `location.search`; anything unknown is `notFound`. */
export const parseRoute = (pathname: string, search = ''): Route => {
  const query = new URLSearchParams(search);
  const raw = pathname.split('/').filter((s) => s.length > 0);
  const parts = raw.map(decode);
  const notFound: Route = { view: RouteView.notFound, path: pathname.slice(0, MAX_SEGMENT), photo: null };
  if (parts.some((p) => p === null)) return notFound;
  const segments = parts as string[];
  // The viewer suffix: …/photos/<id>, over any view (the timeline when it is the whole path).
  let photo: AssetId | null = null;
  if (segments.length >= 2 && segments[segments.length - 2] === 'photos') {
    photo = segments[segments.length - 1] as AssetId;
    segments.length -= 2;
  }
  const [head, id, ...rest] = segments;
  if (rest.length > 0) return notFound;
  switch (head) {
    case undefined: {
      const at = query.get('at');
      return { view: RouteView.timeline, at: at !== null && DAY.test(at) ? at : null, photo };
    }
    case 'favorites':
    case 'trash':
    case 'recent':
    case 'archive':
    case 'albums':
    case 'people':
      if (id === undefined) return { view: head, photo };
      if (head === 'albums') return { view: RouteView.album, id, photo };
      if (head === 'people') return { view: RouteView.person, id, photo };
      return notFound;
    case 'search':
      return id === undefined ? { view: RouteView.search, q: (query.get('q') ?? '').slice(0, MAX_SEGMENT), filters: parseFilters(query), photo } : notFound;
    case 'admin':
      if (photo !== null) return notFound;
      return id === 'jobs' ? { view: RouteView.adminJobs, photo } : id === 'users' ? { view: RouteView.adminUsers, photo } : notFound;
    case 'account':
      return id === undefined && photo === null ? { view: RouteView.account, photo } : notFound;
    default:
      return notFound;
  }
};

const searchOf = (route: Route): string => {
  const query = new URLSearchParams();
  if (route.view === RouteView.timeline && route.at !== null && route.photo === null) query.set('at', route.at);
  if (route.view === RouteView.search) {
    query.set('q', route.q);
    const f = route.filters;
    if (f.favorite) query.set('favorite', '1');
    if (f.kind) query.set('kind', f.kind);
    if (f.from) query.set('from', f.from);
    if (f.to) query.set('to', f.to);
    if (f.camera) query.set('camera', f.camera);
    if (f.person) query.set('person', f.person);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
};

/** The address of a route (path and query); `parseRoute` reads it back to an equal route. */
export const formatRoute = (route: Route): string => {
  const e = encodeURIComponent;
  let path: string;
  switch (route.view) {
    case RouteView.timeline:
      path = '';
      break;
    case RouteView.favorites:
    case RouteView.trash:
    case RouteView.recent:
    case RouteView.archive:
    case RouteView.albums:
    case RouteView.people:
      path = `/${route.view}`;
      break;
    case RouteView.album:
      path = `/albums/${e(route.id)}`;
      break;
    case RouteView.person:
      path = `/people/${e(route.id)}`;
      break;
    case RouteView.search:
      path = '/search';
      break;
    case RouteView.adminJobs:
      return '/admin/jobs';
    case RouteView.adminUsers:
      return '/admin/users';
    case RouteView.account:
      return '/account';
    case RouteView.notFound:
      return route.path;
  }
  if (route.photo !== null) path += `/photos/${e(route.photo)}`;
  return `${path || '/'}${searchOf(route)}`;
};

/** The same view without the viewer (closing the viewer goes back to it). */
export const withoutPhoto = (route: Route): Route => ({ ...route, photo: null });

/** The section a route belongs to, for the toolbar's current tab. */
export const sectionOf = (route: Route): RouteView => (route.view === RouteView.album ? RouteView.albums : route.view === RouteView.person ? RouteView.people : route.view);
