/**
 * TensorFlow.js layer semantics written as ONNX nodes. face-api runs NHWC with TF's padding
 * rules ('same' pads the extra row/column at the end); ONNX runs NCHW, so filters are transposed
 * (HWIO → OIHW) and 'same' becomes explicit, possibly asymmetric, pads computed from static shapes.
 *
 *   const y = conv2d(g, x, floatWeight(w, 'conv/filters', 4), { strides: 2, padding: 'same', bias });
 *   const z = relu(g, channelAffine(g, y, scale, shift));
 */
import type { OnnxGraph, Value } from './onnx-graph.js';

export type Padding = 'same' | 'valid';
export type FloatTensor = { readonly shape: readonly number[]; readonly data: Float32Array };

/** TF's output size and [before, after] padding for one spatial axis. */
export const tfPadding = (size: number, kernel: number, stride: number, padding: Padding): { out: number; pads: [number, number] } => {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, pads: [0, 0] };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, pads: [before, total - before] };
};

/** HWIO (TF conv2d filters) → OIHW (ONNX Conv weights). */
export const hwioToOihw = (filter: FloatTensor): Float32Array => {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const out = new Float32Array(filter.data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + w] = filter.data[((h * kw + w) * ci + i) * co + o] as number;
  return out;
};

/** [kh, kw, C, M] (TF depthwise filters) → [C·M, 1, kh, kw] (ONNX grouped Conv, group = C). */
export const depthwiseToOnnx = (filter: FloatTensor): Float32Array => {
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const out = new Float32Array(filter.data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let ch = 0; ch < c; ch++)
        for (let j = 0; j < m; j++) out[((ch * m + j) * kh + h) * kw + w] = filter.data[((h * kw + w) * c + ch) * m + j] as number;
  return out;
};

type ConvOptions = { strides: number; padding: Padding; bias?: Float32Array; depthwise?: boolean; hint?: string };

/** tf.conv2d (or tf.depthwiseConv2d when `depthwise`) with an optional bias folded into the Conv. */
export const conv2d = (g: OnnxGraph, x: Value, filter: FloatTensor, options: ConvOptions): Value => {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const [c, h, w] = x.shape as [number, number, number];
  const depthwise = options.depthwise === true;
  if (ci !== c) throw new Error(`conv ${options.hint ?? ''}: filter expects ${ci} channels, input has ${c}`);
  const outChannels = depthwise ? ci * co : co;
  const hint = options.hint ?? 'conv';
  const weight = g.constant(`${hint}/weight`, depthwise ? [outChannels, 1, kh, kw] : [co, ci, kh, kw], depthwise ? depthwiseToOnnx(filter) : hwioToOihw(filter));
  const inputs = [x.name, weight];
  if (options.bias !== undefined) {
    if (options.bias.length !== outChannels) throw new Error(`conv ${hint}: bias has ${options.bias.length} values for ${outChannels} channels`);
    inputs.push(g.constant(`${hint}/bias`, [outChannels], options.bias));
  }
  const y = tfPadding(h, kh, options.strides, options.padding);
  const xAxis = tfPadding(w, kw, options.strides, options.padding);
  return g.node(
    'Conv',
    inputs,
    {
      kernel_shape: [kh, kw],
      strides: [options.strides, options.strides],
      pads: [y.pads[0], xAxis.pads[0], y.pads[1], xAxis.pads[1]],
      dilations: [1, 1],
      group: depthwise ? ci : 1,
    },
    [outChannels, y.out, xAxis.out],
    hint,
  );
};

/** x · scale + shift per channel (either may be omitted), as separate Mul and Add like face-api. */
export const channelAffine = (g: OnnxGraph, x: Value, scale: Float32Array | undefined, shift: Float32Array | undefined, hint = 'affine'): Value => {
  const channels = x.shape[0] as number;
  let out = x;
  if (scale !== undefined) out = g.node('Mul', [out.name, g.constant(`${hint}/scale`, [channels, 1, 1], scale)], {}, out.shape, `${hint}/mul`);
  if (shift !== undefined) out = g.node('Add', [out.name, g.constant(`${hint}/shift`, [channels, 1, 1], shift)], {}, out.shape, `${hint}/add`);
  return out;
};

export const relu = (g: OnnxGraph, x: Value): Value => g.node('Relu', [x.name], {}, x.shape);

export const add = (g: OnnxGraph, a: Value, b: Value): Value => {
  if (a.shape.join() !== b.shape.join()) throw new Error(`add: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  return g.node('Add', [a.name, b.name], {}, a.shape);
};

/** tf.clipByValue(x, lo, hi). */
export const clip = (g: OnnxGraph, x: Value, lo: number, hi: number): Value => {
  const bounds = (hint: string, v: number): string => g.constant(hint, [], new Float32Array([v]));
  return g.node('Clip', [x.name, bounds('clip/min', lo), bounds('clip/max', hi)], {}, x.shape);
};

/** tf.maxPool / tf.avgPool with TF padding. */
export const pool = (g: OnnxGraph, kind: 'max' | 'avg', x: Value, kernel: number, stride: number, padding: Padding): Value => {
  const [c, h, w] = x.shape as [number, number, number];
  const y = tfPadding(h, kernel, stride, padding);
  const xAxis = tfPadding(w, kernel, stride, padding);
  if (kind === 'avg' && (y.pads[0] + y.pads[1] + xAxis.pads[0] + xAxis.pads[1]) > 0) {
    throw new Error('avg pool with padding: TF excludes pads from the average; not needed by face-api');
  }
  return g.node(
    kind === 'max' ? 'MaxPool' : 'AveragePool',
    [x.name],
    { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [y.pads[0], xAxis.pads[0], y.pads[1], xAxis.pads[1]] },
    [c, y.out, xAxis.out],
  );
};

/** Zero-pads the end of the channel, height and width axes (NCHW; batch untouched). */
export const padEnd = (g: OnnxGraph, x: Value, extra: readonly [number, number, number]): Value => {
  const [c, h, w] = x.shape as [number, number, number];
  const pads = g.int64s('pad/pads', [0, 0, 0, 0, 0, extra[0], extra[1], extra[2]]);
  return g.node('Pad', [x.name, pads], { mode: 'constant' }, [c + extra[0], h + extra[1], w + extra[2]]);
};

/** [C, 1, 1] or [C, H, W] features → [C·H·W] in NHWC order, as TF's reshape would flatten them. */
export const flattenNhwc = (g: OnnxGraph, x: Value): Value => {
  const [c, h, w] = x.shape as [number, number, number];
  const nhwc = h === 1 && w === 1 ? x : g.node('Transpose', [x.name], { perm: [0, 2, 3, 1] }, [h, w, c]);
  return g.node('Flatten', [nhwc.name], { axis: 1 }, [c * h * w]);
};

/** x · W (+ bias) for x: [N, I], W: [I, O] as stored by TF. */
export const dense = (g: OnnxGraph, x: Value, weights: FloatTensor, bias: Float32Array | undefined, hint = 'fc'): Value => {
  const [i, o] = weights.shape as [number, number];
  if (x.shape[0] !== i) throw new Error(`dense ${hint}: input has ${x.shape[0]} features, weights expect ${i}`);
  const product = g.node('MatMul', [x.name, g.constant(`${hint}/weights`, [i, o], weights.data)], {}, [o], `${hint}/matmul`);
  if (bias === undefined) return product;
  return g.node('Add', [product.name, g.constant(`${hint}/bias`, [o], bias)], {}, [o], `${hint}/add`);
};
