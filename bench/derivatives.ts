/**
 * `npm run bench:derivatives`: the blob store's derivative set (250 px WebP thumbnail, 1440 px
 * JPEG preview, thumbhash; orientation applied, sRGB) on real 12–24 MP photos from
 * ../shared/data, against (a) the floor: bare libvips (sharp) thumbnailing of the same outputs,
 * one call per output; (a′) the single-decode floor: the store's image steps done bare, so the
 * gap to it is the queue, SQLite and fsyncs; and (b) Immich's pipeline re-created: decode +
 * rotate once to full-size pixels, then preview, thumbnail and thumbhash as separate passes.
 * Same 12 photos, same outputs, 2 at a time for every pipeline. Also upload MB/s over loopback with SHA-256
 * verification (plain PUT and tus PATCH from curl in another process to the uWS transport, beside
 * the disk's own write+fsync of the same bytes, and again on tmpfs) and a 1080p → 720p
 * transcode's real-time factor beside decoding the same source alone.
 * Writes bench/results/derivatives.json.
 *
 *   npm run bench:derivatives             # a few minutes on 2 cores
 *   BENCH_QUICK=1 npm run bench:derivatives
 *   BENCH_ONLY=upload,video npm run bench:derivatives   # prints, does not write the results file
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import type { UserId } from '../protocol/src/index.js';
import { createBlobStore } from '../blob-store/src/index.js';
import { serveRoutes } from '../blob-store/src/test-http.js';
import { listen } from '../sync-server/src/uws.transport.js';
import { createVideoTools } from '../blob-store/src/video.repository.js';

const QUICK = process.env.BENCH_QUICK === '1';
const DATA = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data');
const OUT = path.resolve(import.meta.dirname, 'results', 'derivatives.json');
const CORES = 2;
/** Best of this many alternating rounds (BENCH_ROUNDS): on a shared machine one slow round says little. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
/** BENCH_ONLY=upload,video runs only those parts (while tuning); the results file needs a full run. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'derivatives,upload,video').split(','));

/** Real photos already 12–24 MP, and smaller real photos upscaled to 16 MP (4896×3264). */
const BIG = ['metadata/gps-position/empty_gps.jpg', 'albums/text/japanese-shop.jpg', 'albums/text/book-beside-flowers.jpg', 'albums/text/craft-beer.jpg', 'albums/text/handwritten-notes.jpg'];
const SMALL = ['albums/nature/prairie_falcon.jpg', 'albums/nature/tanners_ridge.jpg', 'albums/nature/silver_fir.jpg', 'albums/nature/wood_anemones.jpg', 'metadata/faces/portrait-orientation-6.jpg', 'albums/nature/el_torcal_rocks.jpg', 'albums/nature/cyclamen_persicum.jpg'];

const preparePhotos = async (dir: string): Promise<{ files: string[]; megapixels: number }> => {
  const files: string[] = [];
  let pixels = 0;
  for (const rel of QUICK ? BIG.slice(0, 2) : BIG) {
    const file = path.join(DATA, 'immich-test-assets', rel);
    const meta = await sharp(file).metadata();
    pixels += (meta.width ?? 0) * (meta.height ?? 0);
    files.push(file);
  }
  for (const rel of QUICK ? SMALL.slice(0, 2) : SMALL) {
    const out = path.join(dir, `${path.basename(rel, '.jpg')}-16mp.jpg`);
    const src = sharp(path.join(DATA, 'immich-test-assets', rel));
    const meta = await src.metadata();
    const landscape = (meta.width ?? 1) >= (meta.height ?? 1);
    // Keep the EXIF orientation (portrait-orientation-6 must still be rotated by the pipelines).
    await src.resize(landscape ? { width: 4896, height: 3264, fit: 'fill' } : { width: 3264, height: 4896, fit: 'fill' }).keepMetadata().jpeg({ quality: 90 }).toFile(out);
    pixels += 4896 * 3264;
    files.push(out);
  }
  return { files, megapixels: pixels / 1e6 };
};

/** Runs `work` over items with `n` in flight. */
const pool = async <T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
};

const timed = async (work: () => Promise<void>): Promise<number> => {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
};

let outDir = os.tmpdir();
const outFile = (file: string, suffix: string): string => path.join(outDir, `${path.basename(file)}-${suffix}`);
const shortSide = (size: number) => ({ width: size, height: size, fit: 'outside' as const, withoutEnlargement: true });

