/**
 * A seeded import path for scale tests and demos: `#generate=<count>[,<seed>]` in the URL fills
 * an *empty* catalog with that many generated assets (realistic dates, cameras, GPS, videos;
 * protocol/src/catalog-builders.ts), written as full facts chunks in batches so IndexedDB and
 * the relay receive updates of a few MB each. It never touches a catalog that has assets.
 *
 *   const request = parseGenerateRequest(location.hash)   // { count: 1000000, seed: 1 } | null
 *   if (request) generateLibrary(doc, request)
 */
import type * as Y from 'yjs';
import { addAssets, factsIndex } from '../../../../protocol/src/index.js';
import { createFactsGenerator } from '../../../../protocol/src/catalog-builders.js';

export interface GenerateRequest {
  readonly count: number;
  readonly seed: number;
}

/** Largest library the hook will generate. */
export const MAX_GENERATED = 2_000_000;
const BATCH = 50_000;

export const parseGenerateRequest = (hash: string): GenerateRequest | null => {
  const m = /(?:^#|&)generate=(\d{1,7})(?:,(\d{1,9}))?/.exec(hash);
  if (!m) return null;
  const count = Number(m[1]);
  if (count < 1 || count > MAX_GENERATED) return null;
  return { count, seed: Number(m[2] ?? 1) };
};

/** Adds `count` generated assets to an empty catalog. Returns how many were added (0 if not empty). */
export const generateLibrary = (doc: Y.Doc, { count, seed }: GenerateRequest): number => {
  if (factsIndex(doc).size > 0) return 0;
  const gen = createFactsGenerator(seed, { assets: count });
  let added = 0;
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - done) }, () => gen.next());
    added += addAssets(doc, batch).length;
  }
  return added;
};
