/**
 * Matches a method and path against HttpRoute patterns (`/api/blobs/:hash`), telling a
 * missing path (404) from a known path with the wrong method (405). HEAD falls back to GET.
 *
 *   const router = createRouter(routes)
 *   const match = router.match('GET', '/api/blobs/abc')   // { kind: 'route', route, params }
 */
import type { HttpMethod, HttpRoute } from '../../protocol/src/index.js';

export type RouteMatch =
  | { readonly kind: 'route'; readonly route: HttpRoute; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'wrongMethod'; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'none' };

interface Compiled {
  readonly route: HttpRoute;
  readonly segments: readonly string[];
}

const split = (path: string): string[] => path.split('/').slice(1);

const matchSegments = (pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined => {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = path[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      params[p.slice(1)] = s;
    } else if (p !== s) return undefined;
  }
  return params;
};

export interface Router {
  /** `path` is the raw (still percent-encoded) path; parameters are returned decoded. */
  match(method: HttpMethod, path: string): RouteMatch;
}

export const createRouter = (routes: readonly HttpRoute[]): Router => {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: split(route.pattern) }));
  return {
    match(method, path) {
      const segments = split(path);
      const allow = new Set<HttpMethod>();
      let headFallback: RouteMatch | undefined;
      for (const { route, segments: pattern } of compiled) {
        const raw = matchSegments(pattern, segments);
        if (!raw) continue;
        const params = decodeParams(raw);
        if (!params) continue;
        if (route.method === method) return { kind: 'route', route, params };
        if (method === 'HEAD' && route.method === 'GET') headFallback ??= { kind: 'route', route, params };
        allow.add(route.method);
      }
      if (headFallback) return headFallback;
      return allow.size > 0 ? { kind: 'wrongMethod', allow: [...allow] } : { kind: 'none' };
    },
  };
};

const decodeParams = (raw: Record<string, string>): Record<string, string> | undefined => {
  try {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(raw)) out[k] = decodeURIComponent(v);
    return out;
  } catch {
    return undefined;
  }
};
