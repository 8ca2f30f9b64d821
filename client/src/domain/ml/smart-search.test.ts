import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { factsOf } from '../../../../protocol/src/catalog-builders.js';
import { addAssets, getAsset, listAssets, observeAssets, setFavorite, type AssetId } from '../../../../protocol/src/index.js';
import { createSmartSearch, NO_CLIP_NOTICE, SearchMode } from './smart-search.js';
import { createTextIndex } from './text-index.js';

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
    // As in the ML session: user-state changes make the search forget what its filters read.
    observeAssets(doc, (changed) => search.forget(changed));
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

  it('offers people whose name matches, and a person filter combines with the other filters in both modes', async () => {
    const { doc, ids } = catalog();
    setFavorite(doc, ids[2]!, true);
    const penny = new Set([ids[0]!, ids[2]!, ids[3]!]);
    const named = (text: string) => ('penny'.includes(text.toLowerCase()) ? [{ id: 'p1', name: 'Penny', photos: penny.size }] : []);
    const personAssets = (id: string) => (id === 'p1' ? penny : undefined);
    const plain = createSmartSearch({ assets: () => listAssets(doc), get: (id) => getAsset(doc, id as AssetId), encodeText: () => null, personAssets, peopleNamed: named });
    const offered = await plain.run('Pen');
    expect(offered.people).toEqual([{ id: 'p1', name: 'Penny', photos: 3 }]);
    expect((await plain.run('dog')).people).toEqual([]);
    expect((await plain.run('', { person: 'p1' })).hits.map((h) => h.asset.name)).toEqual(['clip.mp4', 'cake.jpg', 'beach.jpg']);
    expect((await plain.run('', { person: 'p1', kind: 'image', favorite: true })).hits.map((h) => h.asset.name)).toEqual(['cake.jpg']);
    expect((await plain.run('sony', { person: 'p1' })).hits.map((h) => h.asset.name)).toEqual(['cake.jpg']);
    expect((await plain.run('', { person: 'gone' })).hits).toEqual([]);

    const smart = createSmartSearch({ assets: () => listAssets(doc), get: (id) => getAsset(doc, id as AssetId), encodeText: () => async () => unit([1, 1, 1, 1]), personAssets, peopleNamed: named });
    ids.forEach((id, i) => smart.addEmbedding(id, unit([i === 0 ? 1 : 0.1, i === 1 ? 1 : 0.1, i === 2 ? 1 : 0.1, i === 3 ? 1 : 0.1])));
    const ranked = await smart.run('penny at the beach', { person: 'p1', kind: 'image' });
    expect(ranked.mode).toBe(SearchMode.smart);
    expect(ranked.hits.map((h) => h.asset.name).sort()).toEqual(['beach.jpg', 'cake.jpg']);
  });

  it('finds photos by text read in them (partial words), first, explained by the matched line, in both modes and under filters', async () => {
    const { doc, ids } = catalog();
    const texts = createTextIndex();
    const line = (text: string) => ({ text, score: 0.9, box: new Float32Array(8) });
    texts.add(ids[0]!, [line('MAIN STAY'), line('achbrewing')]);
    texts.add(ids[2]!, [line('Happy Birthday Sony')]);
    const base = { assets: () => listAssets(doc), get: (id: string) => getAsset(doc, id as AssetId), textMatches: (q: string) => texts.match(q) };
    const plain = createSmartSearch({ ...base, encodeText: () => null });
    const brew = await plain.run('brew');
    expect(brew.hits.map((h) => [h.asset.name, h.matchedText])).toEqual([['beach.jpg', 'achbrewing']]);
    // Text hits come before metadata hits, and one asset is listed once.
    expect((await plain.run('sony')).hits.map((h) => [h.asset.name, h.matchedText])).toEqual([['cake.jpg', 'Happy Birthday Sony'], ['dog.jpg', undefined]]);
    expect((await plain.run('brew', { favorite: true })).hits).toEqual([]);
    setFavorite(doc, ids[0]!, true);
    expect((await plain.run('main st', { favorite: true })).hits.map((h) => h.matchedText)).toEqual(['MAIN STAY']);

    const smart = createSmartSearch({ ...base, encodeText: () => async () => unit([1, 1, 1, 1]) });
    ids.forEach((id, i) => smart.addEmbedding(id, unit([i === 0 ? 1 : 0.1, i === 1 ? 1 : 0.1, i === 2 ? 1 : 0.1, i === 3 ? 1 : 0.1])));
    const ranked = await smart.run('birthday');
    expect(ranked.hits[0]).toMatchObject({ asset: { name: 'cake.jpg' }, matchedText: 'Happy Birthday Sony' });
    expect(ranked.hits.map((h) => h.asset.name).sort()).toEqual(['beach.jpg', 'cake.jpg', 'clip.mp4', 'dog.jpg']);
  });
});