/** (a) The floor: libvips thumbnailing straight from the file, shrink-on-load, one call per output. */
const floor = async (file: string): Promise<void> => {
  await sharp(file).autoOrient().resize(shortSide(1440)).toColourspace('srgb').jpeg({ quality: 80 }).toFile(outFile(file, 'floor-preview.jpg'));
  await sharp(file).autoOrient().resize(shortSide(250)).toColourspace('srgb').webp({ quality: 80 }).toFile(outFile(file, 'floor-thumb.webp'));
  const { data, info } = await sharp(file).autoOrient().resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  rgbaToThumbHash(info.width, info.height, data);
};

/**
 * (a′) The single-decode floor: what the blob store's image code does for one photo, bare (no
 * queue, SQLite or fsync): one shrink-on-load decode to a preview-sized sRGB copy (an embedded
 * ICC profile applied after the shrink), then preview, thumbnail and thumbhash from that copy.
 */
const floorOnce = async (file: string): Promise<void> => {
  const meta = await sharp(file).metadata();
  let reduced = sharp(file).autoOrient().resize(shortSide(1440));
  if (meta.hasProfile) reduced = sharp(await reduced.keepIccProfile().tiff({ compression: 'none' }).toBuffer());
  const { data, info } = await reduced.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  await sharp(data, raw).resize(shortSide(1440)).jpeg({ quality: 80 }).toFile(outFile(file, 'once-preview.jpg'));
  await sharp(data, raw).resize(shortSide(250)).webp({ quality: 80 }).toFile(outFile(file, 'once-thumb.webp'));
  const small = await sharp(data, raw).resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  rgbaToThumbHash(small.info.width, small.info.height, small.data);
};

/** (b) Immich's pipeline: decode + rotate to full-size pixels once, then each output as its own pass. */
const immich = async (file: string): Promise<void> => {
  const { data, info } = await sharp(file, { failOn: 'none' }).autoOrient().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  await sharp(data, raw).resize(shortSide(1440)).jpeg({ quality: 80 }).toFile(outFile(file, 'immich-preview.jpg'));
  await sharp(data, raw).resize(shortSide(250)).webp({ quality: 80 }).toFile(outFile(file, 'immich-thumb.webp'));
  const small = await sharp(data, raw).resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  rgbaToThumbHash(small.info.width, small.info.height, small.data);
};

