/**
 * Parses a single-range HTTP `Range` header (RFC 9110 §14) against a known length.
 *
 *   parseRange('bytes=0-99', 1000)  // { kind: 'range', start: 0, end: 99 }
 *   parseRange('bytes=-5', 3)       // { kind: 'range', start: 0, end: 2 }
 */

export type RangeResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
 * `none` means serve the whole entity: no header, or one we ignore (multiple ranges or another
 * unit), which RFC 9110 allows. `unsatisfiable` answers 416.
 */
export const parseRange = (header: string | undefined, size: number): RangeResult => {
  if (header === undefined) return { kind: 'none' };
  const match = SINGLE.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return { kind: 'none' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'none' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isFinite(end) || end < start) return last !== '' && Number(last) < start ? { kind: 'none' } : { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
};
