/**
 * The CLIP BPE tokenizer, read from a pack's Hugging Face `tokenizer.json` (as Immich's text
 * encoder does with `tokenizers`): added special tokens are matched first, then the normaliser
 * (NFC, whitespace runs → one space, lowercase), the CLIP pre-tokeniser split, GPT-2 byte-level
 * mapping, byte-pair merges with the `</w>` end-of-word suffix, then `<|startoftext|>` … `<|endoftext|>`
 * (RobertaProcessing), truncated and padded with the pad token to the context length (77).
 *
 *   const tokenizer = createClipTokenizer(JSON.parse(tokenizerJson), { padToken: '<|endoftext|>', contextLength: 77 });
 *   const ids = tokenizer.encode('a photo of a cat'); // Int32Array(77)
 */

export type ClipTokenizer = {
  /** Token ids, exactly `contextLength` long. */
  encode(text: string): Int32Array;
  /** The text back from ids (special and pad tokens dropped); for tests and debugging. */
  decode(ids: ArrayLike<number>): string;
  readonly contextLength: number;
  readonly vocabSize: number;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const fail = (message: string): never => {
  throw new Error(`tokenizer.json: ${message}`);
};

/** GPT-2's bytes_to_unicode: every byte gets a printable character. */
const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  return table;
})();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

export const byteLevelAlphabet = (): readonly string[] => BYTE_TO_CHAR;

