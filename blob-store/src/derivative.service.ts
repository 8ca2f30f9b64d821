/**
 * Makes one derivative of one blob: picks the decoder for its type (sharp, wasm HEIC/JXL, RAW
 * preview, video poster), renders, and stores. Idempotent: an existing result is `skipped`.
 *
 *   const result = await derivatives.run(hash, DerivativeKind.thumbnail) // success | failed | skipped
 *   const file = derivatives.files.pathOf(hash, 'thumbnail')
 */
import { readFile, writeFile } from 'node:fs/promises';
import { rgbaToThumbHash } from 'thumbhash';
import type { BlobHash, UserId } from '../../protocol/src/index.js';
import type { BlobBackend } from './blob.backend.js';
import type { BlobRepository } from './blob.repository.js';
import type { BlobStoreConfig } from './config.js';
import type { DerivativeRepository } from './derivative.repository.js';
import type { ExifTags, ExifTool } from './exiftool.repository.js';
import { UndecodableError, type ImageRepository, type ImageSource } from './image.repository.js';
import { DerivativeKind, JobStatus, type JobResult } from './job.repository.js';
import { extractMetadata, type MediaMetadata } from './media-metadata.js';
import { zoneOf } from './time-zone.repository.js';
import type { MediaTools } from './media-tools.repository.js';
import type { MetadataRepository } from './metadata.repository.js';
import { DecoderKind, decoderFor } from './media-types.js';
import type { TempFiles } from './temp-file.repository.js';
import { planTranscode } from './transcode-policy.js';
import type { VideoPlanRepository } from './video-plan.repository.js';
import type { VideoTools } from './video.repository.js';
import type { WasmDecoder } from './wasm-decode.repository.js';

export interface DerivativeServiceDeps {
  readonly blobs: BlobRepository;
  readonly backend: BlobBackend;
  readonly files: DerivativeRepository;
  readonly images: ImageRepository;
  readonly tools: MediaTools;
  readonly wasm: WasmDecoder;
  readonly temps: TempFiles;
  readonly exiftool: ExifTool;
  readonly metadata: MetadataRepository;
  /**
   * Called after each successful extraction with the users whose catalogs it belongs in (the
   * catalog write-back, SPEC X1): a sidecar's reading only ever goes to the sidecar's owner.
   */
  readonly onMetadata?: (hash: BlobHash, meta: MediaMetadata, users: readonly UserId[]) => void;
  readonly video: VideoTools;
  readonly plans: VideoPlanRepository;
  readonly config: Pick<
    BlobStoreConfig,
    'thumbnailSize' | 'previewSize' | 'quality' | 'transcodePolicy' | 'transcodeShortSide' | 'transcodeCrf' | 'transcodePreset' | 'transcodeMaxBitrateKbps'
  >;
}

export interface DerivativeService {
  /** `force` regenerates an output that exists ("re-run all"). */
  /** A queue's JobHandler: `progress` hears a transcode's share done, in percent. */
  run(hash: BlobHash, kind: DerivativeKind, options?: { force?: boolean; progress?: (percent: number) => void }): Promise<JobResult>;
  /** Whether the output of a kind exists (file on disk, or thumbhash on the blob row). */
  isDone(hash: BlobHash, kind: DerivativeKind): Promise<boolean>;
  /** Reads the blob merged with the user's sidecar, stores it as theirs and writes it back to them alone. */
  extractFor(hash: BlobHash, user: UserId): Promise<MediaMetadata>;
  readonly files: DerivativeRepository;
}

/** The three kinds of one blob run back to back; keep its decoded source for the next one. */
const SOURCE_CACHE_ENTRIES = 2;

