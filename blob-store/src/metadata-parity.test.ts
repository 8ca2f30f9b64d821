/**
 * Metadata parity: every field extracted from every file of the two shared sample sets equals the
 * value of its tag in ExifTool's own `exiftool -j -n` output (one independent batch run as the
 * oracle), the date taken follows Immich's priority, and missing fields have no valid source tag.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIFTOOL_READ_ARGS, createExifTool, type ExifTags, type ExifTool } from './exiftool.repository.js';
import { extractMetadata, type MediaMetadata } from './media-metadata.js';
import { zoneOf } from './time-zone.repository.js';
import { ASSETS, EXIFTOOL_IMAGES } from './test-kit.js';

const EXIFTOOL = '/usr/bin/exiftool';

const walk = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
};

const oracle = (files: readonly string[]): Promise<Map<string, ExifTags>> =>
  new Promise((resolve, reject) => {
    execFile(EXIFTOOL, [...EXIFTOOL_READ_ARGS, ...files], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) => {
      // exiftool exits 1 when some files are unreadable; their JSON still carries an Error.
      if (error && !stdout) return reject(error);
      resolve(new Map((JSON.parse(stdout) as ExifTags[]).map((tags) => [tags.SourceFile as string, tags])));
    });
  });

// The test's own reading of ExifTool values, written independently of media-metadata.ts.
const DATE_PRIORITY = ['SubSecDateTimeOriginal', 'DateTimeOriginal', 'SubSecCreateDate', 'CreationDate', 'CreateDate', 'SubSecMediaCreateDate', 'MediaCreateDate', 'DateTimeCreated', 'GPSDateTime', 'DateTimeUTC', 'SonyDateTime2', 'SourceImageCreateTime'];
const validDate = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4}):(\d\d):(\d\d)/.exec(v);
  if (!m || Number(m[1]) < 1000) return false;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]);
};
const asNumber = (v: unknown): number | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
};
const asText = (v: unknown): string | undefined => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  return s === '' ? undefined : s;
};
const asList = (v: unknown): string[] | undefined => {
  const items = (Array.isArray(v) ? v : [v]).map(asText).filter((s): s is string => s !== undefined);
  return items.length ? items : undefined;
};
const positive = (v: unknown) => { const n = asNumber(v); return n !== undefined && n > 0 ? n : undefined; };
const intIn = (lo: number, hi: number) => (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : undefined);

const FIELDS: Record<string, { tags: string[]; read: (v: unknown) => unknown }> = {
  make: { tags: ['Make'], read: asText },
  model: { tags: ['Model'], read: asText },
  lensModel: { tags: ['LensModel', 'Lens'], read: (v) => (typeof v === 'string' ? asText(v) : undefined) },
  fNumber: { tags: ['FNumber'], read: positive },
  exposureTime: { tags: ['ExposureTime'], read: positive },
  iso: { tags: ['ISO'], read: positive },
  focalLength: { tags: ['FocalLength'], read: positive },
  orientation: { tags: ['Orientation'], read: intIn(1, 8) },
  width: { tags: ['ImageWidth'], read: intIn(1, Number.MAX_SAFE_INTEGER) },
  height: { tags: ['ImageHeight'], read: intIn(1, Number.MAX_SAFE_INTEGER) },
  duration: { tags: ['Duration'], read: positive },
  rating: { tags: ['Rating'], read: intIn(-1, 5) },
  keywords: { tags: ['Keywords', 'Subject'], read: asList },
  description: { tags: ['ImageDescription', 'Description', 'Caption-Abstract'], read: asText },
  mimeType: { tags: ['MIMEType'], read: asText },
  livePhotoId: { tags: ['ContentIdentifier', 'MediaGroupUUID'], read: asText },
};

/** Asserts one file's metadata against the oracle's tags. */
const checkParity = (file: string, meta: MediaMetadata, truth: ExifTags): void => {
  const where = `${file}`;
  for (const [field, { tags, read }] of Object.entries(FIELDS)) {
    const expectedTag = tags.find((t) => read(truth[t]) !== undefined);
    const value = (meta as unknown as Record<string, unknown>)[field];
    expect(meta.sources[field], `${where} ${field} source`).toBe(expectedTag);
    const expected = expectedTag === undefined ? (field === 'keywords' ? [] : null) : read(truth[expectedTag]);
    expect(value, `${where} ${field}`).toEqual(expected);
  }
  // Date taken: the first valid tag of Immich's list, its wall-clock digits unchanged.
  const dateTag = DATE_PRIORITY.find((t) => validDate(truth[t]));
  expect(meta.sources.dateTaken, `${where} date source`).toBe(dateTag);
  if (dateTag === undefined) {
    expect(meta.dateTaken, where).toBeNull();
  } else {
    const raw = truth[dateTag] as string;
    const digits = raw.replace(/(Z|[+-]\d\d:?\d\d)$/, '').replace(/\D/g, '');
    expect(meta.localDateTaken?.replace(/\D/g, ''), `${where} date digits`).toBe(digits.length <= 14 ? digits.padEnd(14, '0') : digits.slice(0, 17));
    const zone = /(Z|[+-]\d\d:\d\d)$/.exec(raw)?.[1];
    if (zone !== undefined && !/^\d{4}:\d\d:\d\d$/.test(raw)) expect(meta.timeZone, `${where} zone from date`).toBe(zone === 'Z' ? '+00:00' : zone);
    else if (meta.sources.timeZone && meta.sources.timeZone !== 'GPSDateTime' && meta.sources.timeZone !== 'GPSPosition') expect(String(truth[meta.sources.timeZone]), `${where} offset tag`).toContain(meta.timeZone?.slice(1, 3) ?? 'none');
    if (meta.timeZone !== null) expect(meta.dateTaken).toBe(`${meta.localDateTaken}${meta.timeZone}`);
  }
  // GPS: both coordinates as ExifTool gives them, or neither.
  const lat = asNumber(truth.GPSLatitude), lon = asNumber(truth.GPSLongitude);
  const gpsValid = lat !== undefined && lon !== undefined && !(lat === 0 && lon === 0);
  expect([meta.latitude, meta.longitude], `${where} gps`).toEqual(gpsValid ? [lat, lon] : [null, null]);
};

