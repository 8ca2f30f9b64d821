import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestStore, type TestStore } from './test-kit.js';
import type { TranscodePolicy} from './transcode-policy.js';
import { planTranscode, transcodePolicies, type VideoProbe } from './transcode-policy.js';
import { createVideoTools } from './video.repository.js';

const h264: VideoProbe = { formatName: 'mov,mp4,m4a,3gp,3g2,mj2', duration: 3, video: { codec: 'h264', width: 1920, height: 1080, pixelFormat: 'yuv420p', bitrate: 12_000_000 }, audio: { codec: 'aac' } };
const settings = (policy: TranscodePolicy, maxBitrateKbps = 0) => ({ policy, targetShortSide: 720, maxBitrateKbps });

describe("Immich's transcode policies", () => {
  it('decides per policy', () => {
    const hevc: VideoProbe = { ...h264, video: { ...h264.video, codec: 'hevc' } };
    const small: VideoProbe = { ...h264, video: { ...h264.video, width: 1280, height: 720, bitrate: 2_000_000 } };
    const webm: VideoProbe = { ...small, formatName: 'matroska,webm', video: { ...small.video, codec: 'vp9' }, audio: { codec: 'opus' } };
    const tenBit: VideoProbe = { ...small, video: { ...small.video, pixelFormat: 'yuv420p10le' } };
    const pcm: VideoProbe = { ...small, audio: { codec: 'pcm_s16le' } };
    const table: [VideoProbe, Record<TranscodePolicy, boolean>][] = [
      [h264, { required: false, optimal: true, bitrate: true, all: true, disabled: false }],
      [small, { required: false, optimal: false, bitrate: false, all: true, disabled: false }],
      [hevc, { required: true, optimal: true, bitrate: true, all: true, disabled: false }],
      [webm, { required: true, optimal: true, bitrate: true, all: true, disabled: false }],
      [tenBit, { required: true, optimal: true, bitrate: true, all: true, disabled: false }],
      [pcm, { required: true, optimal: true, bitrate: true, all: true, disabled: false }],
    ];
    for (const [probe, expected] of table) {
      for (const policy of transcodePolicies) {
        expect(planTranscode(probe, settings(policy, 5000)).transcode, `${probe.video.codec} ${probe.video.width} ${policy}`).toBe(expected[policy]);
      }
    }
    expect(planTranscode(h264, settings('bitrate', 0)).transcode).toBe(false); // no threshold set
    expect(planTranscode(hevc, settings('required')).reason).toMatch(/hevc is not H.264/);
  });
});

const ffmpeg = (args: string[]): void => void execFileSync('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
const probe = (file: string): { streams: { codec_name: string; width?: number; height?: number; pix_fmt?: string }[] } =>
  JSON.parse(execFileSync('/usr/bin/ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', file], { encoding: 'utf8' }));

