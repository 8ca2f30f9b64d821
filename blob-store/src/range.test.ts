import { describe, expect, it } from 'vitest';
import { parseRange } from './range.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, { kind: 'range', start: 0, end: 99 }],
    ['bytes=100-', 1000, { kind: 'range', start: 100, end: 999 }],
    ['bytes=-100', 1000, { kind: 'range', start: 900, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'range', start: 0, end: 999 }],
    ['bytes=990-5000', 1000, { kind: 'range', start: 990, end: 999 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-0', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-3', 1000, { kind: 'none' }],
    ['bytes=0-1,5-6', 1000, { kind: 'none' }],
    ['items=0-1', 1000, { kind: 'none' }],
    ['bytes=-', 1000, { kind: 'none' }],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
  it('no header serves everything', () => expect(parseRange(undefined, 10)).toEqual({ kind: 'none' }));
});
