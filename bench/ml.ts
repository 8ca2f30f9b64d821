/**
 * `npm run bench:ml`: on-device ML costs, each measured in its own process, written to
 * bench/results/ml.json — the face pipeline per photo (WASM 1 and 2 threads in Node, against
 * face-api on TF.js wasm as the peer; the opt-in 384 detector; WASM 2 and 1 threads and WebGPU in
 * Chromium), a ViT-B/32-shaped image encoder with random weights (WASM 1 and 2 threads, Node and
 * Chromium), and int8 vector search at 100,000 and
 * 1,000,000 embeddings (against float32 brute force in JS as the peer at 100,000).
 *
 *   npm run bench:ml                    # SHOEBOX_BENCH_ML_SKIP=chromium,webgpu,vit,1m to leave parts out
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const skip = new Set((process.env.SHOEBOX_BENCH_ML_SKIP ?? '').split(',').filter(Boolean));
const root = join(import.meta.dirname, '..');
const part = (script: string, ...args: string[]): unknown => {
  const started = Date.now();
  const loadBeforePart = loadavg()[0] as number;
  process.stdout.write(`bench:ml ${script} ${args.join(' ')} … `);
  const out = execFileSync('npx', ['tsx', join('bench', script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`${script} ${args.join(' ')} printed no RESULT:\n${out}`);
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
  // The 1-minute load average around each part: on a shared 2-core machine it says how far to trust it.
  return { ...(JSON.parse(line.slice('RESULT '.length)) as object), loadAverage1mBeforeAfter: [Number(loadBeforePart.toFixed(1)), Number(loadavg()[0]?.toFixed(1))] };
};

const loadBefore = loadavg();
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  underLoad: `taken on a shared machine while other engineers ran builds and tests: load average ${loadBefore.map((l) => l.toFixed(1)).join(' / ')} before the run; treat figures as upper bounds`,
  targets: { facesMsPerPhoto: 150, vitB32MsPerPhotoWasm: 400, searchMsAt100k: 10, searchMsAt1M: 60 },
  faces: {
    nodeWasm1Thread: part('ml-part.ts', 'faces', '1'),
    nodeWasm2Threads: part('ml-part.ts', 'faces', '2'),
    // The opt-in faster detector (FaceOptions.detectorSize 384): fewer small faces, see detector-size.test.ts.
    nodeWasm1ThreadDetector384: part('ml-part.ts', 'faces', '1', '384'),
    nodeWasm2ThreadsDetector384: part('ml-part.ts', 'faces', '2', '384'),
    peerFaceApiTfjsWasm: part('ml-part.ts', 'faces-peer'),
    chromium: skip.has('chromium') ? 'skipped' : part('ml-chromium.ts'),
  },
  vitB32: {
    nodeWasm1Thread: part('ml-part.ts', 'vit', '1'),
    nodeWasm2Threads: part('ml-part.ts', 'vit', '2'),
  },
  search: {
    at100k: part('ml-part.ts', 'search', '100000'),
    at1M: skip.has('1m') ? 'skipped' : part('ml-part.ts', 'search', '1000000'),
  },
  loadAverageAfter: loadavg().map((l) => Number(l.toFixed(1))),
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'ml.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
