/**
 * Reads a typed search into what it names: dates ("2019", "June 2019", "summer"), places the
 * library has photos in ("Leuven", "Belgium", "Flanders", "New York"), a person by name, and the
 * rest (free text for CLIP or file names). Words are read left to right, longest phrase first,
 * ignoring case and accents, so "eileen leuven 2019" and "Leuven, June 2019" both work.
 *
 *   const terms = parseQuery('Eileen Leuven 2019', { placeNames: new Set(['leuven']), personNamed: (p) => people.get(p) });
 *   // { date: { years: [2019], months: [] }, places: ['leuven'], person: {…Eileen}, text: '' }
 */
import type { Place } from './reverse-geocoder.js';

export interface DateTerm {
  /** Any of these years (empty: any year). */
  readonly years: readonly number[];
  /** Any of these months, 1–12 (empty: any month). */
  readonly months: readonly number[];
}

export interface QueryTerms<P> {
  readonly date: DateTerm | null;
  /** Normalized place names; an asset must be in every one (city, region or country). */
  readonly places: readonly string[];
  readonly person: P | null;
  /** What is left, as typed. */
  readonly text: string;
}

export interface QueryVocabulary<P> {
  /** Normalized names (see `normalizeName`) of the places the library has photos in. */
  readonly placeNames: ReadonlySet<string>;
  /** The person a phrase names, if any. */
  readonly personNamed?: (phrase: string) => P | undefined;
}

/** Longest phrase tried, in words ("United States of America" is 4). */
const MAX_PHRASE = 5;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Northern-hemisphere seasons, as months. */
const SEASONS: Record<string, readonly number[]> = { spring: [3, 4, 5], summer: [6, 7, 8], autumn: [9, 10, 11], fall: [9, 10, 11], winter: [12, 1, 2] };

export const normalizeName = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/** The names an asset's place answers to. */
export const placeNames = (place: Place): string[] =>
  [place.city, place.region, place.country].flatMap((name) => (name === null ? [] : [normalizeName(name)]));

const monthsOf = (word: string): readonly number[] | null => {
  const season = SEASONS[word];
  if (season !== undefined) return season;
  // "jun", "june", "sept" — three letters or more of a month's name.
  const at = word.length >= 3 ? MONTHS.findIndex((m) => m.startsWith(word)) : -1;
  return at === -1 ? null : [at + 1];
};

const yearOf = (word: string): number | null => (/^(18|19|20)\d\d$/.test(word) ? Number(word) : null);

export const parseQuery = <P>(query: string, vocabulary: QueryVocabulary<P>): QueryTerms<P> => {
  const words = query.split(/[\s,]+/).filter(Boolean);
  const years: number[] = [];
  const months: number[] = [];
  const places: string[] = [];
  const rest: string[] = [];
  let person: P | null = null;
  for (let i = 0; i < words.length; ) {
    let used = 0;
    for (let n = Math.min(MAX_PHRASE, words.length - i); n >= 1 && used === 0; n--) {
      const phrase = normalizeName(words.slice(i, i + n).join(' '));
      if (vocabulary.placeNames.has(phrase)) {
        places.push(phrase);
        used = n;
      } else if (person === null && vocabulary.personNamed !== undefined) {
        const named = vocabulary.personNamed(phrase);
        if (named !== undefined) {
          person = named;
          used = n;
        }
      }
      if (used === 0 && n === 1) {
        const year = yearOf(phrase);
        const inMonths = year === null ? monthsOf(phrase) : null;
        if (year !== null) years.push(year);
        else if (inMonths !== null) months.push(...inMonths);
        else rest.push(words[i]!);
        used = 1;
      }
    }
    i += used;
  }
  const date = years.length + months.length === 0 ? null : { years: [...new Set(years)], months: [...new Set(months)].sort((a, b) => a - b) };
  return { date, places, person, text: rest.join(' ') };
};

/** Whether a `takenAt` (`YYYY-MM-DDTHH:MM:SS`, local time) falls in a date term. */
export const matchesDate = (takenAt: string, date: DateTerm): boolean =>
  (date.years.length === 0 || date.years.includes(Number(takenAt.slice(0, 4)))) &&
  (date.months.length === 0 || date.months.includes(Number(takenAt.slice(5, 7))));

/** Whether a place answers to every one of the place terms. */
export const matchesPlaces = (place: Place | undefined, terms: readonly string[]): boolean => {
  if (terms.length === 0) return true;
  if (place === undefined) return false;
  const names = placeNames(place);
  return terms.every((t) => names.includes(t));
};
