import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('structured logger', () => {
  it('writes one JSON object per line with time, level, event and merged fields', () => {
    const lines: [string, string][] = [];
    const log = createLogger({ component: 'relay', node: 'a' }, { write: (line, level) => lines.push([line, level]) }).child({ room: 'catalog:x' });
    log.info('room loaded', { ms: 3 });
    log.error('storage failed', { err: new Error('boom') });
    log.debug('hidden');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map(([line]) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ level: 'info', event: 'room loaded', component: 'relay', node: 'a', room: 'catalog:x', ms: 3 });
    expect(typeof first!.time).toBe('string');
    expect(second).toMatchObject({ level: 'error', err: { name: 'Error', message: 'boom' } });
    expect(lines[1]![1]).toBe('error');
  });

  it('never lets __proto__ through and survives unserialisable fields', () => {
    const lines: string[] = [];
    const log = createLogger({}, { write: (line) => lines.push(line) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // As decoded from untrusted JSON (an own __proto__ key), and as code could pass it (a computed key).
    log.warn('odd', JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') as Record<string, unknown>);
    log.warn('forged', { ['__proto__']: { toJSON: () => ({ event: 'forged by a field' }) }, kept: 2 });
    log.warn('cyclic', { cyclic });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const line of lines.slice(0, 2)) {
      expect(line).not.toMatch(/__proto__|polluted|forged by/);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', event: 'odd', kept: 1 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', event: 'forged', kept: 2 });
    expect(JSON.parse(lines[2]!)).toMatchObject({ event: 'cyclic', note: 'fields were not serialisable' });
  });
});
