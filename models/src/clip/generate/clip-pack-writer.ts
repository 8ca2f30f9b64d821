/**
 * Writes a generated CLIP pack in Immich's layout: random-weight visual and textual graphs of a
 * given architecture (clip-graphs.ts), open_clip's config.json and preprocess_cfg.json (OpenAI
 * mean and std), a real-format byte-level BPE tokenizer.json whose merges are learned from a
 * small built-in corpus, tokenizer_config.json, and manifest.json. Deterministic for a seed.
 *
 *   await writeGeneratedClipPack({ outDir: 'models/packs/clip-test', id: 'clip-test', spec: TINY_CLIP });
 *   await writeGeneratedClipPack({ outDir: 'bench/tmp/vit-b-32', id: 'ViT-B-32-random', spec: VIT_B_32, visualOnly: true });
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeClipManifest } from '../../packs/install-pack.js';
import { CLIP_FILES, type ClipPackManifest } from '../clip-pack.js';
import { byteLevelAlphabet } from '../tokenizer.js';
import { buildTextualGraph, buildVisualGraph, seededRandom, type ClipSpec } from './clip-graphs.js';

/** A small CLIP: real input/output names and shapes (224² image, 77 tokens, 512-d), tiny insides. */
export const TINY_CLIP: ClipSpec = {
  embedDim: 512,
  vision: { imageSize: 224, patchSize: 32, width: 64, layers: 2, heads: 4 },
  text: { contextLength: 77, vocabSize: 0, width: 64, layers: 2, heads: 4 },
};

export const OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const OPENAI_STD = [0.26862954, 0.26130258, 0.27577711] as const;

const CORPUS = `a photo of a cat. a photo of a dog. a picture of the beach at sunset. people on a mountain in the snow.
a birthday party with a cake and candles. the city at night with lights. a child playing football in the park.
a red car on the street. a bowl of fruit on the table. two dogs running on the beach. a cat sleeping on the sofa.
flowers in the garden. a wedding photo of the bride and groom. the family at dinner. a boat on the lake.
a selfie with friends at the concert. the old house in the countryside. a plate of pasta. trees in the autumn forest.`;

/** Learns `count` byte-level BPE merges with the `</w>` suffix from the corpus (plain greedy BPE training). */
const learnMerges = (count: number): [string, string][] => {
  const alphabet = byteLevelAlphabet();
  const words = new Map<string, number>();
  for (const word of CORPUS.toLowerCase().match(/[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu) ?? []) {
    const symbols = Array.from(new TextEncoder().encode(word), (b) => alphabet[b] as string);
    symbols[symbols.length - 1] += '</w>';
    const key = symbols.join(' ');
    words.set(key, (words.get(key) ?? 0) + 1);
  }
  const merges: [string, string][] = [];
  let state = [...words.entries()].map(([k, n]) => ({ symbols: k.split(' '), n }));
  while (merges.length < count) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of state) for (let i = 0; i + 1 < symbols.length; i++) pairs.set(`${symbols[i]} ${symbols[i + 1]}`, (pairs.get(`${symbols[i]} ${symbols[i + 1]}`) ?? 0) + n);
    const best = [...pairs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (best === undefined) break;
    const [left, right] = best[0].split(' ') as [string, string];
    merges.push([left, right]);
    state = state.map(({ symbols, n }) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          out.push(left + right);
          i++;
        } else out.push(symbols[i] as string);
      }
      return { symbols: out, n };
    });
  }
  return merges;
};

/** A tokenizer.json in the exact format of openai/clip-vit-base-patch32's (smaller vocabulary). */
export const generateTokenizerJson = (mergeCount = 300): { json: object; vocabSize: number } => {
  const alphabet = byteLevelAlphabet();
  const vocab: Record<string, number> = {};
  let next = 0;
  for (const c of alphabet) vocab[c] = next++;
  for (const c of alphabet) vocab[`${c}</w>`] = next++;
  const merges = learnMerges(mergeCount);
  for (const [a, b] of merges) if (vocab[a + b] === undefined) vocab[a + b] = next++;
  const start = next++;
  const end = next++;
  vocab['<|startoftext|>'] = start;
  vocab['<|endoftext|>'] = end;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    vocabSize: next,
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(start, '<|startoftext|>'), special(end, '<|endoftext|>')],
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', end], cls: ['<|startoftext|>', start], trim_offsets: false, add_prefix_space: false },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
    },
  };
};

export type GeneratedPackOptions = { readonly outDir: string; readonly id: string; readonly spec: ClipSpec; readonly seed?: number };

/** Writes the pack and its manifest; returns the manifest. */
export const writeGeneratedClipPack = async ({ outDir, id, spec, seed = 1 }: GeneratedPackOptions): Promise<ClipPackManifest> => {
  const tokenizer = generateTokenizerJson();
  const text = { ...spec.text, vocabSize: Math.max(spec.text.vocabSize, tokenizer.vocabSize) };
  const files: [string, Uint8Array | string][] = [
    [CLIP_FILES.config, JSON.stringify({ embed_dim: spec.embedDim, vision_cfg: { image_size: spec.vision.imageSize, layers: spec.vision.layers, width: spec.vision.width, patch_size: spec.vision.patchSize }, text_cfg: { context_length: text.contextLength, vocab_size: text.vocabSize, width: text.width, heads: text.heads, layers: text.layers } }, null, 2)],
    [CLIP_FILES.preprocess, JSON.stringify({ size: [spec.vision.imageSize, spec.vision.imageSize], mode: 'RGB', mean: OPENAI_MEAN, std: OPENAI_STD, interpolation: 'bicubic', resize_mode: 'shortest', fill_color: 0 }, null, 2)],
    [CLIP_FILES.tokenizer, JSON.stringify(tokenizer.json)],
    [CLIP_FILES.tokenizerConfig, JSON.stringify({ add_prefix_space: false, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>', model_max_length: text.contextLength, tokenizer_class: 'CLIPTokenizer' }, null, 2)],
    [CLIP_FILES.visual, buildVisualGraph(spec.vision, spec.embedDim, seededRandom(seed)).encode('random-weight CLIP visual encoder (shoebox generator)')],
    [CLIP_FILES.textual, buildTextualGraph(text, spec.embedDim, seededRandom(seed + 1)).encode('random-weight CLIP text encoder (shoebox generator)')],
  ];
  for (const [path, content] of files) {
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), content);
  }
  return writeClipManifest(outDir, { id, licence: 'generated, public domain', source: `shoebox clip generator, seed ${seed}` });
};
