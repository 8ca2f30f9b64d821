/** The OCR pipeline's parts on exact inputs: geometry, DB boxes from a drawn probability map, CTC decoding, the pack manifest guard. */
import { describe, expect, it } from 'vitest';
import { ModelPackError } from '../packs/pack-files.js';
import { detectionSize, textBoxes, type Quad } from './detection.js';
import { convexHull, minAreaRect, rectCorners, type Point } from './geometry.js';
import { ctcDecode, recognitionBatches } from './recognition.js';
import { parseTextPackManifest, readDictionary } from './text-pack.js';
import { characterAccuracy, substringEditDistance } from './testing/char-accuracy.js';

describe('OCR geometry', () => {
  it('finds the minimum rectangle of a rotated rectangle and orders corners like PaddleOCR', () => {
    const angle = Math.PI / 9;
    const points: Point[] = [];
    for (let u = 0; u <= 60; u += 2) for (let v = 0; v <= 10; v += 2) points.push([50 + u * Math.cos(angle) - v * Math.sin(angle), 20 + u * Math.sin(angle) + v * Math.cos(angle)]);
    const rect = minAreaRect(points);
    expect(Math.max(rect.width, rect.height)).toBeCloseTo(60, 6);
    expect(Math.min(rect.width, rect.height)).toBeCloseTo(10, 6);
    const [tl, tr, br, bl] = rectCorners(rect);
    expect(tl[0]).toBeLessThan(tr[0]);
    expect(bl[0]).toBeLessThan(br[0]);
    expect(tl[1]).toBeLessThan(bl[1]);
  });

  it('keeps only the corners of a filled square as its hull', () => {
    const grid: Point[] = [];
    for (let x = 0; x <= 4; x++) for (let y = 0; y <= 4; y++) grid.push([x, y]);
    expect(convexHull(grid)).toEqual([[0, 0], [4, 0], [4, 4], [0, 4]]);
  });

  it('sizes the detector input to multiples of 32 under the longer-side limit', () => {
    expect(detectionSize(1440, 960, 960)).toEqual({ width: 960, height: 640 });
    expect(detectionSize(1080, 1440, 960)).toEqual({ width: 736, height: 960 });
    expect(detectionSize(20, 10, 960)).toEqual({ width: 32, height: 32 });
  });
});

describe('DB post-processing', () => {
  it('boxes each text region, grows it by the unclip ratio, drops weak and tiny ones, in reading order', () => {
    const width = 200;
    const height = 100;
    const map = new Float32Array(width * height);
    const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map[y * width + x] = p;
    };
    fill(110, 10, 189, 19, 0.95); // second on the first row
    fill(10, 12, 89, 21, 0.9); // first on the first row (within 10 px of it vertically)
    fill(10, 60, 59, 69, 0.5); // weak: mean below 0.6
    fill(150, 70, 151, 71, 0.99); // tiny
    const boxes = textBoxes(map, { width, height }, width * 2, height * 2);
    expect(boxes).toHaveLength(2);
    const [first, second] = boxes as [Quad, Quad];
    // 79 × 9 px between pixel centres, grown by d = 79·9·1.5 / (2·88) ≈ 6.06 on every side, then ×2 to the image.
    expect(first[0][0]).toBeCloseTo((10 - 6.06) * 2, -0.5);
    expect(first[2][0] - first[0][0]).toBeCloseTo((79 + 12.12) * 2, -0.5);
    expect(first[2][1] - first[0][1]).toBeCloseTo((9 + 12.12) * 2, -0.5);
    expect(second[0][0]).toBeGreaterThan(first[1][0] - 30);
  });

  it('finds nothing in an empty map', () => {
    expect(textBoxes(new Float32Array(64 * 64), { width: 64, height: 64 }, 640, 640)).toEqual([]);
  });
});

