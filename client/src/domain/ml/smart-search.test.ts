import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { factsOf } from '../../../../protocol/src/catalog-builders.js';
import { addAssets, getAsset, listAssets, setFavorite, type AssetId } from '../../../../protocol/src/index.js';
import { createSmartSearch, NO_CLIP_NOTICE, SearchMode } from './smart-search.js';

const unit = (values: number[]): Float32Array => {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

const catalog = () => {
  const doc = new Y.Doc();
  const ids = addAssets(doc, [
    factsOf(1, { name: 'beach.jpg', takenAt: '2019-07-01T10:00:00', make: 'FUJIFILM', model: 'X100V' }),
    factsOf(2, { name: 'dog.jpg', takenAt: '2021-03-02T10:00:00', make: 'SONY', model: 'A7' }),
    factsOf(3, { name: 'cake.jpg', takenAt: '2022-05-03T10:00:00', make: 'SONY', model: 'A7' }),
    factsOf(4, { name: 'clip.mp4', kind: 'video', mime: 'video/mp4', takenAt: '2023-01-01T10:00:00', duration: 3 }),
  ]);
  return { doc, ids };
};

describe('smart search', () => {
  it('without a CLIP pack matches names and says smart search needs a CLIP model', async () => {
    const { doc } = catalog();
    const search = createSmartSearch({ assets: () => listAssets(doc), get: (id) => getAsset(doc, id as AssetId), encodeText: () => null });
    const result = await search.run('DOG');
    expect(result.mode).toBe(SearchMode.metadata);
    expect(result.notice).toBe(NO_CLIP_NOTICE);
    expect(result.hits.map((h) => h.asset.name)).toEqual(['dog.jpg']);
    expect((await search.run('sony')).hits.map((h) => h.asset.name)).toEqual(['cake.jpg', 'dog.jpg']);
    expect((await search.run('', { kind: 'video' })).hits.map((h) => h.asset.name)).toEqual(['clip.mp4']);
    expect((await search.run('', {})).notice).toBeNull();
  });

  it('with a text encoder ranks by embedding similarity and the filters narrow the ranked hits', async () => {
    const { doc, ids } = catalog();
    const queries: string[] = [];
    // Four orthogonal-ish directions; the query points mostly at asset 2, then 3, then 1.
    const search = createSmartSearch({
      assets: () => listAssets(doc),
      get: (id) => getAsset(doc, id as AssetId),
      encodeText: () => async (text) => {
        queries.push(text);
        return unit([0.2, 0.9, 0.4, 0, 0, 0, 0, 0]);
      },
    });
    ids.forEach((id, i) => search.addEmbedding(id, unit(Array.from({ length: 8 }, (_, k) => (k === i ? 1 : 0.01)))));
    expect(search.embeddings).toBe(4);
    const all = await search.run('a dog');
    expect(queries).toEqual(['a dog']);
    expect(all.mode).toBe(SearchMode.smart);
    expect(all.hits.map((h) => h.asset.name)).toEqual(['dog.jpg', 'cake.jpg', 'beach.jpg', 'clip.mp4']);
    expect(all.hits.every((h, i) => i === 0 || (h.similarity as number) <= (all.hits[i - 1]!.similarity as number))).toBe(true);

    setFavorite(doc, ids[2]!, true);
    setFavorite(doc, ids[0]!, true);
    expect((await search.run('a dog', { favorite: true })).hits.map((h) => h.asset.name)).toEqual(['cake.jpg', 'beach.jpg']);
    expect((await search.run('a dog', { from: '2020-01-01', to: '2022-12-31' })).hits.map((h) => h.asset.name)).toEqual(['dog.jpg', 'cake.jpg']);
    expect((await search.run('a dog', { camera: 'fuji' })).hits.map((h) => h.asset.name)).toEqual(['beach.jpg']);
    expect((await search.run('a dog', { kind: 'image', camera: 'canon' })).hits).toEqual([]);
  });
});
