/**
 * CLIP-shaped ONNX graphs with random weights, for tests and benchmarks: open_clip's
 * VisionTransformer (patch Conv, class token, positions, pre-LN, pre-norm residual blocks with
 * QuickGELU MLPs, post-LN of the class token, projection) and its text Transformer (token and
 * position embeddings, causal blocks, final LN, the end-of-text token's features, projection).
 * Inputs and outputs are named and shaped as in Immich's exported packs: `image` [N, 3, S, S]
 * float32 → `embedding` [N, D]; `text` [N, 77] int32 → `embedding` [N, D]. Opset 17.
 *
 *   const bytes = buildVisualGraph(VIT_B_32.vision, VIT_B_32.embedDim, seededRandom(1)).encode();
 *   const text = buildTextualGraph(VIT_B_32.text, VIT_B_32.embedDim, seededRandom(2)).encode();
 */
import { OnnxGraph, type Value } from '../../faces/convert/onnx-graph.js';

export type VisionSpec = { readonly imageSize: number; readonly patchSize: number; readonly width: number; readonly layers: number; readonly heads: number };
export type TextSpec = { readonly contextLength: number; readonly vocabSize: number; readonly width: number; readonly layers: number; readonly heads: number };
export type ClipSpec = { readonly embedDim: number; readonly vision: VisionSpec; readonly text: TextSpec };

/** open_clip's ViT-B-32 (OpenAI): exactly its tensor shapes. */
export const VIT_B_32: ClipSpec = {
  embedDim: 512,
  vision: { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12 },
  text: { contextLength: 77, vocabSize: 49408, width: 512, layers: 12, heads: 8 },
};

export const OPSET_CLIP = 17;

/** Deterministic N(0, 1)-ish numbers (xorshift32 + Irwin–Hall of 4), so packs are reproducible. */
export const seededRandom = (seed: number): (() => number) => {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return () => (uniform() + uniform() + uniform() + uniform() - 2) * Math.sqrt(3);
};

class Builder {
  constructor(
    readonly g: OnnxGraph,
    private readonly random: () => number,
  ) {}

  weights(hint: string, dims: readonly number[], std: number): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = this.random() * std;
    return this.g.constant(hint, dims, data);
  }

  filled(hint: string, dims: readonly number[], value: number): string {
    return this.g.constant(hint, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
  }

  linear(x: Value, out: number, hint: string, bias = true): Value {
    const inner = x.shape[x.shape.length - 1] as number;
    const shape = [...x.shape.slice(0, -1), out];
    const y = this.g.node('MatMul', [x.name, this.weights(`${hint}/w`, [inner, out], 1 / Math.sqrt(inner))], {}, shape, `${hint}/matmul`);
    return bias ? this.g.node('Add', [y.name, this.weights(`${hint}/b`, [out], 0.02)], {}, shape, `${hint}/add`) : y;
  }

  layerNorm(x: Value, hint: string): Value {
    const width = x.shape[x.shape.length - 1] as number;
    return this.g.node('LayerNormalization', [x.name, this.filled(`${hint}/gamma`, [width], 1), this.filled(`${hint}/beta`, [width], 0)], { axis: -1, epsilon: { float: 1e-5 } }, x.shape, hint);
  }

  /** Multi-head self-attention over [T, W]; `causal` masks later positions (text). */
  attention(x: Value, heads: number, causal: boolean, hint: string): Value {
    const [tokens, width] = x.shape as [number, number];
    const dh = width / heads;
    const split = (v: Value, perm: number[], name: string): Value => {
      const r = this.g.node('Reshape', [v.name, this.g.int64s(`${name}/shape`, [0, tokens, heads, dh])], {}, [tokens, heads, dh], `${name}/reshape`);
      const shape = perm.slice(1).map((p) => [tokens, heads, dh][p - 1] as number);
      return this.g.node('Transpose', [r.name], { perm }, shape, `${name}/transpose`);
    };
    const q = split(this.linear(x, width, `${hint}/q`), [0, 2, 1, 3], `${hint}/q`);
    const k = split(this.linear(x, width, `${hint}/k`), [0, 2, 3, 1], `${hint}/k`);
    const v = split(this.linear(x, width, `${hint}/v`), [0, 2, 1, 3], `${hint}/v`);
    let scores = this.g.node('MatMul', [q.name, k.name], {}, [heads, tokens, tokens], `${hint}/scores`);
    scores = this.g.node('Mul', [scores.name, this.filled(`${hint}/scale`, [1], 1 / Math.sqrt(dh))], {}, scores.shape, `${hint}/scaled`);
    if (causal) {
      const mask = new Float32Array(tokens * tokens);
      for (let i = 0; i < tokens; i++) for (let j = i + 1; j < tokens; j++) mask[i * tokens + j] = -1e9;
      scores = this.g.node('Add', [scores.name, this.g.constant(`${hint}/mask`, [tokens, tokens], mask)], {}, scores.shape, `${hint}/masked`);
    }
    const probs = this.g.node('Softmax', [scores.name], { axis: -1 }, scores.shape, `${hint}/softmax`);
    const mixed = this.g.node('MatMul', [probs.name, v.name], {}, [heads, tokens, dh], `${hint}/mixed`);
    const back = this.g.node('Transpose', [mixed.name], { perm: [0, 2, 1, 3] }, [tokens, heads, dh], `${hint}/merge`);
    const flat = this.g.node('Reshape', [back.name, this.g.int64s(`${hint}/flat`, [0, tokens, width])], {}, [tokens, width], `${hint}/flat`);
    return this.linear(flat, width, `${hint}/out`);
  }

  /** open_clip ResidualAttentionBlock: x + attn(ln_1(x)); x + mlp(ln_2(x)), QuickGELU. */
  block(x: Value, heads: number, causal: boolean, hint: string): Value {
    const width = x.shape[1] as number;
    const attended = this.g.node('Add', [x.name, this.attention(this.layerNorm(x, `${hint}/ln_1`), heads, causal, `${hint}/attn`).name], {}, x.shape, `${hint}/res1`);
    const hidden = this.linear(this.layerNorm(attended, `${hint}/ln_2`), width * 4, `${hint}/c_fc`);
    const gate = this.g.node('Sigmoid', [this.g.node('Mul', [hidden.name, this.filled(`${hint}/gelu`, [1], 1.702)], {}, hidden.shape, `${hint}/gelu_in`).name], {}, hidden.shape, `${hint}/gelu_sig`);
    const activated = this.g.node('Mul', [hidden.name, gate.name], {}, hidden.shape, `${hint}/quick_gelu`);
    return this.g.node('Add', [attended.name, this.linear(activated, width, `${hint}/c_proj`).name], {}, x.shape, `${hint}/res2`);
  }
}