export const createDerivativeService = (deps: DerivativeServiceDeps): DerivativeService => {
  const { blobs, backend, files, images, tools, wasm, temps, exiftool, metadata, video, plans, config } = deps;
  const cache = new Map<BlobHash, Promise<ImageSource>>();

  const decode = async (hash: BlobHash, mime: string): Promise<ImageSource> => {
    const file = await backend.localFile(hash);
    const decoder = decoderFor(mime);
    switch (decoder) {
      case DecoderKind.sharp:
        return { kind: 'encoded', input: file };
      case DecoderKind.wasmHeic:
        return { kind: 'rgba', image: await undecodable(wasm.decode('heic', file)) };
      case DecoderKind.wasmJxl:
        return { kind: 'rgba', image: await undecodable(wasm.decode('jxl', file)) };
      case DecoderKind.raw: {
        const preview = await tools.extractRawPreview(file).catch(() => undefined);
        return preview ? { kind: 'encoded', input: preview.jpeg, fallbackOrientation: preview.orientation } : { kind: 'encoded', input: file };
      }
      case DecoderKind.video:
        return frameOf(hash, file);
      case undefined:
        throw new UndecodableError(`no decoder for ${mime}`);
    }
  };

  /** One frame via ffmpeg: video posters, and AVIFs (10-bit, grid) that sharp's libheif refuses. */
  const frameOf = async (hash: BlobHash, file: string): Promise<ImageSource> => {
    const poster = temps.path(`frame-${hash}`, '.png');
    try {
      await undecodable(tools.extractPoster(file, poster));
      return { kind: 'encoded', input: await readFile(poster) };
    } finally {
      await temps.remove(poster);
    }
  };

  const sourceOf = (hash: BlobHash, mime: string, viaFfmpeg = false): Promise<ImageSource> => {
    let entry = viaFfmpeg ? undefined : cache.get(hash);
    if (!entry) {
      const decoded = viaFfmpeg ? backend.localFile(hash).then((file) => frameOf(hash, file)) : decode(hash, mime);
      // One decode per blob: the preview-sized working copy feeds preview, thumbnail and thumbhash.
      entry = decoded.then((source) => images.prepare(source, config.previewSize));
      cache.set(hash, entry);
      entry.catch(() => cache.delete(hash));
      while (cache.size > SOURCE_CACHE_ENTRIES) cache.delete(cache.keys().next().value as BlobHash);
    }
    return entry;
  };

  const isDone = async (hash: BlobHash, kind: DerivativeKind): Promise<boolean> => {
    if (kind === DerivativeKind.metadata) return metadata.has(hash);
    if (kind === DerivativeKind.video) {
      if (decoderFor(blobs.get(hash)?.mime ?? '') !== DecoderKind.video) return true; // nothing to do for stills
      const plan = plans.get(hash);
      return plan !== undefined && plan.policy === config.transcodePolicy && (!plan.transcode || (await files.exists(hash, 'video')));
    }
    return kind === DerivativeKind.thumbhash ? (blobs.get(hash)?.thumbhash ?? null) !== null : files.exists(hash, kind);
  };

  /** ExifTool reads the user's sidecar from a temp file. */
  const readSidecar = async (hash: BlobHash, xmp: Buffer): Promise<ExifTags> => {
    const file = temps.path(`sidecar-${hash}`, '.xmp');
    try {
      await writeFile(file, xmp);
      return await undecodable(exiftool.read(file));
    } finally {
      await temps.remove(file);
    }
  };

  /** The user's reading: the original merged with their sidecar (when they have one). */
  const readFor = async (hash: BlobHash, user: UserId, tags: ExifTags): Promise<MediaMetadata> => {
    const xmp = metadata.sidecar(hash, user);
    const meta = extractMetadata(tags, xmp ? await readSidecar(hash, xmp) : undefined, { zoneOf });
    if (xmp) metadata.setForUser(hash, user, meta);
    return meta;
  };

  /**
   * ExifTool reads the original (an unreadable file is undecodable): that reading goes to the
   * uploaders without a sidecar, and each uploader with one gets their own merge.
   */
  const extract = async (hash: BlobHash): Promise<void> => {
    const tags = await undecodable(exiftool.read(await backend.localFile(hash)));
    const meta = extractMetadata(tags, undefined, { zoneOf });
    metadata.set(hash, meta);
    const owners = blobs.owners(hash);
    const withSidecar = new Set(metadata.sidecarUsers(hash));
    const plain = owners.filter((user) => !withSidecar.has(user));
    if (plain.length > 0) deps.onMetadata?.(hash, meta, plain);
    for (const user of owners.filter((u) => withSidecar.has(u))) deps.onMetadata?.(hash, await readFor(hash, user, tags), [user]);
  };

  /** Probes, decides under the policy, and transcodes to a temp file renamed into place when needed. */
  const transcode = async (hash: BlobHash, force = false, progress?: (percent: number) => void): Promise<void> => {
    if (decoderFor(blobs.get(hash)?.mime ?? '') !== DecoderKind.video) return;
    const file = await backend.localFile(hash);
    const probe = await undecodable(video.probe(file));
    const plan = planTranscode(probe, { policy: config.transcodePolicy, targetShortSide: config.transcodeShortSide, maxBitrateKbps: config.transcodeMaxBitrateKbps });
    if (plan.transcode && (force || !(await files.exists(hash, 'video')))) {
      const out = temps.path(`video-${hash}`, '.mp4');
      try {
        const onProgress = progress && ((fraction: number) => progress(Math.round(fraction * 100)));
        const settings = { targetShortSide: config.transcodeShortSide, crf: config.transcodeCrf, preset: config.transcodePreset };
        await undecodable(video.transcode(file, out, { ...settings, onProgress, durationSeconds: probe.duration }));
        await files.moveIn(hash, 'video', out);
      } finally {
        await temps.remove(out);
      }
    }
    plans.set(hash, config.transcodePolicy, plan, probe);
  };

  const make = async (hash: BlobHash, mime: string, kind: DerivativeKind, force = false, progress?: (percent: number) => void): Promise<void> => {
    if (kind === DerivativeKind.metadata) return extract(hash);
    if (kind === DerivativeKind.video) return transcode(hash, force, progress);
    try {
      await makeFrom(hash, kind, await sourceOf(hash, mime));
    } catch (error) {
      if (!(error instanceof UndecodableError) || mime !== 'image/avif') throw error;
      await makeFrom(hash, kind, await sourceOf(hash, mime, true));
    }
  };

  const makeFrom = async (hash: BlobHash, kind: DerivativeKind, source: ImageSource): Promise<void> => {
    switch (kind) {
      case DerivativeKind.thumbnail:
      case DerivativeKind.preview: {
        const spec = kind === DerivativeKind.thumbnail
          ? { format: 'webp', shortSide: config.thumbnailSize, quality: config.quality } as const
          : { format: 'jpeg', shortSide: config.previewSize, quality: config.quality } as const;
        const { data } = await images.render(source, spec);
        await files.write(hash, kind, data);
        return;
      }
      case DerivativeKind.thumbhash: {
        // thumbhash wants at most 100×100; its aspect ratio comes from the render.
        const small = await images.small(source, 100);
        const thumbhash = rgbaToThumbHash(small.width, small.height, small.rgba);
        blobs.setImageInfo(hash, { width: small.fullWidth, height: small.fullHeight, thumbhash });
        return;
      }
      case DerivativeKind.metadata:
        return extract(hash);
      case DerivativeKind.video:
        return transcode(hash, true);
    }
  };

  return {
    files,
    isDone,
    async extractFor(hash, user) {
      const tags = await undecodable(exiftool.read(await backend.localFile(hash)));
      const meta = await readFor(hash, user, tags);
      if (blobs.isOwner(user, hash)) deps.onMetadata?.(hash, meta, [user]);
      return meta;
    },
    async run(hash, kind, { force = false, progress } = {}) {
      const blob = blobs.get(hash);
      if (!blob) return { status: JobStatus.failed, error: 'blob is not recorded', retryable: false };
      try {
        if (!force && (await isDone(hash, kind))) return { status: JobStatus.skipped };
        await make(hash, blob.mime, kind, force, progress);
        return { status: JobStatus.success };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Only I/O trouble (ENOSPC, EMFILE, EIO…) is worth a retry; bad content stays bad.
        const retryable = !(error instanceof UndecodableError) && typeof (error as NodeJS.ErrnoException).code === 'string';
        return { status: JobStatus.failed, error: message, retryable };
      }
    },
  };
};

const undecodable = async <T>(work: Promise<T>): Promise<T> => {
  try {
    return await work;
  } catch (error) {
    throw new UndecodableError(error instanceof Error ? error.message : String(error));
  }
};
