import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAsset, catalogMaps, factsIndex } from '../../../../protocol/src/index.js';
import { factsOf } from '../../../../protocol/src/catalog-builders.js';
import { generateLibrary, parseGenerateRequest } from './generated-library.js';

describe('generated library hook', () => {
  it('parses #generate=<count>[,<seed>] and refuses nonsense', () => {
    expect(parseGenerateRequest('#generate=1000000')).toEqual({ count: 1_000_000, seed: 1 });
    expect(parseGenerateRequest('#x=1&generate=20,7')).toEqual({ count: 20, seed: 7 });
    expect(parseGenerateRequest('#generate=0')).toBeNull();
    expect(parseGenerateRequest('#generate=99999999')).toBeNull();
    expect(parseGenerateRequest('')).toBeNull();
  });

  it('fills an empty catalog deterministically in batches, and never a non-empty one', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    expect(generateLibrary(a, { count: 60_000, seed: 3 })).toBe(60_000);
    generateLibrary(b, { count: 60_000, seed: 3 });
    expect(factsIndex(a).idAt(59_999)).toBe(factsIndex(b).idAt(59_999));
    expect(catalogMaps(a).facts.length).toBeGreaterThan(20);
    const c = new Y.Doc();
    addAsset(c, factsOf(1));
    expect(generateLibrary(c, { count: 10, seed: 1 })).toBe(0);
  });
});