const TOKEN = 'bench-owner';
const startStore = async (dataDir: string, transport: 'node' | 'uws' = 'node') => {
  const store = await createBlobStore({
    dataDir,
    authenticate: async (token) => (token === TOKEN ? { id: 'bench' as UserId, isOwner: true } : undefined),
    config: { workerConcurrency: CORES },
  });
  const server = transport === 'node'
    ? await serveRoutes(store.routes)
    : await listen({ port: 0, host: '127.0.0.1', routes: store.routes }).then((l) => ({ url: `http://127.0.0.1:${l.port}`, close: () => l.close() }));
  const headers = { authorization: `Bearer ${TOKEN}` };
  const command = (queue: string, command: string) =>
    fetch(`${server.url}/api/admin/jobs/${queue}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ command }) });
  const queues = async (): Promise<Record<string, { counts: Record<string, number> }>> => {
    const body = (await (await fetch(`${server.url}/api/admin/jobs`, { headers })).json()) as { queues: { name: string; counts: Record<string, number> }[] };
    return Object.fromEntries(body.queues.map((q) => [q.name, q]));
  };
  return { store, server, headers, command, queues, close: async () => { await server.close(); await store.close(); } };
};

/** Shoebox: the real blob store's worker draining thumbnail, preview and thumbhash jobs. */
const shoebox = async (files: readonly string[], dir: string): Promise<number> => {
  const s = await startStore(dir);
  try {
    await s.command('metadata', 'pause');
    await s.command('video', 'pause');
    for (const file of files) {
      const bytes = await readFile(file);
      const hash = createHash('sha256').update(bytes).digest('hex');
      const res = await fetch(`${s.server.url}/api/blobs/${hash}`, { method: 'PUT', headers: s.headers, body: bytes });
      if (res.status !== 201) throw new Error(`upload of ${file} answered ${res.status}`);
    }
    return await timed(async () => {
      s.store.startWorker();
      for (;;) {
        const q = await s.queues();
        const done = ['thumbnail', 'preview', 'thumbhash'].every((k) => (q[k]?.counts.success ?? 0) + (q[k]?.counts.failed ?? 0) === files.length);
        if (done) {
          if (['thumbnail', 'preview', 'thumbhash'].some((k) => (q[k]?.counts.failed ?? 0) > 0)) throw new Error('a derivative job failed');
          return;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    });
  } finally {
    await s.close();
  }
};

/** Writes the bytes to a file in `dir` in 1 MiB writes and fsyncs: what the disk allows right now. */
const diskCeiling = async (file: string, dir: string): Promise<number> => {
  const target = path.join(dir, 'ceiling.bin');
  const seconds = await timed(async () => {
    const handle = await open(target, 'w');
    try {
      for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) await handle.write(chunk as Buffer);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  await rm(target);
  return seconds;
};

/** curl in its own process, so the client's work does not share the server's event loop. */
const curl = (args: readonly string[]): Promise<{ status: number; headers: string }> =>
  new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-o', '/dev/null', '-D', '-', '-w', '%{http_code}', '-H', 'Expect:', ...args], { maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      resolve({ status: Number(stdout.slice(-3)), headers: stdout.slice(0, -3).toLowerCase() });
    });
  });

/**
 * Upload throughput over loopback: a plain PUT and a tus upload (native PATCH) of the same
 * ~256 MB blob to the production HTTP transport (uWS), sent by curl in another process; each
 * beside the disk's own write+fsync of the same bytes, measured just before it.
 */
const uploads = async (dir: string): Promise<Record<string, unknown>> => {
  const size = (QUICK ? 64 : 256) * 1024 * 1024;
  const file = path.join(dir, 'big.jpg');
  // A real JPEG followed by random bytes: sniffs as JPEG, does not compress, never decoded (queues paused).
  await writeFile(file, Buffer.concat([await readFile(path.join(DATA, 'immich-test-assets', BIG[0] as string)), randomBytes(size)]));
  const bytes = (await stat(file)).size;
  const hash = createHash('sha256').update(await readFile(file)).digest('hex');
  const runs: Record<string, { seconds: number; disk: number }[]> = {};
  // Also on tmpfs (RAM): the same code path with the disk taken out, i.e. what the software does.
  const media = existsSync('/dev/shm') ? ['disk', 'tmpfs'] as const : ['disk'] as const;
  for (let round = 0; round < ROUNDS; round++) {
    for (const medium of media) {
      for (const mode of ['put', 'tus'] as const) {
        const storeDir = await mkdtemp(path.join(medium === 'tmpfs' ? '/dev/shm' : dir, `store-${mode}-`));
        const s = await startStore(storeDir, 'uws');
        try {
          for (const q of ['thumbnail', 'preview', 'thumbhash', 'metadata', 'video']) await s.command(q, 'pause');
          const disk = await diskCeiling(file, storeDir);
          const auth = ['-H', `authorization: ${s.headers.authorization}`];
          const tus = [...auth, '-H', 'tus-resumable: 1.0.0'];
          let location = '';
          if (mode === 'tus') {
            const created = await curl([...tus, '-X', 'POST', '-H', `upload-length: ${bytes}`, '-H', `upload-metadata: sha256 ${Buffer.from(hash).toString('base64')}`, `${s.server.url}/api/uploads`]);
            location = /location: (\S+)/.exec(created.headers)?.[1] ?? '';
            if (created.status !== 201 || !location) throw new Error(`tus create answered ${created.status}`);
          }
          const seconds = await timed(async () => {
            const res = mode === 'put'
              ? await curl([...auth, '-T', file, `${s.server.url}/api/blobs/${hash}`])
              : await curl([...tus, '-X', 'PATCH', '-H', 'upload-offset: 0', '-H', 'content-type: application/offset+octet-stream', '-T', file, `${s.server.url}${location}`]);
            const ok = mode === 'put' ? res.status === 201 : res.status === 204 && res.headers.includes(`shoebox-blob-hash: ${hash}`);
            if (!ok) throw new Error(`${mode} answered ${res.status}`);
          });
          (runs[`${mode}-${medium}`] ??= []).push({ seconds, disk });
        } finally {
          await s.close();
          await rm(storeDir, { recursive: true, force: true });
        }
      }
    }
  }
  const mbps = (seconds: number) => Math.round((bytes / 1e6 / seconds) * 10) / 10;
  const best = (key: string) => {
    const all = runs[key] ?? [];
    if (all.length === 0) return undefined;
    const fastest = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    return {
      seconds: round(fastest.seconds),
      megabytesPerSecond: mbps(fastest.seconds),
      diskWriteFsyncMegabytesPerSecond: mbps(fastest.disk),
      rounds: all.map((r) => ({ megabytesPerSecond: mbps(r.seconds), diskMegabytesPerSecond: mbps(r.disk) })),
    };
  };
  return {
    bytes,
    put: best('put-disk'),
    tus: best('tus-disk'),
    onTmpfs: { put: best('put-tmpfs'), tus: best('tus-tmpfs'), what: 'the same uploads with the store on /dev/shm (RAM): hashing, sniffing, copying and fsync calls all still run; only the disk is gone' },
    target: '≥ 250 MB/s',
    what: 'wall time of one request from curl (a separate process) to the uWS transport the server runs, over 127.0.0.1: streamed to a temp file (PUT) or the tus file store (one native PATCH), SHA-256 verified, content-sniffed, fsynced and renamed into the content-addressed store; diskWriteFsync… is the same bytes written and fsynced by a bare loop on the same disk just before, the ceiling no upload can pass',
  };
};

/**
 * 1080p30 H.264 → 720p H.264/AAC CRF 23 (Immich's defaults, preset ultrafast), real-time factor;
 * beside it, decoding the same source to nothing: the floor no transcode can beat.
 */
const video = async (dir: string): Promise<Record<string, unknown>> => {
  const seconds = QUICK ? 4 : 10;
  const src = path.join(dir, 'src-1080p.mp4');
  const photo = path.join(DATA, 'immich-test-assets', 'albums/nature/tanners_ridge.jpg');
  // Camera-like footage: a real landscape photo, slowly panned and zoomed, with light sensor noise.
  const motion = `[0:v]scale=3840:-2,zoompan=z='1.15+0.0015*on':x='iw/2-(iw/zoom/2)+on*2':y='ih/2-(ih/zoom/2)':d=${seconds * 30}:s=1920x1080:fps=30,noise=alls=4:allf=t,format=yuv420p[v]`;
  execFileSync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
    '-loop', '1', '-framerate', '30', '-i', photo, '-f', 'lavfi', '-i', `sine=duration=${seconds}`, '-filter_complex', motion, '-map', '[v]', '-map', '1:a', '-t', String(seconds),
    // 16 Mb/s: what a phone records 1080p30 H.264 at.
    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '16M', '-maxrate', '16M', '-bufsize', '32M', '-c:a', 'aac', '-shortest', src]);
  const tools = createVideoTools({ ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe', timeoutMs: 600_000 });
  const probe = await tools.probe(src);
  const out = path.join(dir, 'out-720p.mp4');
  const runs: { transcode: number; decode: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const decode = await timed(async () => void execFileSync('/usr/bin/ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', src, '-f', 'null', '-']));
    const transcode = await timed(() => tools.transcode(src, out, { targetShortSide: 720, crf: 23, preset: 'ultrafast' }));
    runs.push({ transcode, decode });
  }
  const result = await tools.probe(out);
  const best = Math.min(...runs.map((r) => r.transcode));
  const bestDecode = Math.min(...runs.map((r) => r.decode));
  return {
    source: `${probe.video.width}x${probe.video.height}p30 ${probe.video.codec} ${Math.round(probe.video.bitrate / 1e6)} Mb/s, ${probe.duration.toFixed(1)} s (a real photo from ../shared/data panned and zoomed, light temporal noise; no real 1080p video in ../shared/data)`,
    output: `${result.video.width}x${result.video.height} ${result.video.codec}/${result.audio?.codec ?? 'none'}`,
    seconds: round(best),
    realTimeFactor: round(probe.duration / best),
    decodeOnly: { seconds: round(bestDecode), realTimeFactor: round(probe.duration / bestDecode), what: 'ffmpeg decoding the same source to -f null: the ceiling for any transcode on this machine right now' },
    rounds: runs.map((r) => ({ transcodeSeconds: round(r.transcode), decodeSeconds: round(r.decode) })),
    flags: 'libx264 -preset ultrafast -crf 23 -threads 0, scale (bilinear) to 720 short side, aac 128k, +faststart',
    target: '≥ 3× real time',
  };
};

const round = (n: number): number => Math.round(n * 100) / 100;

const main = async (): Promise<void> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-derivatives-'));
  try {
    const load = os.loadavg();
    const { files, megapixels } = await preparePhotos(dir);
    outDir = path.join(dir, 'outputs');
    await mkdir(outDir);
    console.log(`bench:derivatives: ${files.length} photos, ${megapixels.toFixed(0)} MP in all`);
    // Alternating rounds, best of each: the machine is shared, so one slow round says little.
    const rounds = { floor: [] as number[], floorOnce: [] as number[], immich: [] as number[], shoebox: [] as number[] };
    for (let round = 0; round < (ONLY.has('derivatives') ? ROUNDS : 0); round++) {
      rounds.floor.push(await timed(() => pool(files, CORES, floor)));
      rounds.floorOnce.push(await timed(() => pool(files, CORES, floorOnce)));
      rounds.immich.push(await timed(() => pool(files, CORES, immich)));
      rounds.shoebox.push(await shoebox(files, path.join(dir, `store-${round}`)));
      console.log(`  round ${round + 1}: floor ${rounds.floor[round]?.toFixed(2)} s, single-decode floor ${rounds.floorOnce[round]?.toFixed(2)} s, Immich ${rounds.immich[round]?.toFixed(2)} s, Shoebox ${rounds.shoebox[round]?.toFixed(2)} s`);
    }
    const [floorS, onceS, immichS, oursS] = [Math.min(...rounds.floor), Math.min(...rounds.floorOnce), Math.min(...rounds.immich), Math.min(...rounds.shoebox)];
    const up = ONLY.has('upload') ? await uploads(dir) : undefined;
    console.log(`  upload`, up?.put, up?.tus);
    const vid = ONLY.has('video') ? await video(dir) : undefined;
    console.log(`  video`, vid?.realTimeFactor, '× real time');
    const ips = (s: number) => round(files.length / s);
    const result = {
      date: new Date().toISOString(),
      command: 'npm run bench:derivatives',
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), pipelines run ${CORES} images at a time`,
      underLoad: `taken on a shared machine while other engineers built and tested (load average at start ${load.map((l) => l.toFixed(2)).join(' / ')}); absolute figures are noisy, ratios within one run are the comparison`,
      derivatives: {
        photos: files.length,
        megapixels: round(megapixels),
        outputs: '1440 px short-side JPEG q80 + 250 px short-side WebP q80 + thumbhash, orientation applied, sRGB',
        rounds: Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, v.map(round)])),
        shoebox: { seconds: round(oursS), imagesPerSecond: ips(oursS), what: 'real blob store: uploads, then its worker (concurrency 2) drains thumbnail, preview and thumbhash jobs; timed from start to all rows success' },
        floor: { seconds: round(floorS), imagesPerSecond: ips(floorS), what: 'sharp straight from each file, one shrink-on-load call per output, written to files' },
        floorOnce: {
          seconds: round(onceS),
          imagesPerSecond: ips(onceS),
          what: "bare sharp doing what the store's image code does: one shrink-on-load decode per photo to a 1440 px sRGB copy (ICC profile applied after the shrink), then the three outputs from it, written to files without fsync",
        },
        immich: { seconds: round(immichS), imagesPerSecond: ips(immichS), what: 'full-size decode + rotate to raw pixels once, then preview, thumbnail and thumbhash as separate resize passes, written to files' },
        ratios: {
          shoeboxOverImmich: round(immichS / oursS),
          floorOverShoebox: round(oursS / floorS),
          floorOnceOverShoebox: round(oursS / onceS),
          targets: 'shoeboxOverImmich ≥ 1.3; floorOverShoebox ≤ 1.15 (best of the alternating rounds for each); floorOnceOverShoebox is the cost of the queue, SQLite and fsyncs',
        },
      },
      upload: up,
      video: vid,
    };
    await mkdir(path.dirname(OUT), { recursive: true });
    if (ONLY.size < 3) return console.log(JSON.stringify({ upload: up, video: vid }, null, 2)); // a partial run never overwrites the results
    await writeFile(OUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

await main();
