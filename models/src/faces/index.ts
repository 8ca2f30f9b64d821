/**
 * Browser-safe face-pack API: the manifest format, the pixel preprocessing every graph expects,
 * and the post-processing that turns raw outputs into landmarks and detections. The converter
 * (`./convert/`) is Node-only and is not exported here.
 *
 *   import { toNetworkInput, detectionsFromNetwork, parseFacePackManifest } from '../../models/src/faces/index.js';
 *   const faces = detectionsFromNetwork(out.boxes.data, out.scores.data, image.width, image.height);
 */
export * from './pack-manifest.js';
export * from './preprocess.js';
export * from './postprocess.js';
export * from './face-pipeline.js';
