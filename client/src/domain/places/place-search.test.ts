/**
 * Search by place and date over a real catalog: photos at the GPS positions of real geotagged
 * files (read by ExifTool) and at Leuven, placed by the real geocoder through the places index,
 * found by typing a city, a region, a country, a year, a month and a person's name.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { factsOf } from '../../../../protocol/src/catalog-builders.js';
import { addAssets, getAsset, listAssets, type AssetId } from '../../../../protocol/src/index.js';
import { createSmartSearch, type SmartSearch } from '../ml/smart-search.js';
import { resolvePlaces } from './place-batch.js';
import { createPlacesIndex, type PlacesIndex } from './places-index.js';
import { createReverseGeocoder, type ReverseGeocoder } from './reverse-geocoder.js';

const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const gpsOf = (file: string): { latitude: number; longitude: number } => {
  const [row] = JSON.parse(execFileSync('exiftool', ['-json', '-n', '-GPSLatitude', '-GPSLongitude', file], { cwd: DATA, encoding: 'utf8' })) as { GPSLatitude: number; GPSLongitude: number }[];
  return { latitude: row!.GPSLatitude, longitude: row!.GPSLongitude };
};

describe('search by place and date', () => {
  let geocoder: ReverseGeocoder;
  let doc: Y.Doc;
  let ids: AssetId[];
  let places: PlacesIndex;
  let search: SmartSearch;
  let lookups: number;
  beforeAll(() => {
    geocoder = createReverseGeocoder(readFileSync(fileURLToPath(new URL('./geodata/cities.tsv', import.meta.url)), 'utf8'));
    doc = new Y.Doc();
    ids = addAssets(doc, [
      factsOf(1, { name: 'leuven-2019.jpg', takenAt: '2019-06-12T10:00:00', latitude: 50.87153, longitude: 4.69698 }),
      factsOf(2, { name: 'leuven-2021.jpg', takenAt: '2021-12-24T18:00:00', latitude: 50.8796, longitude: 4.7009 }),
      factsOf(3, { name: 'Apple.jpg', takenAt: '2019-06-20T09:00:00', ...gpsOf('exiftool-images/Apple.jpg') }),
      factsOf(4, { name: 'gps-datetime.jpg', takenAt: '2019-01-05T12:00:00', ...gpsOf('immich-test-assets/metadata/dates/gps-datetime.jpg') }),
      factsOf(5, { name: 'no-gps.jpg', takenAt: '2019-06-12T11:00:00' }),
    ]);
    lookups = 0;
    places = createPlacesIndex(async (latLon) => {
      lookups += latLon.length / 2;
      return resolvePlaces(geocoder, latLon);
    });
    const eileen = { id: 'p-eileen', name: 'Eileen', photos: 2 };
    search = createSmartSearch({
      assets: () => listAssets(doc),
      get: (id) => getAsset(doc, id as AssetId),
      encodeText: () => null,
      ready: async () => void (await places.update(listAssets(doc))),
      placeOf: (id) => places.placeOf(id),
      placeNames: () => places.names(),
      personNamed: (phrase) => (phrase === 'eileen' ? eileen : undefined),
      personAssets: (id) => (id === eileen.id ? new Set([ids[1]!, ids[2]!]) : undefined),
    });
  });

  const names = async (query: string, filters = {}): Promise<string[]> => (await search.run(query, filters)).hits.map((h) => h.asset.name);

  it('finds photos by city, region and country', async () => {
    expect(await names('Leuven')).toEqual(['leuven-2021.jpg', 'leuven-2019.jpg']);
    expect(await names('flanders')).toEqual(['leuven-2021.jpg', 'leuven-2019.jpg']);
    expect(await names('Belgium')).toEqual(['leuven-2021.jpg', 'leuven-2019.jpg']);
    expect(await names('Sheffield')).toEqual(['Apple.jpg']);
    expect(await names('United States of America')).toEqual(['gps-datetime.jpg']);
    expect(await names('San Francisco California')).toEqual(['gps-datetime.jpg']);
    expect(places.placeOf(ids[4]!)).toBeUndefined();
  });

  it('finds photos by year and month, alone or with a place', async () => {
    expect(await names('2019')).toEqual(['Apple.jpg', 'no-gps.jpg', 'leuven-2019.jpg', 'gps-datetime.jpg']);
    expect(await names('June 2019')).toEqual(['Apple.jpg', 'no-gps.jpg', 'leuven-2019.jpg']);
    expect(await names('Leuven 2019')).toEqual(['leuven-2019.jpg']);
    expect(await names('winter Belgium')).toEqual(['leuven-2021.jpg']);
    expect(await names('Leuven 2020')).toEqual([]);
  });

  it('combines a person, a place, a year and the filters', async () => {
    expect(await names('Eileen Leuven 2021')).toEqual(['leuven-2021.jpg']);
    expect(await names('Eileen 2019')).toEqual(['Apple.jpg']);
    expect(await names('Eileen Leuven 2019')).toEqual([]);
    expect(await names('Belgium', { from: '2020-01-01' })).toEqual(['leuven-2021.jpg']);
    // Words that are no place, date or person still match file names.
    expect(await names('Leuven apple')).toEqual([]);
    expect(await names('Sheffield apple')).toEqual(['Apple.jpg']);
  });

  it('looks up each position once, and again when it moves', async () => {
    expect(lookups).toBe(4);
    await places.update([{ id: ids[0]!, latitude: 40.4, longitude: -3.71 }, ...listAssets(doc).slice(1)]);
    expect(lookups).toBe(5);
    expect(places.placeOf(ids[0]!)?.city).toBe('Madrid');
  });
});
