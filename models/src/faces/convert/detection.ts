/**
 * face-api's SSD MobileNetV1 face detector (512×512 RGB in) as an ONNX graph: the MobileNetV1
 * backbone, the extra feature layers, the six box/class predictor heads and the anchor box
 * decoding, ending in `boxes` [N, 5118, 4] (ymin, xmin, ymax, xmax, relative to the padded
 * square) and `scores` [N, 5118] (sigmoid of the face class). Non-max suppression stays in
 * TypeScript (`detectionsFromNetwork` in ../postprocess.ts), as in face-api.
 * The faithful graph is 512×512 with face-api's own anchors; a smaller input (an explicit,
 * opt-in speed setting) gets the same anchor boxes laid on its smaller feature grids.
 *
 *   const graph = buildDetectionGraph(await readTfjsWeights(dir, DETECTION_WEIGHTS));
 *   writeFileSync('detection/model.onnx', graph.encode());
 */
import { OnnxGraph, type Value } from './onnx-graph.js';
import { clip, conv2d } from './tf-layers.js';
import { floatWeight, type TfjsWeightMap } from './tfjs-weights.js';

export const DETECTION_WEIGHTS = 'ssd_mobilenetv1_model';
export const DETECTION_INPUT_SIZE = 512;
export const DETECTION_ANCHORS = 5118;
const BATCH_NORM_EPSILON = 0.0010000000474974513;

const pointwiseConvLayer = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, strides: number): Value => {
  const bias = floatWeight(w, `${prefix}/convolution_bn_offset`, 1).data;
  return clip(g, conv2d(g, x, floatWeight(w, `${prefix}/weights`, 4), { strides, padding: 'same', bias, hint: prefix }), 0, 6);
};

const depthwiseConvLayer = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, strides: number): Value => {
  const out = conv2d(g, x, floatWeight(w, `${prefix}/depthwise_weights`, 4), { strides, padding: 'same', depthwise: true, hint: prefix });
  const bn = (name: string): string => {
    const weight = floatWeight(w, `${prefix}/BatchNorm/${name}`, 1);
    return g.constant(`${prefix}/bn/${name}`, [weight.data.length], weight.data);
  };
  const normed = g.node(
    'BatchNormalization',
    [out.name, bn('gamma'), bn('beta'), bn('moving_mean'), bn('moving_variance')],
    { epsilon: { float: BATCH_NORM_EPSILON } },
    out.shape,
    `${prefix}/bn`,
  );
  return clip(g, normed, 0, 6);
};

/** One head: 1×1 conv → NHWC → [N, cells·anchors, width]. */
const head = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, width: number): Value => {
  const out = conv2d(g, x, floatWeight(w, `${prefix}/weights`, 4), { strides: 1, padding: 'same', bias: floatWeight(w, `${prefix}/biases`, 1).data, hint: prefix });
  const [c, h, wd] = out.shape as [number, number, number];
  const nhwc = g.node('Transpose', [out.name], { perm: [0, 2, 3, 1] }, [h, wd, c]);
  const rows = (h * wd * c) / width;
  return g.node('Reshape', [nhwc.name, g.int64s('reshape/shape', [0, rows, width])], {}, [rows, width]);
};

/** Per head: the feature grid's side and how many anchors each cell has. */
export type AnchorLayer = { readonly cells: number; readonly perCell: number };

/**
 * Anchors (ymin, xmin, ymax, xmax) for other grid sides: each head keeps face-api's anchor box
 * sizes (read from its first cell) and centres them on its cells at ((i + ½) / side), which is how
 * TF's SSD anchor generator placed face-api's own. At the 512 grids this reproduces face-api's
 * anchors (tested), so the smaller graphs only differ in resolution.
 */
