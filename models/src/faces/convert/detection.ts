/**
 * face-api's SSD MobileNetV1 face detector (512×512 RGB in) as an ONNX graph: the MobileNetV1
 * backbone, the extra feature layers, the six box/class predictor heads and the anchor box
 * decoding, ending in `boxes` [N, 5118, 4] (ymin, xmin, ymax, xmax, relative to the padded
 * square) and `scores` [N, 5118] (sigmoid of the face class). Non-max suppression stays in
 * TypeScript (`detectionsFromNetwork` in ../postprocess.ts), as in face-api.
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

/** Anchor sizes and centres, computed with float32 rounding exactly as face-api's outputLayer does. */
const anchorTensors = (w: TfjsWeightMap): { sizes: [Float32Array, Float32Array]; centres: [Float32Array, Float32Array] } => {
  const anchors = floatWeight(w, 'Output/extra_dim', 3).data;
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
const decodeBoxes = (g: OnnxGraph, w: TfjsWeightMap, encodings: Value): Value => {
  const n = encodings.shape[0] as number;
  const { sizes, centres } = anchorTensors(w);
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

export const buildDetectionGraph = (w: TfjsWeightMap): OnnxGraph => {
  const g = new OnnxGraph('ssd_mobilenetv1');
  const input = g.input('input', [3, DETECTION_INPUT_SIZE, DETECTION_INPUT_SIZE]);
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
  if (rows !== DETECTION_ANCHORS) throw new Error(`detector heads give ${rows} boxes, anchors are ${DETECTION_ANCHORS}`);
  const encodings = g.node('Concat', boxes.map((b) => b.name), { axis: 1 }, [rows, 4], 'box_encodings');
  const logits = g.node('Concat', classes.map((c) => c.name), { axis: 1 }, [rows, 3], 'class_logits');
  g.output(decodeBoxes(g, w, encodings), 'boxes');
  g.output(faceScores(g, logits), 'scores');
  return g;
};
