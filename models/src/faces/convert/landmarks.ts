/**
 * face-api's FaceLandmark68Net (four densely connected separable-conv blocks, 112×112 RGB in,
 * 136 values out: x0, y0, x1, y1, … relative to the padded square input) as an ONNX graph.
 * Mirrors faceFeatureExtractor/FaceFeatureExtractor.ts, denseBlock.ts and FaceProcessor.ts;
 * the mapping back to the unpadded crop is `landmarksFromNetwork` in ../postprocess.ts.
 *
 *   const graph = buildLandmarksGraph(await readTfjsWeights(dir, LANDMARKS_WEIGHTS));
 *   writeFileSync('landmarks/model.onnx', graph.encode());
 */
import { OnnxGraph, type Value } from './onnx-graph.js';
import { normalizeFaceInput } from './recognition.js';
import { add, conv2d, dense, flattenNhwc, pool, relu } from './tf-layers.js';
import { floatWeight, type TfjsWeightMap } from './tfjs-weights.js';

export const LANDMARKS_WEIGHTS = 'face_landmark_68_model';
export const LANDMARKS_INPUT_SIZE = 112;

/** tf.separableConv2d(x, depthwise, pointwise, strides, 'same') + bias. */
const separableConv = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, strides: number): Value => {
  const depthwise = conv2d(g, x, floatWeight(w, `${prefix}/depthwise_filter`, 4), { strides, padding: 'same', depthwise: true, hint: `${prefix}/depthwise` });
  const bias = floatWeight(w, `${prefix}/bias`, 1).data;
  return conv2d(g, depthwise, floatWeight(w, `${prefix}/pointwise_filter`, 4), { strides: 1, padding: 'valid', bias, hint: `${prefix}/pointwise` });
};

const denseBlock4 = (g: OnnxGraph, w: TfjsWeightMap, x: Value, prefix: string, isFirstLayer: boolean): Value => {
  const first = isFirstLayer
    ? conv2d(g, x, floatWeight(w, `${prefix}/conv0/filters`, 4), { strides: 2, padding: 'same', bias: floatWeight(w, `${prefix}/conv0/bias`, 1).data, hint: `${prefix}/conv0` })
    : separableConv(g, w, x, `${prefix}/conv0`, 2);
  const out1 = relu(g, first);
  const out2 = separableConv(g, w, out1, `${prefix}/conv1`, 1);
  const in3 = relu(g, add(g, out1, out2));
  const out3 = separableConv(g, w, in3, `${prefix}/conv2`, 1);
  const in4 = relu(g, add(g, out1, add(g, out2, out3)));
  const out4 = separableConv(g, w, in4, `${prefix}/conv3`, 1);
  return relu(g, add(g, out1, add(g, out2, add(g, out3, out4))));
};

export const buildLandmarksGraph = (w: TfjsWeightMap): OnnxGraph => {
  const g = new OnnxGraph('face_landmark_68');
  const input = g.input('input', [3, LANDMARKS_INPUT_SIZE, LANDMARKS_INPUT_SIZE]);
  let out = normalizeFaceInput(g, input);
  out = denseBlock4(g, w, out, 'dense0', true);
  out = denseBlock4(g, w, out, 'dense1', false);
  out = denseBlock4(g, w, out, 'dense2', false);
  out = denseBlock4(g, w, out, 'dense3', false);
  out = pool(g, 'avg', out, 7, 2, 'valid');
  const fc = dense(g, flattenNhwc(g, out), floatWeight(w, 'fc/weights', 2), floatWeight(w, 'fc/bias', 1).data);
  g.output(fc, 'landmarks');
  return g;
};
