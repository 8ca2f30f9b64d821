import { describe, expect, it } from 'vitest';
import { matchesDate, matchesPlaces, normalizeName, parseQuery } from './query-terms.js';

const placeNames = new Set(['leuven', 'flanders', 'belgium', 'new york', 'united states of america', 'sao paulo']);
const eileen = { id: 'p1', name: 'Eileen Gray' };
const personNamed = (phrase: string) => (phrase === 'eileen' || phrase === 'eileen gray' ? eileen : undefined);

describe('query terms', () => {
  it('reads years, months and seasons', () => {
    expect(parseQuery('2019', { placeNames })).toEqual({ date: { years: [2019], months: [] }, places: [], person: null, text: '' });
    expect(parseQuery('June 2019', { placeNames }).date).toEqual({ years: [2019], months: [6] });
    expect(parseQuery('sept', { placeNames }).date).toEqual({ years: [], months: [9] });
    expect(parseQuery('Summer', { placeNames }).date).toEqual({ years: [], months: [6, 7, 8] });
    expect(parseQuery('winter 2018 2019', { placeNames }).date).toEqual({ years: [2018, 2019], months: [1, 2, 12] });
    // Not dates: short words, other numbers.
    expect(parseQuery('ma 123 20190', { placeNames })).toEqual({ date: null, places: [], person: null, text: 'ma 123 20190' });
  });

  it('reads place names of any length, ignoring case, accents and commas', () => {
    expect(parseQuery('Leuven, Belgium', { placeNames }).places).toEqual(['leuven', 'belgium']);
    expect(parseQuery('new york june', { placeNames })).toEqual({ date: { years: [], months: [6] }, places: ['new york'], person: null, text: '' });
    expect(parseQuery('São Paulo', { placeNames }).places).toEqual(['sao paulo']);
    expect(parseQuery('United States of America dog', { placeNames })).toMatchObject({ places: ['united states of america'], text: 'dog' });
    expect(parseQuery('York', { placeNames })).toMatchObject({ places: [], text: 'York' });
  });

  it('reads a person by full or first name and leaves the rest as text', () => {
    expect(parseQuery('Eileen Leuven 2019', { placeNames, personNamed })).toEqual({ date: { years: [2019], months: [] }, places: ['leuven'], person: eileen, text: '' });
    expect(parseQuery('eileen gray on a beach', { placeNames, personNamed })).toMatchObject({ person: eileen, text: 'on a beach' });
    expect(parseQuery('Eileen', { placeNames })).toMatchObject({ person: null, text: 'Eileen' });
  });

  it('matches dates and places', () => {
    expect(matchesDate('2019-06-12T10:00:00', { years: [2019], months: [6] })).toBe(true);
    expect(matchesDate('2019-07-12T10:00:00', { years: [2019], months: [6] })).toBe(false);
    expect(matchesDate('2018-06-12T10:00:00', { years: [2019], months: [] })).toBe(false);
    const leuven = { city: 'Leuven', region: 'Flanders', country: 'Belgium', countryCode: 'BE' };
    expect(matchesPlaces(leuven, ['flanders', 'belgium'])).toBe(true);
    expect(matchesPlaces(leuven, ['belgium', 'new york'])).toBe(false);
    expect(matchesPlaces(undefined, ['belgium'])).toBe(false);
    expect(matchesPlaces(undefined, [])).toBe(true);
    expect(normalizeName('  Île-de-France ')).toBe('ile-de-france');
  });
});
