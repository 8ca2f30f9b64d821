/**
 * The page's one places worker, started on first use (its chunk carries the GeoNames data, ADR
 * 0060) and shared by search and the viewer.
 *
 *   const batch = await resolvePlacesInWorker(Float64Array.of(50.87, 4.70));
 *   const place = await placeAt(50.87, 4.70); // { city: 'Leuven', … } or null
 */
import { transfer, wrap, type Remote } from 'comlink';
import type { PlacesWorkerApi } from '../../workers/places.worker.js';
import type { PlaceBatch } from './place-batch.js';
import { isGpsFix, type Place } from './reverse-geocoder.js';

let remote: Remote<PlacesWorkerApi> | null = null;

const api = (): Remote<PlacesWorkerApi> =>
  (remote ??= wrap<PlacesWorkerApi>(new Worker(new URL('../../workers/places.worker.ts', import.meta.url), { type: 'module', name: 'places' })));

export const resolvePlacesInWorker = (latLon: Float64Array): Promise<PlaceBatch> => api().resolve(transfer(latLon, [latLon.buffer]));

export const placeAt = async (latitude: number | null, longitude: number | null): Promise<Place | null> => {
  if (!isGpsFix(latitude, longitude)) return null;
  const batch = await resolvePlacesInWorker(Float64Array.of(latitude, longitude as number));
  const at = batch.index[0]!;
  return at < 0 ? null : (batch.places[at] ?? null);
};
