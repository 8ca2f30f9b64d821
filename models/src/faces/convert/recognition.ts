/**
 * face-api's FaceRecognitionNet (a dlib-style ResNet-34, 150×150 RGB in, 128-d descriptor out)
 * as an ONNX graph. Mirrors faceRecognitionNet/FaceRecognitionNet.ts and residualLayer.ts op
 * for op; the input is NCHW RGB in 0..255 (already padded to square and resized), and the
 * mean subtraction and /255 live in the graph.
 *
 *   const graph = buildRecognitionGraph(await readTfjsWeights(dir, RECOGNITION_WEIGHTS));
 *   writeFileSync('recognition/model.onnx', graph.encode());
 */
import { OnnxGraph, type Value } from './onnx-graph.js';
import { channelAffine, conv2d, dense, pool, relu, add, padEnd, type Padding } from './tf-layers.js';
import { floatWeight, type TfjsWeightMap } from './tfjs-weights.js';

export const RECOGNITION_WEIGHTS = 'face_recognition_model';
export const RECOGNITION_INPUT_SIZE = 150;
/** Channel means face-api subtracts before dividing by 255 (faceRecognitionNet and landmark nets). */
export const FACE_MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** (x − mean_rgb) / 255 on an NCHW 0..255 input. */
export const normalizeFaceInput = (g: OnnxGraph, x: Value): Value => {
  const mean = g.constant('normalize/mean', [3, 1, 1], Float32Array.from(FACE_MEAN_RGB));
  const centred = g.node('Sub', [x.name, mean], {}, x.shape, 'normalize/sub');
  return g.node('Div', [centred.name, g.constant('normalize/divisor', [], new Float32Array([255]))], {}, x.shape, 'normalize/div');
};

const convLayer = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, strides: number, withRelu: boolean, padding: Padding): Value => {
  const bias = floatWeight(w, `${prefix}/conv/bias`, 1).data;
  let out = conv2d(g, x, floatWeight(w, `${prefix}/conv/filters`, 4), { strides, padding, bias, hint: prefix });
  out = channelAffine(g, out, floatWeight(w, `${prefix}/scale/weights`, 1).data, floatWeight(w, `${prefix}/scale/biases`, 1).data, `${prefix}/scale`);
  return withRelu ? relu(g, out) : out;
};

const residual = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string): Value => {
  let out = convLayer(g, w, x, `${prefix}/conv1`, 1, true, 'same');
  out = convLayer(g, w, out, `${prefix}/conv2`, 1, false, 'same');
  return relu(g, add(g, out, x));
};

/** residualDown: strided 'valid' conv path, 2×2 average-pooled shortcut, zero-padded to match. */
const residualDown = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string): Value => {
  let out = convLayer(g, w, x, `${prefix}/conv1`, 2, true, 'valid');
  out = convLayer(g, w, out, `${prefix}/conv2`, 1, false, 'same');
  let pooled = pool(g, 'avg', x, 2, 2, 'valid');
  const [oc, oh, ow] = out.shape as [number, number, number];
  const [pc, ph, pw] = pooled.shape as [number, number, number];
  // face-api appends one zero row and column to the conv path when the shapes disagree.
  if (ph !== oh || pw !== ow) out = padEnd(g, out, [0, ph - oh, pw - ow]);
  if (pc !== oc) pooled = padEnd(g, pooled, [oc - pc, 0, 0]);
  return relu(g, add(g, pooled, out));
};

export const buildRecognitionGraph = (w: TfjsWeightMap): OnnxGraph => {
  const g = new OnnxGraph('face_recognition');
  const input = g.input('input', [3, RECOGNITION_INPUT_SIZE, RECOGNITION_INPUT_SIZE]);
  let out = normalizeFaceInput(g, input);
  out = convLayer(g, w, out, 'conv32_down', 2, true, 'valid');
  out = pool(g, 'max', out, 3, 2, 'valid');
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(g, w, out, block);
  out = residualDown(g, w, out, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(g, w, out, block);
  out = residualDown(g, w, out, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) out = residual(g, w, out, block);
  out = residualDown(g, w, out, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) out = residual(g, w, out, block);
  out = residualDown(g, w, out, 'conv256_down_out');
  const [c] = out.shape as [number];
  const averaged = g.node('GlobalAveragePool', [out.name], {}, [c, 1, 1], 'global_avg');
  const features = g.node('Flatten', [averaged.name], { axis: 1 }, [c]);
  g.output(dense(g, features, floatWeight(w, 'fc', 2), undefined), 'descriptor');
  return g;
};
