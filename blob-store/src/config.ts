/**
 * The blob store's one typed configuration object: every default documented here, every value
 * validated at start so a bad setting fails at once with a message naming it.
 *
 *   const config = parseBlobStoreConfig({ maxBlobBytes: 1024 ** 3 })
 *   const fromEnv = parseBlobStoreConfig(blobStoreConfigFromEnv(process.env))
 */
import { transcodePolicies, type TranscodePolicy } from './transcode-policy.js';

const X264_PRESETS: readonly string[] = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'];

export interface BlobStoreConfig {
  /** Largest accepted upload in bytes. Default 8 GiB (a long 4K video). */
  readonly maxBlobBytes: number;
  /** Derivative jobs run at once by the in-process worker (on-demand requests share these slots). Default 1. */
  readonly workerConcurrency: number;
  /** Attempts per derivative job before it stays failed. Default 3. */
  readonly maxAttempts: number;
  /** Backoff before retry n is retryBaseMs * 4^(n-1). Default 2,000 ms. */
  readonly retryBaseMs: number;
  /** Decoder pixel limit (width × height) against decompression bombs. Default 200 MP. */
  readonly maxInputPixels: number;
  /** Thumbnail short side in px (WebP). Default 250. */
  readonly thumbnailSize: number;
  /** Preview short side in px (JPEG). Default 1440. */
  readonly previewSize: number;
  /** Quality of both derivatives, 1–100. Default 80. */
  readonly quality: number;
  /** Most hashes one `POST /api/blobs/exists` may ask about. Default 10,000. */
  readonly maxExistsHashes: number;
  /** External tools; a missing exiftool only disables RAW previews. Defaults /usr/bin/…. */
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly exiftoolPath: string;
  /** Kill an external tool or wasm decode after this long. Default 120,000 ms. */
  readonly toolTimeoutMs: number;
  /** Bytes each user may own (uploaded originals plus unfinished resumable uploads). Default unlimited. */
  readonly userQuotaBytes: number;
  /** Immich's transcode policy: required (default), optimal, bitrate, all, disabled. */
  readonly transcodePolicy: TranscodePolicy;
  /** Transcode short side in px. Default 720. */
  readonly transcodeShortSide: number;
  /** x264 constant rate factor. Default 23. */
  readonly transcodeCrf: number;
  /** x264 preset. Default ultrafast (Immich's default). */
  readonly transcodePreset: string;
  /** Bitrate policy threshold in kb/s; 0 = none. Default 0. */
  readonly transcodeMaxBitrateKbps: number;
  /** Video transcodes run at once, in slots of their own (thumbnails never wait behind a long video). Default 1. */
  readonly transcodeConcurrency: number;
  /** Kill a transcode after this long. Default 6 h. */
  readonly transcodeTimeoutMs: number;
  /** An unfinished tus upload is deleted this long after it was created. Default 7 days. */
  readonly uploadExpiryMs: number;
  /**
   * redis:// URL of a shared BullMQ job queue (scale-out); '' keeps jobs in SQLite (default).
   * From SHOEBOX_REDIS_URL (with the relay), or SHOEBOX_BLOB_REDIS_URL for the job queue alone.
   */
  readonly redisUrl: string;
  /** With Redis: a job whose process stopped renewing its lock (killed) is retried after this long. Default 30,000 ms. */
  readonly queueLockMs: number;
  /**
   * Uploads that would leave less than this free on the blobs filesystem are refused with 507
   * before they start (statfs), so the database and derivatives keep room. Default 64 MiB; 0 off.
   */
  readonly minFreeBytes: number;
}

export const defaultBlobStoreConfig: BlobStoreConfig = {
  maxBlobBytes: 8 * 1024 ** 3,
  workerConcurrency: 1,
  maxAttempts: 3,
  retryBaseMs: 2_000,
  maxInputPixels: 200_000_000,
  thumbnailSize: 250,
  previewSize: 1440,
  quality: 80,
  maxExistsHashes: 10_000,
  ffmpegPath: '/usr/bin/ffmpeg',
  ffprobePath: '/usr/bin/ffprobe',
  exiftoolPath: '/usr/bin/exiftool',
  toolTimeoutMs: 120_000,
  userQuotaBytes: Number.MAX_SAFE_INTEGER,
  transcodePolicy: 'required',
  transcodeShortSide: 720,
  transcodeCrf: 23,
  transcodePreset: 'ultrafast',
  transcodeMaxBitrateKbps: 0,
  transcodeConcurrency: 1,
  transcodeTimeoutMs: 6 * 3_600_000,
  uploadExpiryMs: 7 * 86_400_000,
  redisUrl: '',
  queueLockMs: 30_000,
  minFreeBytes: 64 * 1024 ** 2,
};

