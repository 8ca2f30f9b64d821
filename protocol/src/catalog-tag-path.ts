/**
 * Hierarchical tag names (`Travel/Japan/Kyoto`) and the rename aliases that make a rename hold
 * against a device still tagging with the old name (SPEC T1–T4). Pure: no writes here; the
 * operations are in catalog-tags.ts, and catalog.ts resolves tags with `createTagResolver`.
 *
 *   normalizeTag(' Travel / Japan ')                       // 'Travel/Japan'
 *   createTagResolver(renames)('Travel/Japan/Kyoto')       // 'Trips/Japan/Kyoto' after Travel → Trips
 */
import type * as Y from 'yjs';

/** Y.Map old tag path → new tag path, written by renameTag (T2). */
export const TAG_RENAMES_KEY = 'tagRenames';
export const TAG_LIMITS = { maxLength: 256, maxDepth: 16, maxRenameSteps: 64 } as const;

/** Trims each level and drops empty ones; throws RangeError for an empty, too long or too deep tag. */
export const normalizeTag = (tag: string): string => {
  const parts = tag.split('/').map((p) => p.trim()).filter((p) => p !== '');
  const out = parts.join('/');
  if (out === '' || out.length > TAG_LIMITS.maxLength) throw new RangeError(`a tag is 1–${TAG_LIMITS.maxLength} characters`);
  if (parts.length > TAG_LIMITS.maxDepth) throw new RangeError(`a tag has at most ${TAG_LIMITS.maxDepth} levels`);
  return out;
};

/** `Travel/Japan/Kyoto` → ['Travel', 'Travel/Japan', 'Travel/Japan/Kyoto']. */
export const tagAncestors = (tag: string): string[] => {
  const out: string[] = [];
  for (let i = tag.indexOf('/'); i >= 0; i = tag.indexOf('/', i + 1)) out.push(tag.slice(0, i));
  out.push(tag);
  return out;
};

/** Whether `tag` is `root` or below it. */
export const isTagUnder = (tag: string, root: string): boolean => tag === root || tag.startsWith(`${root}/`);

/**
 * Follows rename aliases: the longest renamed prefix of the path is replaced, repeatedly (T2).
 * Concurrent renames that form a cycle (A → B here, B → A there) resolve to the smallest path on
 * the cycle, the same on every replica (T3). Memoized per resolver: make one per read.
 */
export const createTagResolver = (renames: Y.Map<string> | ReadonlyMap<string, string>): ((tag: string) => string) => {
  const memo = new Map<string, string>();
  const step = (tag: string): string | null => {
    const levels = tagAncestors(tag);
    for (let i = levels.length - 1; i >= 0; i--) {
      const to = renames.get(levels[i]!);
      if (typeof to === 'string' && to !== '') return to + tag.slice(levels[i]!.length);
    }
    return null;
  };
  return (tag: string): string => {
    if (renames.size === 0) return tag;
    const known = memo.get(tag);
    if (known !== undefined) return known;
    const path: string[] = [];
    let at = tag;
    for (;;) {
      const next = step(at);
      if (next === null) break;
      const seen = path.indexOf(at);
      if (seen >= 0) {
        at = path.slice(seen).sort()[0]!;
        break;
      }
      path.push(at);
      // A chain longer than any rename history a user makes: a peer wrote junk; stop where we are.
      if (path.length > TAG_LIMITS.maxRenameSteps || next.length > TAG_LIMITS.maxLength * 4) break;
      at = next;
    }
    memo.set(tag, at);
    return at;
  };
};
