/**
 * Every asset's place, kept on the device (ADR 0060): positions new since the last update, or
 * moved (an edited place, ExifTool's reading arriving), are resolved in batches by the places
 * worker; assets that lost their GPS lose their place. Updates run one at a time.
 *
 *   const places = createPlacesIndex(resolvePlacesInWorker);
 *   await places.update(listAssets(doc)); places.placeOf(id)?.city; places.names().has('leuven');
 */
import type { CatalogAsset } from '../../../../protocol/src/index.js';
import { MAX_BATCH, type PlaceBatch } from './place-batch.js';
import { placeNames } from './query-terms.js';
import { isGpsFix, type Place } from './reverse-geocoder.js';

export interface PlacesIndex {
  placeOf(id: string): Place | undefined;
  /** Normalized names (city, region, country) of every place an asset is in. */
  names(): ReadonlySet<string>;
  /** Brings the index up to date with these assets; resolves to how many positions were looked up. */
  update(assets: readonly Pick<CatalogAsset, 'id' | 'latitude' | 'longitude'>[]): Promise<number>;
  readonly size: number;
}

interface Entry {
  readonly latitude: number;
  readonly longitude: number;
  readonly place: Place | undefined;
}

export const createPlacesIndex = (resolve: (latLon: Float64Array) => Promise<PlaceBatch>): PlacesIndex => {
  const entries = new Map<string, Entry>();
  let names: Set<string> | null = null;
  let running: Promise<unknown> = Promise.resolve();

  const apply = async (assets: readonly Pick<CatalogAsset, 'id' | 'latitude' | 'longitude'>[]): Promise<number> => {
    const todo: { id: string; latitude: number; longitude: number }[] = [];
    const present = new Set<string>();
    for (const { id, latitude, longitude } of assets) {
      if (!isGpsFix(latitude, longitude)) continue;
      present.add(id);
      const known = entries.get(id);
      if (known === undefined || known.latitude !== latitude || known.longitude !== longitude) todo.push({ id, latitude, longitude: longitude as number });
    }
    for (const id of entries.keys()) if (!present.has(id)) entries.delete(id);
    for (let start = 0; start < todo.length; start += MAX_BATCH) {
      const part = todo.slice(start, start + MAX_BATCH);
      const latLon = new Float64Array(part.length * 2);
      part.forEach((a, i) => {
        latLon[2 * i] = a.latitude;
        latLon[2 * i + 1] = a.longitude;
      });
      const batch = await resolve(latLon);
      part.forEach((a, i) => {
        const at = batch.index[i]!;
        entries.set(a.id, { latitude: a.latitude, longitude: a.longitude, place: at < 0 ? undefined : batch.places[at] });
      });
    }
    names = null;
    return todo.length;
  };

  return {
    placeOf: (id) => entries.get(id)?.place,
    names() {
      if (names === null) {
        names = new Set<string>();
        for (const { place } of entries.values()) if (place !== undefined) for (const name of placeNames(place)) names.add(name);
      }
      return names;
    },
    update(assets) {
      const next = running.then(() => apply(assets));
      running = next.catch(() => undefined);
      return next;
    },
    get size() {
      return entries.size;
    },
  };
};
