/**
 * Non-destructive edits (SPEC E1–E4): rotation, mirroring and a crop per asset, each its own
 * last-writer-wins entry of the `edits` map (`<asset id>/rotate`, `/mirror`, `/crop`), so a rotate
 * on one device and a crop on another both survive. The original is never changed; the edited
 * version is the original cropped, then mirrored, then rotated.
 *
 *   rotateAsset(doc, id, 1)                       // a quarter turn clockwise more than now
 *   setCrop(doc, id, { x: 0.1, y: 0, width: 0.8, height: 1 }); readEdits(doc, id)
 */
import type * as Y from 'yjs';
import type { AssetId } from './ids.js';

export const EDITS_KEY = 'edits';
export const EditField = { rotate: 'rotate', mirror: 'mirror', crop: 'crop' } as const;
export type EditField = (typeof EditField)[keyof typeof EditField];
const FIELDS = Object.values(EditField);

/** A crop as fractions of the original as displayed (orientation applied), before mirror and rotation. */
export interface Crop { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export interface AssetEdits {
  /** Quarter turns clockwise, 0–3. */
  readonly rotate: number;
  /** Mirrored left to right. */
  readonly mirror: boolean;
  readonly crop: Crop | null;
}

export const noEdits: AssetEdits = { rotate: 0, mirror: false, crop: null };

const editsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(EDITS_KEY);
export const editKey = (id: AssetId, field: EditField): string => `${id}/${field}`;

const fraction = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
/** A crop is whole fractions inside the picture, at least 1/1000 wide and high (E4: peers are untrusted). */
export const isCrop = (v: unknown): v is Crop => {
  if (v === null || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return fraction(c.x) && fraction(c.y) && fraction(c.width) && fraction(c.height) &&
    c.width >= 0.001 && c.height >= 0.001 && c.x + c.width <= 1 + 1e-9 && c.y + c.height <= 1 + 1e-9;
};

/** The edits of one asset; a malformed value from a peer reads as no edit of that field (E4). */
export const readEdits = (doc: Y.Doc, id: AssetId): AssetEdits => {
  const m = editsMap(doc);
  if (m.size === 0) return noEdits;
  const rotate = m.get(editKey(id, EditField.rotate));
  const mirror = m.get(editKey(id, EditField.mirror));
  const crop = m.get(editKey(id, EditField.crop));
  if (rotate === undefined && mirror === undefined && crop === undefined) return noEdits;
  return {
    rotate: typeof rotate === 'number' && Number.isInteger(rotate) && rotate >= 0 && rotate <= 3 ? rotate : 0,
    mirror: mirror === true,
    crop: isCrop(crop) ? { x: crop.x, y: crop.y, width: crop.width, height: crop.height } : null,
  };
};

export const isEdited = (e: AssetEdits): boolean => e.rotate !== 0 || e.mirror || e.crop !== null;

/** Sets the rotation to `(current + quarterTurns) mod 4`, written as an absolute value (E2). */
export const rotateAsset = (doc: Y.Doc, id: AssetId, quarterTurns: number): void => {
  if (!Number.isInteger(quarterTurns)) throw new RangeError('rotation is in whole quarter turns');
  const next = (((readEdits(doc, id).rotate + quarterTurns) % 4) + 4) % 4;
  const m = editsMap(doc);
  if (next === 0) m.delete(editKey(id, EditField.rotate));
  else m.set(editKey(id, EditField.rotate), next);
};

export const setMirror = (doc: Y.Doc, id: AssetId, mirror: boolean): void => {
  const m = editsMap(doc);
  if (mirror) m.set(editKey(id, EditField.mirror), true);
  else m.delete(editKey(id, EditField.mirror));
};

/** Sets (null: clears) the crop; RangeError unless it lies inside the picture. */
export const setCrop = (doc: Y.Doc, id: AssetId, crop: Crop | null): void => {
  const m = editsMap(doc);
  if (crop === null) return m.delete(editKey(id, EditField.crop));
  if (!isCrop(crop)) throw new RangeError('a crop is x, y, width, height as fractions inside the picture');
  m.set(editKey(id, EditField.crop), { x: crop.x, y: crop.y, width: crop.width, height: crop.height });
};

/** "Revert to original": removes the edits this device has seen; a concurrent edit survives (E3). */
export const revertEdits = (doc: Y.Doc, id: AssetId): void => {
  const m = editsMap(doc);
  doc.transact(() => {
    for (const f of FIELDS) m.delete(editKey(id, f));
  });
};

/** Pixel size of the edited version of a `width`×`height` original (as displayed). */
export const editedSize = (width: number, height: number, e: AssetEdits): { width: number; height: number } => {
  const w = e.crop ? Math.max(1, Math.round(width * e.crop.width)) : width;
  const h = e.crop ? Math.max(1, Math.round(height * e.crop.height)) : height;
  return e.rotate % 2 === 1 ? { width: h, height: w } : { width: w, height: h };
};

/** Removes every edit of the given assets (permanent deletion); one pass over the map. */
export const dropEditsOf = (doc: Y.Doc, ids: ReadonlySet<string>): void => {
  const m = editsMap(doc);
  if (m.size === 0) return;
  for (const key of [...m.keys()]) if (ids.has(key.slice(0, key.indexOf('/')))) m.delete(key);
};
