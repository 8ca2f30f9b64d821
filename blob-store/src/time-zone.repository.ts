/**
 * Time zone of a place, from geo-tz's offline boundary database (the one Immich uses through
 * exiftool-vendored's `geoTz`), and a zone's UTC offset at a given wall-clock time (DST aware).
 *
 *   zoneOf(47.6, -122.3, '2023-07-01T12:00:00')     // { zone: 'America/Los_Angeles', offsetMinutes: -420 }
 *   extractMetadata(tags, sidecar, { zoneOf })
 */
import { find } from 'geo-tz';

/** The IANA zone at a position, or undefined off the map (or for a bad position). */
export const zoneAt = (latitude: number, longitude: number): string | undefined => {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  try {
    return find(latitude, longitude)[0];
  } catch {
    return undefined; // geo-tz throws on positions its grid cannot place
  }
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetAtInstant = (zone: string, utcMs: number): number | undefined => {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, format);
  }
  const name = format.formatToParts(new Date(utcMs)).find((part) => part.type === 'timeZoneName')?.value ?? '';
  if (name === 'GMT') return 0;
  const match = /^GMT([+-])(\d\d):(\d\d)$/.exec(name);
  if (!match) return undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
};

/** UTC offset in minutes of `zone` at the local wall time `local` ('YYYY-MM-DDTHH:MM:SS[.sss]'). */
export const offsetMinutesAt = (zone: string, local: string): number | undefined => {
  const wall = Date.parse(`${local}Z`);
  if (!Number.isFinite(wall)) return undefined;
  try {
    // The offset depends on the instant, which depends on the offset: two rounds settle it (DST edges included).
    const first = offsetAtInstant(zone, wall);
    if (first === undefined) return undefined;
    return offsetAtInstant(zone, wall - first * 60_000);
  } catch {
    return undefined; // an unknown zone name
  }
};

/** The zone at a position and its offset at that local time: extractMetadata's `zoneOf`. */
export const zoneOf = (latitude: number, longitude: number, local: string): { zone: string; offsetMinutes: number } | undefined => {
  const zone = zoneAt(latitude, longitude);
  const offsetMinutes = zone === undefined ? undefined : offsetMinutesAt(zone, local);
  return zone === undefined || offsetMinutes === undefined ? undefined : { zone, offsetMinutes };
};
