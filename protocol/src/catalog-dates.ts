/**
 * Editing when photos were taken, on a selection at once (SPEC DT1–DT4), as Immich's date
 * editor: set one date and time zone for all, or shift each by an offset. Every edit is written
 * as the S5 date override of each asset — the date and its UTC offset as one value, computed
 * on the editing device from the date it shows — so edits merge per asset.
 *
 *   shiftTaken(doc, ids, 60)                                   // one hour later, each
 *   setTaken(doc, ids, { takenAt: '2024-05-01T10:00:00', utcOffset: 540 })
 */
import type * as Y from 'yjs';
import { catalogMaps, extractedIndex, factsIndex, takenSeconds, takenString, type TakenOverride } from './catalog.js';
import type { AssetId } from './ids.js';

const MAX_OFFSET = 18 * 60;
/** Shifts beyond a thousand years are a slip of the keyboard. */
const MAX_SHIFT_MINUTES = 1000 * 366 * 24 * 60;

const checkOffset = (utcOffset: number | null): void => {
  if (utcOffset !== null && (!Number.isInteger(utcOffset) || Math.abs(utcOffset) > MAX_OFFSET)) throw new RangeError('utcOffset is whole minutes within ±18 h');
};

/** The date an asset shows: its override, else ExifTool's reading (X1), else the facts. */
export const shownTaken = (doc: Y.Doc, id: AssetId): TakenOverride | undefined => {
  const override = catalogMaps(doc).takenOverride.get(id);
  if (override) return override;
  const extracted = extractedIndex(doc).records.get(id);
  if (extracted?.takenAt !== undefined) return { takenAt: extracted.takenAt, utcOffset: extracted.utcOffset ?? null };
  const facts = factsIndex(doc).get(id);
  return facts && { takenAt: facts.takenAt, utcOffset: facts.utcOffset };
};

/** Gives every asset the same date and offset (DT1), in one transaction. */
export const setTaken = (doc: Y.Doc, ids: Iterable<AssetId>, value: TakenOverride): void => {
  takenSeconds(value.takenAt);
  checkOffset(value.utcOffset);
  const { takenOverride } = catalogMaps(doc);
  doc.transact(() => {
    for (const id of ids) takenOverride.set(id, { takenAt: value.takenAt, utcOffset: value.utcOffset });
  });
};

/**
 * Shifts each asset's shown date by `minutes` (DT2), keeping its offset; written as absolute
 * overrides, so the same shift made offline on two devices is applied once, not twice.
 */
export const shiftTaken = (doc: Y.Doc, ids: Iterable<AssetId>, minutes: number): number => {
  if (!Number.isInteger(minutes) || Math.abs(minutes) > MAX_SHIFT_MINUTES) throw new RangeError('a shift is whole minutes');
  const { takenOverride } = catalogMaps(doc);
  let n = 0;
  doc.transact(() => {
    for (const id of ids) {
      const shown = shownTaken(doc, id);
      if (!shown) continue;
      takenOverride.set(id, { takenAt: takenString(takenSeconds(shown.takenAt) + minutes * 60), utcOffset: shown.utcOffset });
      n++;
    }
  });
  return n;
};

/**
 * Sets the time zone (DT3). `keep: 'instant'` keeps the moment and moves the wall clock (a
 * camera set to the wrong zone's clock was right, only the zone was missing or wrong);
 * `keep: 'wallClock'` keeps the local time shown and only labels it with the new offset.
 */
export const setTimeZone = (doc: Y.Doc, ids: Iterable<AssetId>, utcOffset: number, keep: 'instant' | 'wallClock'): void => {
  checkOffset(utcOffset);
  const { takenOverride } = catalogMaps(doc);
  doc.transact(() => {
    for (const id of ids) {
      const shown = shownTaken(doc, id);
      if (!shown) continue;
      const move = keep === 'instant' && shown.utcOffset !== null ? utcOffset - shown.utcOffset : 0;
      takenOverride.set(id, { takenAt: takenString(takenSeconds(shown.takenAt) + move * 60), utcOffset });
    }
  });
};

/** Back to the date the file (or ExifTool) gave (S5); a concurrent edit made elsewhere survives. */
export const clearTaken = (doc: Y.Doc, ids: Iterable<AssetId>): void => {
  const { takenOverride } = catalogMaps(doc);
  doc.transact(() => {
    for (const id of ids) if (takenOverride.has(id)) takenOverride.delete(id);
  });
};

/** The UTC instant (ms) a shown date stands for; null when its offset is unknown. */
export const takenInstant = (t: TakenOverride): number | null =>
  t.utcOffset === null ? null : (takenSeconds(t.takenAt) - t.utcOffset * 60) * 1000;
