/**
 * External media tools: a poster frame from a video (ffprobe + ffmpeg) and the embedded JPEG
 * preview of a camera RAW (exiftool). Arguments go as argv, never through a shell.
 *
 *   await tools.extractPoster('/data/blobs/originals/ab/cd/<hash>', '/data/blobs/tmp/x.png')
 *   const raw = await tools.extractRawPreview(file) // { jpeg, orientation } | undefined
 */
import { execFile } from 'node:child_process';
import { access, stat } from 'node:fs/promises';

export interface MediaToolsOptions {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly exiftoolPath: string;
  readonly timeoutMs: number;
}

export interface RawPreview {
  readonly jpeg: Buffer;
  /** EXIF orientation of the RAW itself; embedded previews often lack their own. */
  readonly orientation: number;
}

export interface MediaTools {
  /** Writes one frame (about 10% in, or the first) as 8-bit PNG to outFile; throws if there is none. Also decodes AVIF stills. */
  extractPoster(file: string, outFile: string): Promise<void>;
  /** The largest embedded JPEG, or undefined when there is none or exiftool is not installed. */
  extractRawPreview(file: string): Promise<RawPreview | undefined>;
}

const run = (command: string, args: readonly string[], timeoutMs: number, maxBuffer = 1024 * 1024): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer, encoding: 'utf8', killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command.split('/').pop()} failed: ${(stderr || error.message).trim().slice(0, 500)}`));
      else resolve(stdout);
    });
  });

const isFile = async (file: string): Promise<boolean> => {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
};

export const createMediaTools = (options: MediaToolsOptions): MediaTools => {
  const probeDuration = async (file: string): Promise<number> => {
    const out = await run(options.ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], options.timeoutMs);
    const seconds = Number.parseFloat(out.trim());
    return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  };
  const frameAt = (file: string, outFile: string, seconds: number): Promise<string> =>
    run(
      options.ffmpegPath,
      // -ss before -i seeks by keyframe (fast); ffmpeg applies the rotation side data by default.
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-ss', seconds.toFixed(3), '-i', file, '-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-pix_fmt', 'rgb24', '-f', 'image2', '-c:v', 'png', outFile],
      options.timeoutMs,
    );
  let exiftool: Promise<boolean> | undefined;

  return {
    async extractPoster(file, outFile) {
      const duration = await probeDuration(file).catch(() => 0);
      const at = duration >= 2 ? Math.min(duration * 0.1, 10) : 0;
      let failure: unknown;
      for (const seconds of at > 0 ? [at, 0] : [0]) {
        try {
          await frameAt(file, outFile, seconds);
          if (await isFile(outFile)) return;
        } catch (error) {
          failure = error;
        }
      }
      throw failure instanceof Error ? failure : new Error('ffmpeg produced no frame');
    },
    async extractRawPreview(file) {
      exiftool ??= access(options.exiftoolPath).then(() => true, () => false);
      if (!(await exiftool)) return undefined;
      const out = await run(options.exiftoolPath, ['-j', '-b', '-n', '-JpgFromRaw', '-PreviewImage', '-OtherImage', '-Orientation', file], options.timeoutMs, 256 * 1024 * 1024);
      const [tags] = JSON.parse(out) as [Record<string, unknown>];
      let best: Buffer | undefined;
      for (const key of ['JpgFromRaw', 'PreviewImage', 'OtherImage']) {
        const value = tags[key];
        if (typeof value !== 'string' || !value.startsWith('base64:')) continue;
        const bytes = Buffer.from(value.slice(7), 'base64');
        const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
        if (isJpeg && (!best || bytes.length > best.length)) best = bytes;
      }
      const orientation = typeof tags.Orientation === 'number' && tags.Orientation >= 1 && tags.Orientation <= 8 ? tags.Orientation : 1;
      return best ? { jpeg: best, orientation } : undefined;
    },
  };
};
