/**
 * Checks of the machine a Shoebox server runs on, shared by `GET /api/health?detail=1` and
 * `npm run doctor`: whether ffmpeg, ffprobe and ExifTool run (and their versions) and the free
 * space of a directory's filesystem.
 *
 *   const tools = await checkTools({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', exiftool: '/usr/bin/exiftool' })
 *   const disk = await checkDisk('/srv/shoebox')   // { path, freeBytes, totalBytes }
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';

export interface ToolCheck {
  readonly path: string;
  readonly present: boolean;
  /** First line of the tool's version output, when it ran. */
  readonly version?: string;
  /** Why it is not usable, in words. */
  readonly error?: string;
}

export interface DiskCheck {
  readonly path: string;
  /** Bytes an unprivileged process may still write there. */
  readonly freeBytes?: number;
  readonly totalBytes?: number;
  readonly error?: string;
}

export type ToolName = 'ffmpeg' | 'ffprobe' | 'exiftool';
const VERSION_ARGS: Readonly<Record<ToolName, readonly string[]>> = { ffmpeg: ['-version'], ffprobe: ['-version'], exiftool: ['-ver'] };
const TOOL_TIMEOUT_MS = 10_000;

export const checkTool = (name: ToolName, path: string): Promise<ToolCheck> =>
  new Promise((done) => {
    execFile(path, [...VERSION_ARGS[name]], { timeout: TOOL_TIMEOUT_MS, maxBuffer: 256 * 1024 }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const error = code === 'ENOENT' ? `${path} not found` : code === 'EACCES' ? `${path} is not executable` : err.message.split('\n')[0]!;
        done({ path, present: false, error });
        return;
      }
      const first = stdout.split('\n')[0]!.trim();
      // ffmpeg: "ffmpeg version 5.1.6-0+deb12u1 Copyright …"; exiftool: "12.57"
      const version = /version (\S+)/.exec(first)?.[1] ?? first.slice(0, 64);
      done({ path, present: true, version });
    });
  });

export const checkTools = async (paths: Readonly<Record<ToolName, string>>): Promise<Record<ToolName, ToolCheck>> => {
  const [ffmpeg, ffprobe, exiftool] = await Promise.all([checkTool('ffmpeg', paths.ffmpeg), checkTool('ffprobe', paths.ffprobe), checkTool('exiftool', paths.exiftool)]);
  return { ffmpeg, ffprobe, exiftool };
};

export const checkDisk = async (path: string): Promise<DiskCheck> => {
  try {
    const stats = await statfs(path);
    return { path, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch (err) {
    return { path, error: (err as Error).message };
  }
};
