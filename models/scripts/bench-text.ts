/**
 * OCR cost and quality per photo on onnxruntime-web WASM in Node: for each labelled photo
 * (models/src/ocr/testing/text-labels.json) and photo without text, the character accuracy, boxes
 * found, and detection / recognition milliseconds (median of `--runs`, after one warm-up), wall
 * clock and this process's CPU time (the honest figure on a shared, loaded machine).
 *
 *   npm run bench:text                                                   # 1 and 2 threads → bench/results/ml-text.json
 *   npx tsx models/scripts/bench-text.ts --threads 1 --side 960          # one setting: prints RESULT {json}
 *   npx tsx models/scripts/bench-text.ts --threads 2 --side 640 --runs 3
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { nodePackSource } from '../src/packs/node-pack-source.js';
import { createOrtRuntime } from '../src/runtime/ort-runtime.js';
import { characterAccuracy } from '../src/ocr/testing/char-accuracy.js';
import { loadTextPhotos } from '../src/ocr/testing/text-photos.js';
import { DEFAULT_TEXT_PACK_DIR, ensureTextPack } from '../src/ocr/text-pack-builder.js';
import { createTextReader, DEFAULT_TEXT_OPTIONS, type TextOptions } from '../src/ocr/text-reader.js';
import type { RgbImage } from '../src/faces/preprocess.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, side: { type: 'string', default: String(DEFAULT_TEXT_OPTIONS.detectionSide) }, prescan: { type: 'string', default: String(DEFAULT_TEXT_OPTIONS.prescanSide) }, 'min-width': { type: 'string', default: String(DEFAULT_TEXT_OPTIONS.recognitionMinWidth) }, runs: { type: 'string', default: '1' }, only: { type: 'string' } } });
if (values.threads.includes(',')) {
  // ort fixes its thread count at the first session: one process per setting.
  const root = join(import.meta.dirname, '..', '..');
  const settings = values.threads.split(',').map((threads) => {
    const args = ['tsx', 'models/scripts/bench-text.ts', '--threads', threads, '--side', values.side, '--prescan', values.prescan, '--min-width', values['min-width'], '--runs', values.runs];
    const out = execFileSync('npx', args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (line === undefined) throw new Error(`bench-text --threads ${threads} printed no RESULT:\n${out}`);
    return JSON.parse(line.slice('RESULT '.length)) as unknown;
  });
  const file = join(root, 'bench', 'results', 'ml-text.json');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
  const note = 'Node, onnxruntime-web WASM (SIMD). wallMs is wall clock on a shared machine (see loadAverage1m); cpuMs is this process\'s CPU time, closer to what a quiet 1-thread run costs. Targets (issue 16): ≤ 80 ms on a photo without text, ≤ 400 ms on one with a paragraph.';
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, note, settings }, null, 2)}\n`);
  console.log(`wrote ${file}`);
  process.exit(0);
}

const options: TextOptions = { ...DEFAULT_TEXT_OPTIONS, detectionSide: Number(values.side), prescanSide: Number(values.prescan), recognitionMinWidth: Number(values['min-width']) };
const runs = Math.max(1, Number(values.runs));

await ensureTextPack();
const reader = await createTextReader(nodePackSource(DEFAULT_TEXT_PACK_DIR), await createOrtRuntime({ provider: 'wasm', threads: Number(values.threads) }));
const { photos, withoutText } = await loadTextPhotos();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (v: number): number => Math.round(v * 10) / 10;

const measure = async (image: RgbImage) => {
  await reader.read(image, options);
  const wall: number[] = [];
  const cpu: number[] = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    last = await reader.read(image, options);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  const reading = last as NonNullable<typeof last>;
  return { reading, wallMs: round(median(wall)), cpuMs: round(median(cpu)), detectionMs: round(reading.ms.detection), recognitionMs: round(reading.ms.recognition), size: `${image.width}x${image.height}` };
};

const results: Record<string, unknown> = {};
let characters = 0;
let recovered = 0;
for (const photo of photos.filter((p) => values.only === undefined || p.file.includes(values.only))) {
  const { reading, ...cost } = await measure(photo.image);
  const quality = characterAccuracy(photo.lines, reading.lines.map((l) => l.text));
  characters += quality.characters;
  recovered += quality.accuracy * quality.characters;
  results[photo.file] = { ...cost, boxes: reading.boxes, lines: reading.lines.length, characterAccuracy: Number(quality.accuracy.toFixed(3)), text: reading.lines.map((l) => l.text) };
}
for (const photo of withoutText.filter((p) => values.only === undefined || p.file.includes(values.only))) {
  const { reading, ...cost } = await measure(photo.image);
  results[photo.file] = { ...cost, boxes: reading.boxes, lines: reading.lines.length, text: reading.lines.map((l) => l.text) };
}
console.log(`RESULT ${JSON.stringify({ threads: Number(values.threads), detectionSide: options.detectionSide, prescanSide: options.prescanSide, recognitionMinWidth: options.recognitionMinWidth, runs, loadAverage1m: Number(loadavg()[0]?.toFixed(1)), characterAccuracy: characters === 0 ? null : Number((recovered / characters).toFixed(3)), photos: results })}`);
await reader.release();