const integerRanges: Partial<Record<keyof BlobStoreConfig, readonly [number, number]>> = {
  maxBlobBytes: [1, Number.MAX_SAFE_INTEGER],
  workerConcurrency: [1, 64],
  maxAttempts: [1, 100],
  retryBaseMs: [0, 86_400_000],
  maxInputPixels: [1, 10_000_000_000],
  thumbnailSize: [16, 4096],
  previewSize: [16, 16_384],
  quality: [1, 100],
  maxExistsHashes: [1, 1_000_000],
  toolTimeoutMs: [100, 3_600_000],
  userQuotaBytes: [0, Number.MAX_SAFE_INTEGER],
  transcodeShortSide: [144, 4320],
  transcodeCrf: [0, 51],
  transcodeMaxBitrateKbps: [0, 1_000_000],
  transcodeConcurrency: [1, 16],
  transcodeTimeoutMs: [1000, 48 * 3_600_000],
  uploadExpiryMs: [60_000, 365 * 86_400_000],
  queueLockMs: [500, 3_600_000],
  minFreeBytes: [0, Number.MAX_SAFE_INTEGER],
};

/** A bad setting: `field` names the BlobStoreConfig key (loadBlobStoreConfig adds the variable). */
export class BlobStoreConfigError extends TypeError {
  constructor(
    readonly field: keyof BlobStoreConfig,
    message: string,
  ) {
    super(message);
    this.name = 'BlobStoreConfigError';
  }
}

/** Fills defaults and validates; throws a BlobStoreConfigError naming the first bad field. */
export const parseBlobStoreConfig = (partial: Partial<BlobStoreConfig> = {}): BlobStoreConfig => {
  const config: BlobStoreConfig = { ...defaultBlobStoreConfig, ...stripUndefined(partial) };
  for (const [key, range] of Object.entries(integerRanges) as [keyof BlobStoreConfig, readonly [number, number]][]) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range[0] || value > range[1]) {
      throw new BlobStoreConfigError(key, `blob-store config ${key} must be an integer in [${range[0]}, ${range[1]}], got ${JSON.stringify(value)}`);
    }
  }
  if (!transcodePolicies.includes(config.transcodePolicy)) {
    throw new BlobStoreConfigError('transcodePolicy', `blob-store config transcodePolicy must be one of ${transcodePolicies.join(', ')}, got ${JSON.stringify(config.transcodePolicy)}`);
  }
  if (!X264_PRESETS.includes(config.transcodePreset)) throw new BlobStoreConfigError('transcodePreset', `blob-store config transcodePreset must be one of ${X264_PRESETS.join(', ')}`);
  if (typeof config.redisUrl !== 'string' || (config.redisUrl !== '' && !/^rediss?:\/\/[^\s]+$/.test(config.redisUrl))) {
    throw new BlobStoreConfigError('redisUrl', `blob-store config redisUrl must be empty or a redis:// or rediss:// URL, got ${JSON.stringify(config.redisUrl)}`);
  }
  for (const key of ['ffmpegPath', 'ffprobePath', 'exiftoolPath'] as const) {
    if (typeof config[key] !== 'string' || config[key].length === 0) throw new BlobStoreConfigError(key, `blob-store config ${key} must be a non-empty path`);
  }
  return config;
};

const envNames: Partial<Record<keyof BlobStoreConfig, string>> = {
  maxBlobBytes: 'SHOEBOX_BLOB_MAX_BYTES',
  workerConcurrency: 'SHOEBOX_BLOB_WORKER_CONCURRENCY',
  maxInputPixels: 'SHOEBOX_BLOB_MAX_INPUT_PIXELS',
  userQuotaBytes: 'SHOEBOX_BLOB_USER_QUOTA_BYTES',
  minFreeBytes: 'SHOEBOX_BLOB_MIN_FREE_BYTES',
  transcodePolicy: 'SHOEBOX_TRANSCODE_POLICY',
  ffmpegPath: 'SHOEBOX_FFMPEG',
  ffprobePath: 'SHOEBOX_FFPROBE',
  exiftoolPath: 'SHOEBOX_EXIFTOOL',
  redisUrl: 'SHOEBOX_REDIS_URL',
};

/** Reads the settings that may come from the environment; pass the result to parseBlobStoreConfig. */
export const blobStoreConfigFromEnv = (env: Readonly<Record<string, string | undefined>>): Partial<BlobStoreConfig> => {
  const out: Record<string, string | number> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    out[key] = key.endsWith('Path') || key === 'transcodePolicy' || key === 'redisUrl' ? raw : Number(raw);
  }
  // The job queue alone can go to Redis (the relay's scale-out also needs PostgreSQL).
  if (env.SHOEBOX_BLOB_REDIS_URL) out.redisUrl = env.SHOEBOX_BLOB_REDIS_URL;
  return out as Partial<BlobStoreConfig>;
};

/**
 * The environment's settings, parsed and validated: a bad value throws a BlobStoreConfigError
 * whose message starts with the variable's name (`SHOEBOX_BLOB_MAX_BYTES: …`).
 */
export const loadBlobStoreConfig = (env: Readonly<Record<string, string | undefined>>): BlobStoreConfig => {
  try {
    return parseBlobStoreConfig(blobStoreConfigFromEnv(env));
  } catch (err) {
    if (!(err instanceof BlobStoreConfigError)) throw err;
    const name = err.field === 'redisUrl' && env.SHOEBOX_BLOB_REDIS_URL ? 'SHOEBOX_BLOB_REDIS_URL' : envNames[err.field];
    throw name ? new BlobStoreConfigError(err.field, `${name}: ${err.message} (from ${name}=${JSON.stringify(env[name])})`) : err;
  }
};

const stripUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
