import { describe, expect, it } from 'vitest';
import { safeFileName } from './download-original.js';

describe('safeFileName', () => {
  it('keeps an ordinary original name as it is, Unicode included', () => {
    expect(safeFileName('IMG_0001.JPG')).toBe('IMG_0001.JPG');
    expect(safeFileName('Sommerfest Köln 2024 (1).heic')).toBe('Sommerfest Köln 2024 (1).heic');
  });

  it('cannot name a path or carry control characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(safeFileName('a\\b\u0000c\nd.jpg')).toBe('a_b_c_d.jpg');
  });

  it('falls back to a name when nothing usable is left', () => {
    for (const name of ['', '   ', '.', '..']) expect(safeFileName(name)).toBe('photo');
  });
});
