/**
 * Stacks (SPEC ST1–ST4): photos grouped behind a primary, as Immich's bursts and RAW+JPEG pairs.
 * Membership is the per-asset `stacks` entry (asset id → stack id, last writer wins per asset);
 * the primary is `stackPrimary` (stack id → asset id). What shows is worked out on read, so
 * concurrent stacking and unstacking always lands on a valid stack or none.
 *
 *   const stack = stackAssets(doc, [a, b, c], b); setStackPrimary(doc, stack, c)
 *   readStacks(doc).get(stack)    // { id, primary: c, members: [a, b, c] }
 */
import type * as Y from 'yjs';
import { catalogMaps } from './catalog.js';
import type { AssetId } from './ids.js';

export interface Stack {
  readonly id: string;
  readonly primary: AssetId;
  /** Sorted by id. */
  readonly members: readonly AssetId[];
}

const STACK_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const newStackId = (): string => `st-${globalThis.crypto.randomUUID()}`;

/**
 * Stacks the assets with `primary` on top (ST1). Members of stacks they were in, as this device
 * sees them, join the new stack (Immich merges stacks the same way). Returns the stack id.
 */
export const stackAssets = (doc: Y.Doc, ids: readonly AssetId[], primary: AssetId, id = newStackId()): string => {
  if (!STACK_ID.test(id)) throw new RangeError('stack id must be 1–64 url-safe characters');
  if (!ids.includes(primary)) throw new RangeError('the primary must be one of the stacked assets');
  const m = catalogMaps(doc);
  const old = new Set<string>();
  for (const a of ids) {
    const s = m.stacks.get(a);
    if (s !== undefined) old.add(s);
  }
  doc.transact(() => {
    if (old.size > 0) for (const [a, s] of [...m.stacks.entries()]) if (old.has(s)) m.stacks.set(a, id);
    for (const a of ids) m.stacks.set(a, id);
    for (const s of old) m.stackPrimary.delete(s);
    m.stackPrimary.set(id, primary);
  });
  return id;
};

/** Adds assets to an existing stack (moving them out of any other), last writer wins per asset (ST1). */
export const addToStack = (doc: Y.Doc, stack: string, ids: Iterable<AssetId>): void => {
  if (!STACK_ID.test(stack)) throw new RangeError('stack id must be 1–64 url-safe characters');
  const { stacks } = catalogMaps(doc);
  doc.transact(() => {
    for (const a of ids) stacks.set(a, stack);
  });
};

/** Dissolves a stack: the memberships this device has seen and its primary (ST3). */
export const unstack = (doc: Y.Doc, stack: string): void => {
  const m = catalogMaps(doc);
  doc.transact(() => {
    for (const [a, s] of [...m.stacks.entries()]) if (s === stack) m.stacks.delete(a);
    m.stackPrimary.delete(stack);
  });
};

/** Takes assets out of whatever stack they are in. */
export const removeFromStack = (doc: Y.Doc, ids: Iterable<AssetId>): void => {
  const { stacks } = catalogMaps(doc);
  doc.transact(() => {
    for (const a of ids) if (stacks.has(a)) stacks.delete(a);
  });
};

export const setStackPrimary = (doc: Y.Doc, stack: string, primary: AssetId): void => {
  const m = catalogMaps(doc);
  if (m.stacks.get(primary) !== stack) throw new RangeError('the primary must be a member of the stack');
  m.stackPrimary.set(stack, primary);
};

/**
 * The stacks as shown (ST2–ST4): members not deleted permanently (D1), only stacks of two or
 * more; the primary is the recorded one while it is a member, else the smallest member id.
 */
export const readStacks = (doc: Y.Doc): Map<string, Stack> => {
  const m = catalogMaps(doc);
  const groups = new Map<string, AssetId[]>();
  for (const [a, s] of m.stacks.entries()) {
    if (typeof s !== 'string' || m.deleted.has(a)) continue;
    const list = groups.get(s);
    if (list) list.push(a as AssetId);
    else groups.set(s, [a as AssetId]);
  }
  const out = new Map<string, Stack>();
  for (const [id, members] of [...groups.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (members.length < 2) continue;
    members.sort();
    const recorded = m.stackPrimary.get(id) as AssetId | undefined;
    out.set(id, { id, primary: recorded !== undefined && members.includes(recorded) ? recorded : members[0]!, members });
  }
  return out;
};

/** The stack an asset shows in, if any. */
export const stackOf = (doc: Y.Doc, id: AssetId): Stack | undefined => {
  const s = catalogMaps(doc).stacks.get(id);
  return s === undefined ? undefined : readStacks(doc).get(s);
};