describe('GET /api/blobs/:hash/video', () => {
  let scratch: string;
  const clips: Record<string, string> = {};
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'blob-video-'));
    const src = (size: string) => ['-f', 'lavfi', '-i', `testsrc2=duration=1.5:size=${size}:rate=24`, '-f', 'lavfi', '-i', 'sine=duration=1.5'];
    clips.mp4 = join(scratch, 'phone.mp4');
    ffmpeg([...src('640x360'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clips.mp4]);
    clips.webm = join(scratch, 'screen.webm');
    ffmpeg([...src('1280x960'), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k', '-c:a', 'libopus', '-shortest', clips.webm]);
    clips.big = join(scratch, 'big.mp4');
    ffmpeg([...src('1280x960'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clips.big]);
  }, 120_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const playable = async (kit: TestStore, hash: string): Promise<Response> => {
    for (let i = 0; i < 100; i++) {
      const res = await kit.get('alice', `/api/blobs/${hash}/video`);
      if (res.status !== 503) return res;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('transcode never finished');
  };

  it('required (default): serves H.264/AAC MP4 as is, and transcodes VP9/Opus WebM to 720p H.264/AAC faststart', async () => {
    const kit = await startTestStore();
    try {
      const phone = await kit.putFile('alice', clips.mp4 as string);
      const asIs = await playable(kit, phone.hash);
      expect(asIs.status).toBe(200);
      expect(asIs.headers.get('etag')).toBe(`"${phone.hash}"`);
      expect(Buffer.from(await asIs.arrayBuffer()).equals(phone.bytes)).toBe(true);

      const screen = await kit.putFile('alice', clips.webm as string);
      expect(screen.body.mime).toBe('video/webm');
      const res = await playable(kit, screen.hash);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('etag')).toBe(`"${screen.hash}-video-1"`);
      const mp4 = Buffer.from(await res.arrayBuffer());
      expect(mp4.indexOf('moov')).toBeGreaterThan(0);
      expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat')); // faststart
      const out = join(scratch, 'out.mp4');
      await import('node:fs/promises').then((fs) => fs.writeFile(out, mp4));
      const streams = probe(out).streams;
      expect(streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: 960, height: 720, pix_fmt: 'yuv420p' });
      expect(streams.some((s) => s.codec_name === 'aac')).toBe(true);

      // Streaming: byte ranges of the transcode.
      const part = await kit.get('alice', `/api/blobs/${screen.hash}/video`, { range: 'bytes=100-199' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${mp4.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(100, 200))).toBe(true);

      // Stills have no video; strangers see nothing.
      const photo = await kit.putFile('alice', join(ASSETS, 'formats/webp/denali.webp'));
      expect((await kit.get('alice', `/api/blobs/${photo.hash}/video`)).status).toBe(415);
      expect((await kit.get('bob', `/api/blobs/${screen.hash}/video`)).status).toBe(404);
      expect(await kit.tempFiles()).toEqual([]);
    } finally {
      await kit.close();
    }
  }, 120_000);

  it('optimal transcodes an H.264 MP4 above 720p; disabled serves even WebM as is', async () => {
    const optimal = await startTestStore({ transcodePolicy: 'optimal' });
    try {
      const big = await optimal.putFile('alice', clips.big as string);
      const res = await playable(optimal, big.hash);
      expect(res.headers.get('etag')).toBe(`"${big.hash}-video-1"`);
      const out = join(scratch, 'optimal.mp4');
      await import('node:fs/promises').then(async (fs) => fs.writeFile(out, Buffer.from(await res.arrayBuffer())));
      expect(probe(out).streams.find((s) => s.codec_name === 'h264')).toMatchObject({ width: 960, height: 720 });
    } finally {
      await optimal.close();
    }
    const disabled = await startTestStore({ transcodePolicy: 'disabled' });
    try {
      const screen = await disabled.putFile('alice', clips.webm as string);
      const res = await playable(disabled, screen.hash);
      expect(res.headers.get('content-type')).toBe('video/webm');
      expect(Buffer.from(await res.arrayBuffer()).equals(screen.bytes)).toBe(true);
    } finally {
      await disabled.close();
    }
  }, 120_000);
});

describe('transcode progress', () => {
  it("reports ffmpeg's progress as a rising share that reaches the end", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'video-progress-'));
    try {
      const src = join(dir, 'src.mp4');
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=duration=3:size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', src]);
      const tools = createVideoTools({ ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe', timeoutMs: 60_000 });
      const seen: number[] = [];
      const { duration } = await tools.probe(src);
      await tools.transcode(src, join(dir, 'out.mp4'), { targetShortSide: 144, crf: 23, preset: 'ultrafast', durationSeconds: duration, onProgress: (f) => seen.push(f) });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= (seen[i - 1] ?? 0)))).toBe(true);
      expect(seen.at(-1)).toBeGreaterThan(0.9);
      expect(probe(join(dir, 'out.mp4')).streams.find((s) => s.codec_name === 'h264')).toMatchObject({ height: 144 });
      await expect(tools.transcode(join(dir, 'missing.mp4'), join(dir, 'x.mp4'), { targetShortSide: 144, crf: 23, preset: 'ultrafast', durationSeconds: 3, onProgress: () => {} })).rejects.toThrow(/ffmpeg failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