describe.runIf(existsSync(EXIFTOOL))('metadata parity with ExifTool', () => {
  let exiftool: ExifTool;
  let files: string[];
  let truth: Map<string, ExifTags>;

  beforeAll(async () => {
    files = [...(await walk(ASSETS)), ...(await walk(EXIFTOOL_IMAGES))];
    truth = await oracle(files);
    exiftool = createExifTool({ path: EXIFTOOL, timeoutMs: 30_000 });
  }, 120_000);
  afterAll(() => exiftool.close());

  it('matches every field of every sample file', async () => {
    expect(files.length).toBeGreaterThan(200);
    let withDate = 0, withGps = 0, withCamera = 0;
    for (const file of files) {
      const tags = await exiftool.read(file);
      const expected = truth.get(file);
      expect(expected, file).toBeDefined();
      const { FileAccessDate: _a, ...ours } = tags;
      const { FileAccessDate: _b, ...theirs } = expected as ExifTags;
      expect(ours, file).toEqual(theirs);
      const meta = extractMetadata(tags, undefined, { zoneOf });
      checkParity(file, meta, expected as ExifTags);
      withDate += meta.dateTaken ? 1 : 0;
      withGps += meta.latitude !== null ? 1 : 0;
      withCamera += meta.make ? 1 : 0;
    }
    // The sets really exercise the rules (a guard against an oracle that reads nothing).
    expect(withDate).toBeGreaterThan(60);
    expect(withGps).toBeGreaterThan(5);
    expect(withCamera).toBeGreaterThan(40);
  }, 180_000);

  it("follows Immich's date and time-zone rules on its test assets", async () => {
    const meta = async (rel: string) => extractMetadata(await exiftool.read(join(ASSETS, rel)));
    expect(await meta('metadata/dates/date-priority-test.jpg')).toMatchObject({ dateTaken: '2023-02-02T02:00:00', timeZone: null, sources: { dateTaken: 'DateTimeOriginal' } });
    expect(await meta('metadata/gps-position/thompson-springs.jpg')).toMatchObject({
      dateTaken: '2022-01-10T15:15:44-04:00', timeZoneSource: 'date', latitude: 39.115, longitude: -108.400968333333,
      keywords: ['carol m. highsmith', 'america', 'utah', 'utah winter scenes', 'thompson springs'],
    });
    expect(await meta('metadata/dates/gps-datetime.jpg')).toMatchObject({ dateTaken: '2023-11-15T12:30:00+00:00', sources: { dateTaken: 'GPSDateTime' } });
    expect(await meta('metadata/rating/mongolels.jpg')).toMatchObject({ dateTaken: '2009-08-29T13:18:08.17', rating: 3, sources: { dateTaken: 'SubSecDateTimeOriginal' } });
    expect(await meta('metadata/gps-position/empty_gps.jpg')).toMatchObject({ latitude: null, longitude: null });
    expect(await meta('metadata/tags/picasa.jpg')).toMatchObject({ keywords: ['Frost', 'Yard'] });
    expect((await meta('metadata/dates/time-created.jpg')).dateTaken).toBeNull(); // a time without a date is no date
  });

  it('takes the time zone from the GPS position when the file has no offset (DST included), before the GPS clock', async () => {
    const meta = async (file: string) => extractMetadata(await exiftool.read(file), undefined, { zoneOf });
    // Colorado in December: Mountain Standard Time.
    expect(await meta(join(ASSETS, 'metadata/dates/datetimeoriginal-gps.jpg'))).toMatchObject({
      dateTaken: '2025-12-01T11:30:00-07:00', timeZone: '-07:00', timeZoneSource: 'gpsPosition', timeZoneName: 'America/Denver', sources: { timeZone: 'GPSPosition' },
    });
    // Northumberland in July: British Summer Time.
    expect(await meta(join(EXIFTOOL_IMAGES, 'GPS.jpg'))).toMatchObject({ dateTaken: '2002-07-13T15:58:28+01:00', timeZoneName: 'Europe/London' });
    // Aragón in May: CEST, although the camera's GPS clock differs by one hour (the position wins, as in exiftool-vendored).
    expect(await meta(join(EXIFTOOL_IMAGES, 'Ricoh2.jpg'))).toMatchObject({ dateTaken: '2006-05-26T11:48:48+02:00', timeZoneName: 'Europe/Madrid' });
    // An offset in the file still wins over the position.
    expect(await meta(join(ASSETS, 'metadata/gps-position/thompson-springs.jpg'))).toMatchObject({ timeZone: '-04:00', timeZoneSource: 'date', timeZoneName: null });
    // Without the lookup the GPS clock is the fallback, as before.
    expect(extractMetadata(await exiftool.read(join(EXIFTOOL_IMAGES, 'Ricoh2.jpg')))).toMatchObject({ timeZone: '+01:00', timeZoneSource: 'gps' });
  });

  it('merges an XMP sidecar the way Immich does: its dates replace all of the media dates', async () => {
    const photo = join(ASSETS, 'metadata/rating/mongolels.jpg');
    const sidecar = join(EXIFTOOL_IMAGES, 'XMP.xmp');
    const merged = extractMetadata(await exiftool.read(photo), await exiftool.read(sidecar));
    expect(merged).toMatchObject({
      dateTaken: '2005-06-09T20:09:27+02:00', // sidecar DateTimeOriginal beats the photo's SubSecDateTimeOriginal
      rating: 1,
      keywords: ['test1', '&-&amp;-&'],
      mimeType: 'image/jpeg', // file tags stay the photo's
      sources: { dateTaken: 'DateTimeOriginal' },
    });
    const [photoTruth, sidecarTruth] = [truth.get(photo), truth.get(sidecar)] as ExifTags[];
    expect(merged.width).toBe(photoTruth?.ImageWidth);
    expect(merged.rating).toBe(sidecarTruth?.Rating);
  });

  it('answers unreadable input with an error and keeps serving', async () => {
    await expect(exiftool.read('/nonexistent/file.jpg')).rejects.toThrow(/exiftool/);
    await expect(exiftool.read('-ver')).rejects.toThrow(/unsafe/);
    expect((await exiftool.read(join(EXIFTOOL_IMAGES, 'Text1.txt'))).FileType).toBe('TXT');
    expect((await exiftool.read(join(ASSETS, 'metadata/rating/mongolels.jpg'))).Rating).toBe(3);
  });
});
