/**
 * Positions to places in bulk, in a form that crosses a worker boundary cheaply: the distinct
 * places once, and per position an index into them (-1: no place). A million positions come back
 * as a 4 MB Int32Array and a few thousand small objects rather than a million objects.
 *
 *   const batch = resolvePlaces(geocoder, Float64Array.of(50.87, 4.70, 0, 0));
 *   batch.places[batch.index[0]!]; // { city: 'Leuven', … }; batch.index[1] === -1
 */
import type { Place, ReverseGeocoder } from './reverse-geocoder.js';

export interface PlaceBatch {
  readonly places: Place[];
  readonly index: Int32Array;
}

/** At most this many positions a call (8 MB of input), so one message stays bounded. */
export const MAX_BATCH = 1 << 20;

export const placeKey = (p: Place): string => `${p.countryCode ?? ''}\u0000${p.region ?? ''}\u0000${p.city ?? ''}`;

/** `latLon` holds latitude, longitude pairs. */
export const resolvePlaces = (geocoder: ReverseGeocoder, latLon: Float64Array): PlaceBatch => {
  const count = latLon.length >> 1;
  if (latLon.length % 2 !== 0 || count > MAX_BATCH) throw new RangeError(`expected up to ${MAX_BATCH} latitude, longitude pairs, got ${latLon.length} numbers`);
  const places: Place[] = [];
  const seen = new Map<string, number>();
  const index = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const place = geocoder.lookup(latLon[2 * i]!, latLon[2 * i + 1]!);
    if (place === null) {
      index[i] = -1;
      continue;
    }
    const key = placeKey(place);
    let at = seen.get(key);
    if (at === undefined) {
      seen.set(key, (at = places.length));
      places.push(place);
    }
    index[i] = at;
  }
  return { places, index };
};
