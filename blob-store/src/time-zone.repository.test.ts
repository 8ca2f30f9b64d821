import { describe, expect, it } from 'vitest';
import { offsetMinutesAt, zoneAt, zoneOf } from './time-zone.repository.js';

describe('time zone from a GPS position', () => {
  it('finds the IANA zone of places on land and at sea', () => {
    expect(zoneAt(48.8566, 2.3522)).toBe('Europe/Paris');
    expect(zoneAt(-33.8688, 151.2093)).toBe('Australia/Sydney');
    expect(zoneAt(28.6139, 77.209)).toBe('Asia/Kolkata');
    expect(zoneAt(0.5, -150)).toBe('Etc/GMT+10'); // open Pacific: nautical zone
  });

  it('answers undefined for impossible positions instead of throwing', () => {
    expect(zoneAt(91, 0)).toBeUndefined();
    expect(zoneAt(0, 181)).toBeUndefined();
    expect(zoneAt(Number.NaN, 0)).toBeUndefined();
    expect(offsetMinutesAt('Not/AZone', '2023-01-01T00:00:00')).toBeUndefined();
    expect(offsetMinutesAt('Europe/Paris', 'garbage')).toBeUndefined();
  });

  it('gives the offset in force at the local time, across DST changes and half-hour zones', () => {
    expect(offsetMinutesAt('America/New_York', '2023-03-12T01:30:00')).toBe(-300); // before spring forward
    expect(offsetMinutesAt('America/New_York', '2023-03-12T03:30:00')).toBe(-240); // after
    expect(offsetMinutesAt('Europe/London', '2002-07-13T15:58:28')).toBe(60);
    expect(offsetMinutesAt('Europe/London', '2002-01-13T15:58:28')).toBe(0);
    expect(offsetMinutesAt('Asia/Kolkata', '2020-06-01T12:00:00.500')).toBe(330);
    expect(offsetMinutesAt('Australia/Sydney', '2021-01-01T12:00:00')).toBe(660);
    expect(zoneOf(39, -108, '2025-12-01T11:30:00')).toEqual({ zone: 'America/Denver', offsetMinutes: -420 });
  });
});