export const regridAnchors = (original: Float32Array, from: readonly AnchorLayer[], to: readonly AnchorLayer[]): Float32Array => {
  const f = Math.fround;
  const out = new Float32Array(to.reduce((sum, l) => sum + l.cells * l.cells * l.perCell, 0) * 4);
  let source = 0;
  let target = 0;
  from.forEach((layer, i) => {
    const grid = to[i] as AnchorLayer;
    for (let row = 0; row < grid.cells; row++) {
      for (let col = 0; col < grid.cells; col++) {
        const cy = f((row + 0.5) / grid.cells);
        const cx = f((col + 0.5) / grid.cells);
        for (let k = 0; k < layer.perCell; k++) {
          const at = (source + k) * 4;
          const h = f((original[at + 2] as number) - (original[at] as number));
          const wd = f((original[at + 3] as number) - (original[at + 1] as number));
          out.set([f(cy - f(h / 2)), f(cx - f(wd / 2)), f(cy + f(h / 2)), f(cx + f(wd / 2))], (target + k) * 4);
        }
        target += layer.perCell;
      }
    }
    source += layer.cells * layer.cells * layer.perCell;
  });
  return out;
};

/** Anchor sizes and centres, computed with float32 rounding exactly as face-api's outputLayer does. */
const anchorTensors = (anchors: Float32Array): { sizes: [Float32Array, Float32Array]; centres: [Float32Array, Float32Array] } => {
  const n = anchors.length / 4;
  const f = Math.fround;
  const sizes: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  const centres: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    for (const axis of [0, 1] as const) {
      const size = f((anchors[i * 4 + axis + 2] as number) - (anchors[i * 4 + axis] as number));
      sizes[axis][i] = size;
      centres[axis][i] = f((anchors[i * 4 + axis] as number) + f(size / 2));
    }
  }
  return { sizes, centres };
};

/** outputLayer's decodeBoxesLayer: centre-size offsets (÷10, ÷5 scale factors) → corners. */
const decodeBoxes = (g: OnnxGraph, anchors: Float32Array, encodings: Value): Value => {
  const n = encodings.shape[0] as number;
  const { sizes, centres } = anchorTensors(anchors);
  const scalar = (v: number): string => g.constant('decode/scalar', [], new Float32Array([v]));
  const column = (i: number): string => {
    const slice = g.node('Slice', [encodings.name, g.int64s('decode/start', [i]), g.int64s('decode/end', [i + 1]), g.int64s('decode/axes', [2])], {}, [n, 1]);
    return g.node('Squeeze', [slice.name, g.int64s('decode/axes', [2])], {}, [n]).name;
  };
  const op = (type: string, ...inputs: string[]): string => g.node(type, inputs, {}, [n], `decode/${type.toLowerCase()}`).name;
  const lows: string[] = [];
  const highs: string[] = [];
  for (const axis of [0, 1] as const) {
    const size = g.constant(`decode/size${axis}`, [n], sizes[axis]);
    const centre = g.constant(`decode/centre${axis}`, [n], centres[axis]);
    const half = op('Div', op('Mul', op('Exp', op('Div', column(axis + 2), scalar(5))), size), scalar(2));
    const mid = op('Add', op('Mul', op('Div', column(axis), scalar(10)), size), centre);
    lows.push(op('Sub', mid, half));
    highs.push(op('Add', mid, half));
  }
  const axes = g.int64s('decode/axes', [2]);
  const corners = [...lows, ...highs].map((corner) => g.node('Unsqueeze', [corner, axes], {}, [n, 1]).name);
  return g.node('Concat', corners, { axis: 2 }, [n, 4], 'decode/corners');
};

/** sigmoid of the face class logit (column 1 of background, face, unused). */
const faceScores = (g: OnnxGraph, classes: Value): Value => {
  const n = classes.shape[0] as number;
  const slice = g.node('Slice', [classes.name, g.int64s('scores/start', [1]), g.int64s('scores/end', [2]), g.int64s('scores/axes', [2])], {}, [n, 1]);
  const logits = g.node('Squeeze', [slice.name, g.int64s('scores/axes', [2])], {}, [n]);
  return g.node('Sigmoid', [logits.name], {}, [n], 'face_probability');
};