type Pattern = { Regex?: string; String?: string };
const patternOf = (value: unknown, where: string): RegExp => {
  if (!isRecord(value)) return fail(`${where} has no pattern`);
  const { Regex, String: literal } = value as Pattern;
  if (typeof Regex === 'string') return new RegExp(Regex, 'gu');
  if (typeof literal === 'string') return new RegExp(literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  return fail(`${where} pattern is neither Regex nor String`);
};

/** Only the normaliser steps CLIP's tokenizer.json uses; anything else is refused, not guessed. */
const normaliserOf = (spec: unknown): ((text: string) => string) => {
  if (spec === null || spec === undefined) return (t) => t;
  if (!isRecord(spec)) return fail('normalizer is malformed');
  switch (spec.type) {
    case 'Sequence': {
      const steps = Array.isArray(spec.normalizers) ? spec.normalizers.map(normaliserOf) : fail('normalizer Sequence without normalizers');
      return (t) => steps.reduce((acc, step) => step(acc), t);
    }
    case 'NFC':
      return (t) => t.normalize('NFC');
    case 'Lowercase':
      return (t) => t.toLowerCase();
    case 'Replace': {
      const re = patternOf(spec.pattern, 'Replace');
      const content = typeof spec.content === 'string' ? spec.content : fail('Replace without content');
      return (t) => t.replace(re, content);
    }
    default:
      return fail(`unsupported normalizer ${String(spec.type)}`);
  }
};

/** CLIP's pre-tokeniser: Split(pattern, Removed, invert) then ByteLevel without its own regex. */
const preTokeniserOf = (spec: unknown): ((text: string) => string[]) => {
  if (!isRecord(spec)) return fail('pre_tokenizer is malformed');
  const steps = spec.type === 'Sequence' && Array.isArray(spec.pretokenizers) ? spec.pretokenizers : [spec];
  let split: RegExp | undefined;
  let byteLevel = false;
  for (const step of steps) {
    if (!isRecord(step)) return fail('pre_tokenizer step is malformed');
    if (step.type === 'Split' && step.invert === true && step.behavior === 'Removed') split = patternOf(step.pattern, 'Split');
    else if (step.type === 'ByteLevel' && step.use_regex === false && step.add_prefix_space !== true) byteLevel = true;
    else return fail(`unsupported pre_tokenizer step ${JSON.stringify(step).slice(0, 120)}`);
  }
  if (split === undefined || !byteLevel) return fail('pre_tokenizer is not CLIP’s (Split + ByteLevel)');
  const encoder = new TextEncoder();
  const pattern = split;
  return (text) => Array.from(text.matchAll(pattern), (m) => Array.from(encoder.encode(m[0]), (b) => BYTE_TO_CHAR[b] as string).join(''));
};

export type TokenizerSettings = { readonly contextLength: number; readonly padToken: string };

export const createClipTokenizer = (json: unknown, settings: TokenizerSettings): ClipTokenizer => {
  if (!isRecord(json) || !isRecord(json.model)) return fail('not a tokenizers JSON file');
  const model = json.model;
  if (model.type !== 'BPE' || !isRecord(model.vocab) || !Array.isArray(model.merges)) return fail('model is not BPE with vocab and merges');
  const suffix = typeof model.end_of_word_suffix === 'string' ? model.end_of_word_suffix : '';
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return fail(`vocab id of ${token} is not a non-negative integer`);
    vocab.set(token, id);
  }
  const added = new Map<string, number>();
  for (const token of Array.isArray(json.added_tokens) ? json.added_tokens : []) {
    if (isRecord(token) && typeof token.content === 'string' && typeof token.id === 'number') added.set(token.content, token.id);
  }
  const idOf = (token: string): number | undefined => added.get(token) ?? vocab.get(token);
  const ranks = new Map<string, number>();
  model.merges.forEach((merge, rank) => {
    const pair = typeof merge === 'string' ? merge.split(' ') : merge;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => typeof p === 'string')) return fail(`merge ${rank} is malformed`);
    ranks.set(`${pair[0]} ${pair[1]}`, rank);
  });
  const post = json.post_processor;
  const special = (key: 'cls' | 'sep'): number => {
    const entry = isRecord(post) ? post[key] : undefined;
    if (!Array.isArray(entry) || typeof entry[1] !== 'number') return fail(`post_processor lacks ${key}`);
    return entry[1];
  };
  if (!isRecord(post) || (post.type !== 'RobertaProcessing' && post.type !== 'BertProcessing')) return fail('post_processor is not RobertaProcessing');
  const [start, end] = [special('cls'), special('sep')];
  const unk = typeof model.unk_token === 'string' ? idOf(model.unk_token) : undefined;
  const pad = idOf(settings.padToken) ?? fail(`pad token ${settings.padToken} is not in the vocabulary`);
  const { contextLength } = settings;
  if (!Number.isInteger(contextLength) || contextLength < 3) return fail(`context length ${contextLength} is too small`);
  const normalise = normaliserOf(json.normalizer);
  const preTokenise = preTokeniserOf(json.pre_tokenizer);
  const addedPattern = added.size === 0 ? undefined : new RegExp([...added.keys()].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');
  const vocabSize = Math.max(...vocab.values(), ...added.values()) + 1;

  const cache = new Map<string, number[]>();
  const bpe = (word: string): number[] => {
    const hit = cache.get(word);
    if (hit !== undefined) return hit;
    const symbols = Array.from(word);
    symbols[symbols.length - 1] += suffix;
    for (;;) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right (as the reference BPE does).
      const [left, right] = [symbols[best] as string, symbols[best + 1] as string];
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
      }
    }
    const ids = symbols.flatMap((s) => {
      const id = vocab.get(s);
      if (id !== undefined) return [id];
      return unk === undefined ? fail(`no token for ${s} and no unk_token`) : [unk];
    });
    if (cache.size < 10_000) cache.set(word, ids);
    return ids;
  };

  const content = (text: string): number[] => {
    const ids: number[] = [];
    let last = 0;
    const plain = (segment: string): void => {
      for (const word of preTokenise(normalise(segment))) ids.push(...bpe(word));
    };
    if (addedPattern !== undefined) {
      for (const match of text.matchAll(addedPattern)) {
        plain(text.slice(last, match.index));
        ids.push(added.get(match[0]) as number);
        last = match.index + match[0].length;
      }
    }
    plain(text.slice(last));
    return ids;
  };

  const byId = new Map<number, string>([...vocab.entries()].map(([t, id]) => [id, t]));
  return {
    contextLength,
    vocabSize,
    encode(text) {
      if (typeof text !== 'string') throw new TypeError('text must be a string');
      const body = content(text).slice(0, contextLength - 2);
      const out = new Int32Array(contextLength).fill(pad);
      out[0] = start;
      out.set(body, 1);
      out[body.length + 1] = end;
      return out;
    },
    decode(ids) {
      const specials = new Set([start, end, pad, ...added.values()]);
      const text = Array.from(ids)
        .filter((id) => !specials.has(id))
        .map((id) => byId.get(id) ?? '')
        .join('');
      const bytes = Uint8Array.from(Array.from(suffix === '' ? text : text.split(suffix).join(' ')).flatMap((c) => (c === ' ' ? [32] : [CHAR_TO_BYTE.get(c) ?? 63])));
      return new TextDecoder().decode(bytes).trim();
    },
  };
};
