import { describe, expect, it } from 'vitest';
import { catalogOwner, catalogRoom, isBlobHash, isRoomId, parseBlobHash, parseRoomId, type UserId } from './ids.js';

describe('ids', () => {
  it('accepts only lower-case 64-digit hex hashes', () => {
    expect(isBlobHash('a'.repeat(64))).toBe(true);
    expect(isBlobHash('A'.repeat(64))).toBe(false);
    expect(isBlobHash('a'.repeat(63))).toBe(false);
    expect(isBlobHash('../'.padEnd(64, 'a'))).toBe(false);
    expect(() => parseBlobHash('nope')).toThrow(/SHA-256/);
  });
  it('accepts catalog and album rooms only', () => {
    expect(isRoomId('catalog:abc')).toBe(true);
    expect(isRoomId('album:a_b-C')).toBe(true);
    expect(isRoomId('other:abc')).toBe(false);
    expect(isRoomId('catalog:')).toBe(false);
    expect(isRoomId('catalog:a/b')).toBe(false);
    expect(() => parseRoomId('x')).toThrow(/room/);
  });
  it('maps users to their catalog room and back', () => {
    const room = catalogRoom('u1' as UserId);
    expect(room).toBe('catalog:u1');
    expect(catalogOwner(room)).toBe('u1');
    expect(catalogOwner(parseRoomId('album:x'))).toBeUndefined();
  });
});
