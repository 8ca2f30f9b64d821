/**
 * Places worker: reverse geocoding off the main thread. The GeoNames data is part of this
 * worker's chunk (`?raw`), so it loads with the worker, never with the page (ADR 0060).
 * Exposed with comlink.
 *
 *   const api = wrap<PlacesWorkerApi>(new Worker(new URL('./places.worker.ts', import.meta.url), { type: 'module' }));
 *   const { places, index } = await api.resolve(Float64Array.of(50.87, 4.70));
 */
import { expose, transfer } from 'comlink';
import citiesTsv from '../domain/places/geodata/cities.tsv?raw';
import { resolvePlaces, type PlaceBatch } from '../domain/places/place-batch.js';
import { createReverseGeocoder, type ReverseGeocoder } from '../domain/places/reverse-geocoder.js';

let geocoder: ReverseGeocoder | null = null;

const api = {
  /** Latitude, longitude pairs to places (see place-batch.ts). */
  resolve(latLon: Float64Array): PlaceBatch {
    geocoder ??= createReverseGeocoder(citiesTsv);
    const batch = resolvePlaces(geocoder, latLon);
    return transfer(batch, [batch.index.buffer]);
  },
};

export type PlacesWorkerApi = typeof api;

expose(api);
