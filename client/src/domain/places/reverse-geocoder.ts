/**
 * Offline reverse geocoding as Immich does it on its server: the nearest GeoNames city within
 * 25 km names the city and its first-level region; the country is named from the city's country
 * code, or, with no city near, from the country borders the point lies in (country-coder).
 * The cities come from `geodata/cities.tsv` (built by scripts/build-geodata.ts) in a static
 * kd-tree (kdbush) searched by great-circle distance (geokdbush). ADR 0060.
 *
 *   const geocoder = createReverseGeocoder(citiesTsv);
 *   geocoder.lookup(50.8715, 4.6970); // { city: 'Leuven', region: 'Flanders', country: 'Belgium', countryCode: 'BE' }
 */
import { feature } from '@rapideditor/country-coder';
import { around } from 'geokdbush';
import KDBush from 'kdbush';

export interface Place {
  readonly city: string | null;
  readonly region: string | null;
  readonly country: string | null;
  /** ISO 3166-1 alpha-2, e.g. `BE`. */
  readonly countryCode: string | null;
}

export interface ReverseGeocoder {
  /** The place at a position, or null where none is known (open sea, no GPS, or out of range). */
  lookup(latitude: number, longitude: number): Place | null;
  readonly cities: number;
  /** Bytes held by the spatial index and the per-city tables (names excluded). */
  readonly indexBytes: number;
}

/** Immich's radius: a city further than this does not name a photo. */
export const MAX_CITY_KM = 25;

/** Whether a position is a usable GPS fix (0, 0 is what cameras write when they have none). */
export const isGpsFix = (latitude: number | null, longitude: number | null): latitude is number =>
  latitude !== null && longitude !== null && Number.isFinite(latitude) && Number.isFinite(longitude) &&
  Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 && !(latitude === 0 && longitude === 0);

interface Region {
  readonly countryCode: string;
  readonly name: string | null;
}

interface CityTable {
  readonly names: string[];
  readonly region: Uint16Array;
  readonly regions: Region[];
  readonly index: KDBush;
}

export class GeodataFormatError extends Error {
  constructor(readonly line: number, message: string) {
    super(`cities.tsv line ${line}: ${message}`);
    this.name = 'GeodataFormatError';
  }
}

const parseCities = (text: string): CityTable => {
  const lines = text.split('\n');
  const names: string[] = [];
  const regionOf: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const regions: Region[] = [];
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    if (line.startsWith('@')) {
      const code = fields[0]!.slice(1);
      regions.push({ countryCode: code.slice(0, 2), name: fields[1] ? fields[1] : null });
      return;
    }
    const [name, la, lo] = fields;
    const y = Number(la) / 1e4;
    const x = Number(lo) / 1e4;
    if (regions.length === 0 || !name || !(Math.abs(y) <= 90) || !(Math.abs(x) <= 180)) throw new GeodataFormatError(i + 1, `bad city record ${JSON.stringify(line)}`);
    names.push(name);
    regionOf.push(regions.length - 1);
    lat.push(y);
    lon.push(x);
  });
  // Float32 keeps positions to ≈ 1 m at these magnitudes and halves the index.
  const index = new KDBush(names.length, 64, Float32Array);
  for (let i = 0; i < names.length; i++) index.add(lon[i]!, lat[i]!);
  index.finish();
  return { names, region: Uint16Array.from(regionOf), regions, index };
};

const countryNames = new Map<string, string | null>();
const countryName = (code: string): string | null => {
  let name = countryNames.get(code);
  if (name === undefined) countryNames.set(code, (name = feature(code)?.properties.nameEn ?? null));
  return name;
};

export const createReverseGeocoder = (citiesTsv: string, options: { maxKm?: number } = {}): ReverseGeocoder => {
  const table = parseCities(citiesTsv);
  const maxKm = options.maxKm ?? MAX_CITY_KM;
  return {
    lookup(latitude, longitude) {
      if (!isGpsFix(latitude, longitude)) return null;
      const [nearest] = around(table.index, longitude, latitude, 1, maxKm);
      if (nearest !== undefined) {
        const region = table.regions[table.region[nearest]!]!;
        return { city: table.names[nearest]!, region: region.name, country: countryName(region.countryCode), countryCode: region.countryCode };
      }
      // Territories (Greenland, Puerto Rico) by their own name, as GeoNames codes their cities.
      const country = feature([longitude, latitude], { level: 'territory', withProp: 'iso1A2' });
      const code = country?.properties.iso1A2;
      return code === undefined ? null : { city: null, region: null, country: country!.properties.nameEn, countryCode: code };
    },
    cities: table.names.length,
    indexBytes: table.index.data.byteLength + table.region.byteLength,
  };
};