export const buildVisualGraph = (spec: VisionSpec, embedDim: number, random: () => number): OnnxGraph => {
  const { imageSize, patchSize, width, layers, heads } = spec;
  const grid = imageSize / patchSize;
  if (!Number.isInteger(grid) || width % heads !== 0) throw new Error(`bad vision spec ${JSON.stringify(spec)}`);
  const g = new OnnxGraph('clip-visual', { opset: OPSET_CLIP, producer: 'shoebox-clip-generator' });
  const b = new Builder(g, random);
  const image = g.input('image', [3, imageSize, imageSize]);
  const patches = g.node('Conv', [image.name, b.weights('conv1/w', [width, 3, patchSize, patchSize], 1 / Math.sqrt(3 * patchSize * patchSize))], { kernel_shape: [patchSize, patchSize], strides: [patchSize, patchSize] }, [width, grid, grid], 'conv1');
  const flat = g.node('Reshape', [patches.name, g.int64s('patches/shape', [0, width, grid * grid])], {}, [width, grid * grid], 'patches');
  const tokens = g.node('Transpose', [flat.name], { perm: [0, 2, 1] }, [grid * grid, width], 'tokens');
  // The class token, broadcast over the batch: any token × 0 + the learned embedding.
  const first = g.node('Slice', [tokens.name, g.int64s('cls/start', [0]), g.int64s('cls/end', [1]), g.int64s('cls/axes', [1])], {}, [1, width], 'cls/slice');
  const zero = g.node('Mul', [first.name, b.filled('cls/zero', [1], 0)], {}, [1, width], 'cls/zero');
  const cls = g.node('Add', [zero.name, b.weights('class_embedding', [1, width], 0.02)], {}, [1, width], 'cls');
  const sequence = g.node('Concat', [cls.name, tokens.name], { axis: 1 }, [grid * grid + 1, width], 'sequence');
  let x = g.node('Add', [sequence.name, b.weights('positional_embedding', [grid * grid + 1, width], 0.01)], {}, sequence.shape, 'positioned');
  x = b.layerNorm(x, 'ln_pre');
  for (let i = 0; i < layers; i++) x = b.block(x, heads, false, `resblocks.${i}`);
  const pooled = g.node('Gather', [x.name, g.int64s('pool/index', [0])], { axis: 1 }, [1, width], 'pool');
  const squeezed = g.node('Reshape', [pooled.name, g.int64s('pool/shape', [0, width])], {}, [width], 'pooled');
  const embedding = b.linear(b.layerNorm(squeezed, 'ln_post'), embedDim, 'proj', false);
  g.output(embedding, 'embedding');
  return g;
};

export const buildTextualGraph = (spec: TextSpec, embedDim: number, random: () => number): OnnxGraph => {
  const { contextLength, vocabSize, width, layers, heads } = spec;
  if (width % heads !== 0) throw new Error(`bad text spec ${JSON.stringify(spec)}`);
  const g = new OnnxGraph('clip-textual', { opset: OPSET_CLIP, producer: 'shoebox-clip-generator' });
  const b = new Builder(g, random);
  const text = g.input('text', [contextLength], 'int32');
  const embedded = g.node('Gather', [b.weights('token_embedding', [vocabSize, width], 0.02), text.name], { axis: 0 }, [contextLength, width], 'token_embedding');
  let x = g.node('Add', [embedded.name, b.weights('positional_embedding', [contextLength, width], 0.01)], {}, embedded.shape, 'positioned');
  for (let i = 0; i < layers; i++) x = b.block(x, heads, true, `resblocks.${i}`);
  x = b.layerNorm(x, 'ln_final');
  // x[arange(N), text.argmax(-1)]: the end-of-text token has the largest id (first one wins).
  const asFloat = g.node('Cast', [text.name], { to: 1 }, [contextLength], 'text_float');
  const eot = g.node('ArgMax', [asFloat.name], { axis: 1, keepdims: 1 }, [1], 'eot');
  const oneHot = g.node('OneHot', [eot.name, g.int64s('eot/depth', [contextLength]), g.constant('eot/values', [2], Float32Array.from([0, 1]))], { axis: -1 }, [1, contextLength], 'eot_onehot');
  const chosen = g.node('MatMul', [oneHot.name, x.name], {}, [1, width], 'eot_features');
  const squeezed = g.node('Reshape', [chosen.name, g.int64s('eot/shape', [0, width])], {}, [width], 'eot_squeezed');
  g.output(b.linear(squeezed, embedDim, 'text_projection', false), 'embedding');
  return g;
};
