/**
 * The CLIP BPE tokenizer on a real-format tokenizer.json (generated vocabulary) and on a
 * hand-built one whose merge ranks pin the merge order.
 */
import { describe, expect, it } from 'vitest';
import { generateTokenizerJson } from './generate/clip-pack-writer.js';
import { byteLevelAlphabet, createClipTokenizer } from './tokenizer.js';

const { json } = generateTokenizerJson();
const vocab = (json as { model: { vocab: Record<string, number> } }).model.vocab;
const id = (token: string): number => {
  const value = vocab[token];
  if (value === undefined) throw new Error(`no ${token}`);
  return value;
};
const tokenizer = createClipTokenizer(json, { contextLength: 77, padToken: '<|endoftext|>' });
const [START, END] = [id('<|startoftext|>'), id('<|endoftext|>')];

describe('createClipTokenizer', () => {
  it('wraps whole-word tokens in start and end, padded with the pad token to 77', () => {
    const ids = tokenizer.encode('A  photo of a\tCAT');
    expect(ids).toHaveLength(77);
    expect(Array.from(ids.slice(0, 7))).toEqual([START, id('a</w>'), id('photo</w>'), id('of</w>'), id('a</w>'), id('cat</w>'), END]);
    expect(Array.from(ids.slice(7)).every((x) => x === END)).toBe(true);
  });

  it('falls back to byte-level symbols for unknown words and round-trips any text', () => {
    const text = 'Crème brûlée 🎂 at 5pm!';
    const ids = tokenizer.encode(text);
    expect(Array.from(ids).every((x) => x >= 0 && x < tokenizer.vocabSize)).toBe(true);
    expect(tokenizer.decode(ids)).toBe('crème brûlée 🎂 at 5 pm !');
  });

  it('truncates to the context length and keeps the end token last', () => {
    const ids = tokenizer.encode('dog '.repeat(200));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(START);
    expect(ids[76]).toBe(END);
    expect(Array.from(ids.slice(1, 76)).every((x) => x === id('dog</w>'))).toBe(true);
  });

  it('maps special tokens typed in the text to their ids', () => {
    expect(Array.from(tokenizer.encode('cat<|endoftext|>dog').slice(0, 5))).toEqual([START, id('cat</w>'), END, id('dog</w>'), END]);
  });

  it('applies merges by rank, not by position', () => {
    const alphabet = byteLevelAlphabet();
    const base = Object.fromEntries([...alphabet.map((c, i) => [c, i]), ...alphabet.map((c, i) => [`${c}</w>`, 256 + i])]);
    const tiny = {
      model: { type: 'BPE', end_of_word_suffix: '</w>', unk_token: '<|endoftext|>', vocab: { ...base, 'ow</w>': 512, lo: 513, 'low</w>': 514, '<|startoftext|>': 515, '<|endoftext|>': 516 }, merges: ['o w</w>', 'l o', 'lo w</w>'] },
      added_tokens: [{ id: 515, content: '<|startoftext|>' }, { id: 516, content: '<|endoftext|>' }],
      normalizer: (json as { normalizer: unknown }).normalizer,
      pre_tokenizer: (json as { pre_tokenizer: unknown }).pre_tokenizer,
      post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', 516], cls: ['<|startoftext|>', 515] },
    };
    const t = createClipTokenizer(tiny, { contextLength: 8, padToken: '<|endoftext|>' });
    // "o w</w>" (rank 0) wins over "l o" (rank 1), after which nothing merges.
    expect(Array.from(t.encode('low'))).toEqual([515, base.l, 512, 516, 516, 516, 516, 516]);
  });

  it('refuses tokenizer files it cannot follow exactly', () => {
    expect(() => createClipTokenizer({ model: { type: 'WordPiece' } }, { contextLength: 77, padToken: '<|endoftext|>' })).toThrow(/not BPE/);
    expect(() => createClipTokenizer({ ...json, normalizer: { type: 'NFKD' } }, { contextLength: 77, padToken: '<|endoftext|>' })).toThrow(/unsupported normalizer NFKD/);
    expect(() => createClipTokenizer(json, { contextLength: 77, padToken: '<pad>' })).toThrow(/pad token <pad>/);
    expect(() => tokenizer.encode(42 as unknown as string)).toThrow(TypeError);
  });
});
