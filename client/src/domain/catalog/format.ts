/**
 * Display formatting of catalog values: day headers, times with their UTC offset, video
 * durations, coordinates. English, independent of the device's time zone.
 *
 *   formatDay('2026-03-14')          // 'Sat, 14 Mar 2026'
 *   formatDuration(75.4)             // '1:15'
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** `YYYY-MM-DD` → `Sat, 14 Mar 2026`. */
export const formatDay = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return `${WEEKDAYS[date.getUTCDay()]}, ${d} ${MONTHS[m - 1]} ${y}`;
};

/** -480 → `UTC−08:00`. */
export const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/** `2026-03-14T10:11:12` with offset → `Sat, 14 Mar 2026, 10:11:12 UTC+01:00`. */
export const formatTaken = (takenAt: string, utcOffset: number | null): string =>
  `${formatDay(takenAt.slice(0, 10))}, ${takenAt.slice(11, 19)}${utcOffset === null ? '' : ` ${formatOffset(utcOffset)}`}`;

/** Seconds → `m:ss` or `h:mm:ss`. */
export const formatDuration = (seconds: number): string => {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

export const formatCoordinates = (lat: number, lon: number): string =>
  `${Math.abs(lat).toFixed(5)}° ${lat >= 0 ? 'N' : 'S'}, ${Math.abs(lon).toFixed(5)}° ${lon >= 0 ? 'E' : 'W'}`;
