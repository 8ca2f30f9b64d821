/**
 * Reverse geocoding of real geotagged photos from ../shared/data: ExifTool reads each photo's GPS
 * (the oracle for the position), and the place it resolves to is the one the position is known
 * to be in (checked on a map by hand, recorded below).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distance } from 'geokdbush';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReverseGeocoder, isGpsFix, MAX_CITY_KM, type ReverseGeocoder } from './reverse-geocoder.js';

const DATA = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const CITIES_TSV = fileURLToPath(new URL('./geodata/cities.tsv', import.meta.url));

/** Real photos with GPS, and where they were taken. */
const PHOTOS = [
  { file: 'exiftool-images/Apple.jpg', city: 'Sheffield', region: 'England', country: 'United Kingdom' },
  { file: 'exiftool-images/Google.jpg', city: 'Madrid', region: 'Madrid', country: 'Spain' },
  { file: 'exiftool-images/Ricoh2.jpg', city: 'Almudévar', region: 'Aragon', country: 'Spain' },
  { file: 'exiftool-images/GPS.jpg', region: 'England', country: 'United Kingdom' },
  { file: 'exiftool-images/GoPro.jpg', region: 'New York', country: 'United States of America' },
  { file: 'immich-test-assets/metadata/dates/gps-datetime.jpg', city: 'San Francisco', region: 'California', country: 'United States of America' },
  { file: 'immich-test-assets/metadata/gps-position/thompson-springs.jpg', city: 'Palisade', region: 'Colorado', country: 'United States of America' },
  { file: 'immich-test-assets/formats/heic/IMG_2682.heic', region: 'Nebraska', country: 'United States of America' },
] as const;

interface ExifGps {
  readonly SourceFile: string;
  readonly GPSLatitude: number;
  readonly GPSLongitude: number;
}

const exifGps = (files: readonly string[]): Map<string, ExifGps> => {
  const out = execFileSync('exiftool', ['-json', '-n', '-GPSLatitude', '-GPSLongitude', ...files], { cwd: DATA, encoding: 'utf8' });
  return new Map((JSON.parse(out) as ExifGps[]).map((row) => [row.SourceFile, row]));
};

describe('reverse geocoder', () => {
  let geocoder: ReverseGeocoder;
  let cities: Map<string, [number, number][]>;
  beforeAll(() => {
    const text = readFileSync(CITIES_TSV, 'utf8');
    geocoder = createReverseGeocoder(text);
    cities = new Map();
    for (const line of text.split('\n')) {
      const [name, lat, lon] = line.split('\t');
      if (name === undefined || lat === undefined || lon === undefined || line.startsWith('@')) continue;
      cities.set(name, [...(cities.get(name) ?? []), [Number(lat) / 1e4, Number(lon) / 1e4]]);
    }
  });

  it('names the city, region and country of real geotagged photos (GPS read by ExifTool)', () => {
    const gps = exifGps(PHOTOS.map((p) => p.file));
    for (const photo of PHOTOS) {
      const fix = gps.get(photo.file);
      expect(fix, photo.file).toBeDefined();
      const place = geocoder.lookup(fix!.GPSLatitude, fix!.GPSLongitude);
      expect(place, photo.file).toMatchObject({ region: photo.region, country: photo.country, ...('city' in photo ? { city: photo.city } : {}) });
      // Whatever city is named lies within Immich's 25 km of the photo.
      const near = (cities.get(place!.city!) ?? []).some(([lat, lon]) => distance(fix!.GPSLongitude, fix!.GPSLatitude, lon, lat) <= MAX_CITY_KM);
      expect(near, `${photo.file} → ${place!.city}`).toBe(true);
    }
  });

  it('names the city rather than one of its sections (Leuven, not Heverlee)', () => {
    expect(geocoder.lookup(50.87153, 4.69698)).toEqual({ city: 'Leuven', region: 'Flanders', country: 'Belgium', countryCode: 'BE' });
    expect(geocoder.lookup(48.8566, 2.3522)?.city).toBe('Paris');
  });

  it('names only the country where no city is within 25 km, and nothing at sea', () => {
    expect(geocoder.lookup(72.5, -40)).toEqual({ city: null, region: null, country: 'Greenland', countryCode: 'GL' });
    expect(geocoder.lookup(45, -30)).toBeNull();
    // Leuven's GeoNames point is ≈ 1 km from this photo: a 0.5 km radius names only the country.
    expect(createReverseGeocoder(readFileSync(CITIES_TSV, 'utf8'), { maxKm: 0.5 }).lookup(50.87153, 4.69698)).toEqual({ city: null, region: null, country: 'Belgium', countryCode: 'BE' });
  });

  it('treats 0,0 and out-of-range positions as no GPS', () => {
    expect(geocoder.lookup(0, 0)).toBeNull();
    expect(geocoder.lookup(91, 0)).toBeNull();
    expect(geocoder.lookup(Number.NaN, 4)).toBeNull();
    expect(isGpsFix(50.8, 4.7)).toBe(true);
    expect(isGpsFix(null, 4.7)).toBe(false);
  });

  it('rejects a malformed data file with the line', () => {
    expect(() => createReverseGeocoder('@BE.VLG\tFlanders\nLeuven\tx\t47009\n')).toThrow(/line 2/);
    expect(() => createReverseGeocoder('Leuven\t508796\t47009\n')).toThrow(/line 1/);
  });
});
