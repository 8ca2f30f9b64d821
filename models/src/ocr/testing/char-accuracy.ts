/**
 * Character accuracy of OCR output against hand-written ground truth lines. Each truth line is
 * aligned to the best-matching stretch of any recognised line (semi-global edit distance: a
 * recogniser that merges two signs into one line is not punished), and accuracy is the share of
 * truth characters not lost to edits. Case and whitespace are ignored, as search ignores them.
 *
 *   const { accuracy } = characterAccuracy(['MAIN STAY'], ['MAIN SIAY', 'IPA']); // 7/8
 */

/** Lower case, no whitespace, no combining dot of Turkish İ. */
export const normaliseText = (text: string): string => text.toLowerCase().normalize('NFC').replace(/\u0307/g, '').replace(/\s+/g, '');

/** Fewest edits turning `needle` into some substring of `hay`. */
export const substringEditDistance = (needle: string, hay: string): number => {
  const a = [...needle];
  const b = [...hay];
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j - 1] as number) + cost, (previous[j] as number) + 1, (row[j - 1] as number) + 1);
    }
    previous = row;
  }
  return Math.min(...previous);
};

export type AccuracyReport = {
  /** Truth characters recovered / truth characters. */
  readonly accuracy: number;
  readonly characters: number;
  readonly perLine: readonly { readonly truth: string; readonly best: string; readonly edits: number }[];
};

export const characterAccuracy = (truth: readonly string[], recognised: readonly string[]): AccuracyReport => {
  const candidates = recognised.map(normaliseText);
  let characters = 0;
  let recovered = 0;
  const perLine = truth.map((line) => {
    const wanted = normaliseText(line);
    const length = [...wanted].length;
    let best = '';
    let edits = length;
    for (const candidate of candidates) {
      const d = substringEditDistance(wanted, candidate);
      if (d < edits) {
        edits = d;
        best = candidate;
      }
    }
    characters += length;
    recovered += length - edits;
    return { truth: line, best, edits };
  });
  return { accuracy: characters === 0 ? 1 : recovered / characters, characters, perLine };
};
