/**
 * Reading a model pack's files with their integrity checked: every file is listed in the pack's
 * manifest.json with its size and sha256, and a file is only handed on when both match. Errors
 * are `ModelPackError`s with a machine-readable reason. Browser and Node alike (WebCrypto).
 *
 *   const source = fetchPackSource('/models/face-api/');            // or nodePackSource(dir)
 *   const bytes = await readVerified(source, manifest.files, 'recognition/model.onnx');
 */

export const ModelPackErrorReason = {
  missingFile: 'missing-file',
  hashMismatch: 'hash-mismatch',
  badManifest: 'bad-manifest',
  badConfig: 'bad-config',
  wrongShape: 'wrong-shape',
  loadFailed: 'load-failed',
  timeout: 'timeout',
} as const;
export type ModelPackErrorReason = (typeof ModelPackErrorReason)[keyof typeof ModelPackErrorReason];

export class ModelPackError extends Error {
  constructor(
    readonly reason: ModelPackErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ModelPackError';
  }
}

/** A pack's files by their `/`-separated path inside the pack. */
export type PackSource = {
  readonly describe: string;
  read(path: string): Promise<Uint8Array>;
  /** Drops a cached copy, so the next read fetches afresh (caching sources only). */
  evict?(path: string): Promise<void>;
};

export type PackFile = { readonly path: string; readonly sha256: string; readonly bytes: number };

export const sha256Hex = async (bytes: Uint8Array): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a manifest's `files` list (untrusted) and returns it typed. */
export const parsePackFiles = (value: unknown): PackFile[] => {
  if (!Array.isArray(value) || value.length === 0) throw new ModelPackError(ModelPackErrorReason.badManifest, 'manifest has no files');
  return value.map((file, i) => {
    if (!isRecord(file) || typeof file.path !== 'string' || typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256) || typeof file.bytes !== 'number') {
      throw new ModelPackError(ModelPackErrorReason.badManifest, `manifest file ${i} lacks path, sha256 or bytes`);
    }
    if (file.path.startsWith('/') || file.path.split('/').some((part) => part === '..' || part === '')) throw new ModelPackError(ModelPackErrorReason.badManifest, `manifest file path ${file.path} is not inside the pack`);
    return { path: file.path, sha256: file.sha256, bytes: file.bytes };
  });
};

/** The bytes of `path`, after checking size and sha256 against the manifest entry. */
export const readVerified = async (source: PackSource, files: readonly PackFile[], path: string): Promise<Uint8Array> => {
  const entry = files.find((f) => f.path === path);
  if (entry === undefined) throw new ModelPackError(ModelPackErrorReason.badManifest, `${source.describe}: manifest does not list ${path}`);
  const attempt = async (): Promise<Uint8Array> => {
    let bytes: Uint8Array;
    try {
      bytes = await source.read(path);
    } catch (error) {
      throw new ModelPackError(ModelPackErrorReason.missingFile, `${source.describe}: cannot read ${path}: ${(error as Error).message}`);
    }
    if (bytes.byteLength !== entry.bytes) throw new ModelPackError(ModelPackErrorReason.hashMismatch, `${source.describe}: ${path} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
    const digest = await sha256Hex(bytes);
    if (digest !== entry.sha256) throw new ModelPackError(ModelPackErrorReason.hashMismatch, `${source.describe}: ${path} has sha256 ${digest}, the manifest says ${entry.sha256}`);
    return bytes;
  };
  try {
    return await attempt();
  } catch (error) {
    if (source.evict === undefined || !(error instanceof ModelPackError) || error.reason !== ModelPackErrorReason.hashMismatch) throw error;
    await source.evict(path);
    return attempt();
  }
};

/** Parses a JSON file of the pack, as a bad-config error when it is not JSON. */
export const parseJsonFile = (bytes: Uint8Array, path: string): unknown => {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelPackError(ModelPackErrorReason.badConfig, `${path} is not JSON: ${(error as Error).message}`);
  }
};

/** A pack served over HTTP under `baseUrl` (ends with `/`). */
export const fetchPackSource = (baseUrl: string, fetcher: typeof fetch = fetch): PackSource => ({
  describe: baseUrl,
  async read(path) {
    const response = await fetcher(new URL(path, baseUrl));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  },
});

/** Rejects with a timeout ModelPackError when `work` takes longer than `ms`. */
export const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ModelPackError(ModelPackErrorReason.timeout, `${what} took longer than ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
