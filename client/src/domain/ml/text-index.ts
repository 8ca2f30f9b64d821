/**
 * Text read in photos (the OCR derivative), kept per asset and searchable by parts of words:
 * "brew" finds a photo of a sign saying "achbrewing", "main st" one saying "MAIN STAY". Matching
 * ignores case, accents and spacing, because OCR of photos gets spaces wrong ("BIGBRIGHT").
 *
 *   const texts = createTextIndex(); texts.add(hash, derivative.lines);
 *   texts.match('main stay');   // Map { hash → 'MAIN STAY' } (the line that matched, to explain the hit)
 */
import type { StoredTextLine } from '../../../../models/src/derivatives/ml-derivative.js';

/** Lower case, accents and whitespace removed: "Düşün Ce" → "dusunce". */
export const foldText = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .replace(/\s+/g, '');

export interface TextIndex {
  /** Adds or replaces an asset's lines (in reading order). */
  add(id: string, lines: readonly StoredTextLine[]): void;
  /** The asset's lines, for the viewer; empty when none were read. */
  linesOf(id: string): readonly StoredTextLine[];
  /**
   * Assets whose text holds every word of the query (as parts of words), with the first line that
   * matched to show as the reason. Words shorter than 2 characters alone match nothing.
   */
  match(query: string): ReadonlyMap<string, string>;
  readonly size: number;
}

type Entry = { readonly lines: readonly StoredTextLine[]; readonly folded: readonly string[]; readonly all: string };

export const createTextIndex = (): TextIndex => {
  const entries = new Map<string, Entry>();
  return {
    add(id, lines) {
      if (lines.length === 0) {
        entries.delete(id);
        return;
      }
      const folded = lines.map((line) => foldText(line.text));
      entries.set(id, { lines, folded, all: folded.join('') });
    },
    linesOf: (id) => entries.get(id)?.lines ?? [],
    match(query) {
      const words = query.split(/\s+/).map(foldText).filter((w) => w.length > 0);
      const found = new Map<string, string>();
      if (words.length === 0 || words.join('').length < 2) return found;
      const phrase = words.join('');
      for (const [id, entry] of entries) {
        if (!words.every((w) => entry.all.includes(w))) continue;
        // Explain with the line holding the whole query, else the one holding its first word.
        const at = entry.folded.findIndex((line) => line.includes(phrase));
        const line = at >= 0 ? at : entry.folded.findIndex((l) => l.includes(words[0] as string));
        found.set(id, entry.lines[Math.max(0, line)]?.text ?? '');
      }
      return found;
    },
    get size() {
      return entries.size;
    },
  };
};
