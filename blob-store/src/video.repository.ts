/**
 * ffprobe facts about a video and the H.264/AAC MP4 transcode (short side at most the target,
 * CRF, faststart) Immich makes by default. Arguments go as argv, never through a shell.
 *
 *   const probe = await video.probe(file) // { formatName, duration, video: { codec, … }, audio }
 *   await video.transcode(file, '/data/blobs/tmp/x.mp4', { targetShortSide: 720, crf: 23, preset: 'ultrafast' })
 */
import { execFile, spawn } from 'node:child_process';
import type { VideoProbe } from './transcode-policy.js';

export interface VideoToolsOptions {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly timeoutMs: number;
}

export interface TranscodeOptions {
  readonly targetShortSide: number;
  readonly crf: number;
  /** x264 preset; Immich's default is ultrafast. */
  readonly preset: string;
  /** ffmpeg threads; 0 lets it choose. */
  readonly threads?: number;
  /** Called with the share done (0–1) as ffmpeg reports it; needs the source's duration. */
  readonly onProgress?: (fraction: number) => void;
  readonly durationSeconds?: number;
}

export interface VideoTools {
  probe(file: string): Promise<VideoProbe>;
  transcode(file: string, outFile: string, options: TranscodeOptions): Promise<void>;
}

const run = (command: string, args: readonly string[], timeoutMs: number): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024, encoding: 'utf8', killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command.split('/').pop()} failed: ${(stderr || error.message).trim().slice(-500)}`));
      else resolve(stdout);
    });
  });

/** Runs ffmpeg with `-progress pipe:1`, reporting each `out_time_us` line; stderr's tail explains a failure. */
const runWithProgress = (command: string, args: readonly string[], timeoutMs: number, onTime: (seconds: number) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, ['-progress', 'pipe:1', '-nostats', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^out_time_us=(\d+)$/.exec(line.trim());
        if (match) onTime(Number(match[1]) / 1e6);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr = (stderr + text).slice(-2000)));
    child.once('error', (error) => (clearTimeout(timer), reject(new Error(`${command.split('/').pop()} failed: ${error.message}`))));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command.split('/').pop()} failed: ${(stderr || `exit ${code ?? signal}`).trim().slice(-500)}`));
    });
  });

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  bit_rate?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

export const createVideoTools = (options: VideoToolsOptions): VideoTools => ({
  async probe(file) {
    const out = await run(options.ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], options.timeoutMs);
    const parsed = JSON.parse(out) as { format?: { format_name?: string; duration?: string; bit_rate?: string }; streams?: FfprobeStream[] };
    const streams = parsed.streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png');
    if (!video || !video.width || !video.height) throw new Error('no video stream');
    const audio = streams.find((s) => s.codec_type === 'audio');
    const rotation = Math.abs(Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0));
    const quarter = rotation % 180 === 90;
    return {
      formatName: parsed.format?.format_name ?? '',
      duration: Number(parsed.format?.duration ?? 0) || 0,
      video: {
        codec: video.codec_name ?? '',
        width: quarter ? video.height : video.width,
        height: quarter ? video.width : video.height,
        pixelFormat: video.pix_fmt ?? '',
        bitrate: Number(video.bit_rate ?? parsed.format?.bit_rate ?? 0) || 0,
      },
      audio: audio ? { codec: audio.codec_name ?? '' } : undefined,
    };
  },

  async transcode(file, outFile, { targetShortSide, crf, preset, threads = 0, onProgress, durationSeconds }) {
    const t = targetShortSide;
    // Short side down to the target (never up), the other side even and in proportion.
    const scale = `scale=w='if(gte(iw,ih),-2,min(${t},trunc(iw/2)*2))':h='if(gte(iw,ih),min(${t},trunc(ih/2)*2),-2)'`;
    const args = [
        '-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', file,
        '-map', '0:v:0', '-map', '0:a:0?', '-sn', '-dn', '-map_metadata', '-1',
        // Bilinear: for a 1.5× downscale it looks the same as the default bicubic and costs less CPU.
        '-vf', `${scale}:flags=bilinear,format=yuv420p`,
        '-c:v', 'libx264', '-preset', preset, '-crf', String(crf), '-threads', String(threads),
        '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
        '-movflags', '+faststart', '-f', 'mp4', outFile,
    ];
    if (onProgress && durationSeconds && durationSeconds > 0) {
      await runWithProgress(options.ffmpegPath, args, options.timeoutMs, (seconds) => onProgress(Math.min(1, seconds / durationSeconds)));
    } else {
      await run(options.ffmpegPath, args, options.timeoutMs);
    }
  },
});