/** The graph for a square input of `inputSize` (a multiple of 32; 512 is face-api's own). */
/** The 512 graph's grids (32, 16, 8, 4, 2, 1), with the anchors per cell of `layers`. */
const faceApiAnchorLayers = (layers: readonly AnchorLayer[]): AnchorLayer[] => layers.map((layer, i) => ({ cells: DETECTION_INPUT_SIZE / 16 / 2 ** i, perCell: layer.perCell }));

export const buildDetectionGraph = (w: TfjsWeightMap, inputSize: number = DETECTION_INPUT_SIZE): OnnxGraph => {
  if (!Number.isInteger(inputSize) || inputSize % 32 !== 0 || inputSize < 64) throw new Error(`detector input ${inputSize} is not a multiple of 32 of at least 64`);
  const g = new OnnxGraph(inputSize === DETECTION_INPUT_SIZE ? 'ssd_mobilenetv1' : `ssd_mobilenetv1_${inputSize}`);
  const input = g.input('input', [3, inputSize, inputSize]);
  const scaled = g.node('Div', [input.name, g.constant('normalize/divisor', [], new Float32Array([127.5]))], {}, input.shape, 'normalize/div');
  let x = g.node('Sub', [scaled.name, g.constant('normalize/one', [], new Float32Array([1]))], {}, input.shape, 'normalize/sub');
  x = pointwiseConvLayer(g, w, x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11 = x;
  for (let layer = 1; layer <= 13; layer++) {
    const strides = [2, 4, 6, 12].includes(layer) ? 2 : 1;
    x = depthwiseConvLayer(g, w, x, `MobilenetV1/Conv2d_${layer}_depthwise`, strides);
    x = pointwiseConvLayer(g, w, x, `MobilenetV1/Conv2d_${layer}_pointwise`, 1);
    if (layer === 11) conv11 = x;
  }
  const extra: Value[] = [];
  let feature = x;
  for (let layer = 0; layer <= 7; layer++) {
    feature = pointwiseConvLayer(g, w, feature, `Prediction/Conv2d_${layer}_pointwise`, layer % 2 === 1 ? 2 : 1);
    extra.push(feature);
  }
  const sources = [conv11, x, extra[1], extra[3], extra[5], extra[7]] as Value[];
  const boxes: Value[] = [];
  const classes: Value[] = [];
  sources.forEach((source, i) => {
    boxes.push(head(g, w, source, `Prediction/BoxPredictor_${i}/BoxEncodingPredictor`, 4));
    classes.push(head(g, w, source, `Prediction/BoxPredictor_${i}/ClassPredictor`, 3));
  });
  const rows = boxes.reduce((sum, b) => sum + (b.shape[0] as number), 0);
  const layers = sources.map((source, i) => ({ cells: source.shape[1] as number, perCell: (boxes[i]?.shape[0] as number) / (source.shape[1] as number) ** 2 }));
  const original = floatWeight(w, 'Output/extra_dim', 3).data;
  const anchors = inputSize === DETECTION_INPUT_SIZE ? original : regridAnchors(original, faceApiAnchorLayers(layers), layers);
  if (rows * 4 !== anchors.length || (inputSize === DETECTION_INPUT_SIZE && rows !== DETECTION_ANCHORS)) throw new Error(`detector heads give ${rows} boxes, anchors are ${anchors.length / 4}`);
  const encodings = g.node('Concat', boxes.map((b) => b.name), { axis: 1 }, [rows, 4], 'box_encodings');
  const logits = g.node('Concat', classes.map((c) => c.name), { axis: 1 }, [rows, 3], 'class_logits');
  g.output(decodeBoxes(g, anchors, encodings), 'boxes');
  g.output(faceScores(g, logits), 'scores');
  return g;
};