describe('recognition', () => {
  it('decodes CTC: best class per step, repeats merged, blanks dropped, class n is dictionary line n', () => {
    const characters = ['a', 'b', 'c', ' '];
    const classes = characters.length + 1;
    const steps = [1, 1, 0, 1, 2, 2, 4, 3];
    const probs = new Float32Array(steps.length * classes);
    steps.forEach((k, t) => {
      for (let c = 0; c < classes; c++) probs[t * classes + c] = c === k ? 0.8 : 0.05;
    });
    expect(ctcDecode(probs, steps.length, classes, characters)).toEqual({ text: 'aab c', score: expect.closeTo(0.8, 5) as number });
    expect(ctcDecode(new Float32Array(classes * 3).fill(0).map((_, i) => (i % classes === 0 ? 1 : 0)), 3, classes, characters)).toEqual({ text: '', score: 0 });
  });

  it('batches lines by aspect ratio, at least 320 wide at height 48, tall boxes turned upright', () => {
    const image = { width: 100, height: 100, channels: 3 as const, data: new Uint8Array(100 * 100 * 3).fill(255) };
    const wide: readonly [Point, Point, Point, Point] = [[0, 0], [96, 0], [96, 8], [0, 8]];
    const tall: readonly [Point, Point, Point, Point] = [[0, 0], [8, 0], [8, 40], [0, 40]];
    const [batch] = recognitionBatches(image, [wide, tall], 48);
    expect(batch).toMatchObject({ count: 2, width: 576, order: [1, 0] });
    // White → (255 / 127.5) − 1 = 1 inside the line, 0 in the padding.
    expect(batch?.data[0]).toBeCloseTo(1, 5);
    expect(batch?.data[48 * 576 - 1]).toBe(0);
  });
});

describe('text pack manifest', () => {
  const files = [
    { path: 'detection/model.onnx', sha256: 'a'.repeat(64), bytes: 1 },
    { path: 'recognition/model.onnx', sha256: 'b'.repeat(64), bytes: 1 },
    { path: 'recognition/dictionary.txt', sha256: 'c'.repeat(64), bytes: 1 },
  ];
  const good = {
    format: 1,
    id: 'PP-OCRv4_mobile',
    kind: 'text',
    licence: 'Apache-2.0',
    detection: { file: 'detection/model.onnx', input: 'x', output: 'y', mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2] },
    recognition: { file: 'recognition/model.onnx', input: 'x', output: 'y', height: 48, dictionary: 'recognition/dictionary.txt' },
    files,
  };

  it('accepts a well-formed manifest and refuses malformed ones with ModelPackError', () => {
    expect(parseTextPackManifest(good).id).toBe('PP-OCRv4_mobile');
    for (const bad of [null, { ...good, kind: 'clip' }, { ...good, files: [] }, { ...good, detection: { ...good.detection, file: 'nope.onnx' } }, { ...good, detection: { ...good.detection, std: [0, 1, 1] } }, { ...good, recognition: { ...good.recognition, height: 4096 } }, { ...good, recognition: { ...good.recognition, dictionary: '../keys.txt' } }]) {
      expect(() => parseTextPackManifest(bad)).toThrow(ModelPackError);
    }
  });

  it('reads a dictionary with or without a final newline', () => {
    expect(readDictionary(new TextEncoder().encode('a\nb\n'))).toEqual(['a', 'b']);
    expect(readDictionary(new TextEncoder().encode('a\r\nb'))).toEqual(['a', 'b']);
  });
});

describe('character accuracy', () => {
  it('aligns truth to the best stretch of any line, ignoring case and spaces', () => {
    expect(substringEditDistance('stay', 'mainsiay')).toBe(1);
    const report = characterAccuracy(['MAIN STAY', 'IPA', 'qqq'], ['MAIN SIAY IPA']);
    expect(report.characters).toBe(8 + 3 + 3);
    expect(report.accuracy).toBeCloseTo((7 + 3 + 0) / 14, 6);
  });
});
