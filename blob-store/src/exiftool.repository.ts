/**
 * One long-running `exiftool -stay_open True -@ -` process: requests are queued and answered in
 * order, each as ExifTool's own `-j -n` JSON object. A request that hangs kills the process; the
 * next request starts a fresh one. Paths go as argument lines, never through a shell.
 *
 *   const exiftool = createExifTool({ path: '/usr/bin/exiftool', timeoutMs: 30_000 })
 *   const tags = await exiftool.read('/data/blobs/originals/ab/cd/<hash>'); await exiftool.close()
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type ExifTags = Readonly<Record<string, unknown>>;

export interface ExifToolOptions {
  readonly path: string;
  readonly timeoutMs: number;
}

export interface ExifTool {
  /** ExifTool's `-j -n` tags of one file (numeric values, no group prefixes). */
  read(file: string): Promise<ExifTags>;
  close(): Promise<void>;
}

/** The arguments of every read; the parity tests run `exiftool -j -n` with the same ones. */
export const EXIFTOOL_READ_ARGS: readonly string[] = ['-j', '-n', '-api', 'largefilesupport=1'];

interface Pending {
  readonly id: number;
  readonly file: string;
  readonly resolve: (tags: ExifTags) => void;
  readonly reject: (error: Error) => void;
}

export const createExifTool = (options: ExifToolOptions): ExifTool => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let stdout = '';
  let stderr = '';
  let nextId = 1;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const queue: Pending[] = [];
  let current: Pending | undefined;

  const fail = (error: Error): void => {
    const victim = current;
    current = undefined;
    clearTimeout(timer);
    child?.kill('SIGKILL');
    child = undefined;
    victim?.reject(error);
    pump();
  };

  const start = (): ChildProcessWithoutNullStreams => {
    const proc = spawn(options.path, ['-stay_open', 'True', '-@', '-'], { stdio: 'pipe' });
    stdout = '';
    stderr = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      settle();
    });
    proc.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    proc.on('error', (error) => {
      if (child === proc) fail(new Error(`exiftool could not start: ${error.message}`));
    });
    proc.on('exit', (code) => {
      if (child === proc) fail(new Error(`exiftool exited (${code}): ${stderr.trim().slice(0, 300)}`));
    });
    proc.stdin.on('error', () => undefined); // reported through 'exit'
    return proc;
  };

  const settle = (): void => {
    if (!current) return;
    const marker = `{ready${current.id}}`;
    const at = stdout.indexOf(marker);
    if (at < 0) return;
    const out = stdout.slice(0, at).trim();
    stdout = stdout.slice(at + marker.length).replace(/^\r?\n/, '');
    const done = current;
    current = undefined;
    clearTimeout(timer);
    const errors = stderr.trim();
    stderr = '';
    try {
      const parsed = out === '' ? [] : (JSON.parse(out) as unknown);
      const tags = Array.isArray(parsed) ? (parsed[0] as ExifTags | undefined) : undefined;
      if (!tags) throw new Error(errors || 'no output');
      done.resolve(tags);
    } catch (error) {
      done.reject(new Error(`exiftool could not read the file: ${(errors || (error as Error).message).slice(0, 300)}`));
    }
    pump();
  };

  const pump = (): void => {
    if (current || closed) return;
    const next = queue.shift();
    if (!next) return;
    current = next;
    child ??= start();
    timer = setTimeout(() => fail(new Error(`exiftool timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    child.stdin.write([...EXIFTOOL_READ_ARGS, next.file, `-execute${next.id}`, ''].join('\n'));
  };

  return {
    read(file) {
      if (closed) return Promise.reject(new Error('exiftool is closed'));
      // -@ reads one argument per line; a leading '-' would turn a name into an option.
      if (/[\r\n]/.test(file) || file.startsWith('-')) return Promise.reject(new Error('unsafe file name for exiftool'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, file, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const pending of queue.splice(0)) pending.reject(new Error('exiftool is closed'));
      current?.reject(new Error('exiftool is closed'));
      current = undefined;
      const proc = child;
      child = undefined;
      if (!proc) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
        proc.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        proc.stdin.end('-stay_open\nFalse\n');
      });
    },
  };
};
