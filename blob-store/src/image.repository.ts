/**
 * The only code that calls sharp: renders derivatives and the small RGBA a thumbhash is made
 * from, with EXIF orientation applied, output in sRGB, never upscaled, and a pixel limit against
 * decompression bombs. Every decode failure surfaces as an UndecodableError.
 *
 *   const webp = await images.render({ kind: 'encoded', input: file }, { format: 'webp', shortSide: 250, quality: 80 })
 *   const small = await images.small(source, 100) // { width, height, rgba, fullWidth, fullHeight }
 */
import sharp from 'sharp';
import type { RgbaImage } from './wasm-decode.repository.js';

/** What a decoder step hands to sharp: encoded bytes or a file, or pixels already decoded. */
export type ImageSource =
  | {
      readonly kind: 'encoded';
      readonly input: string | Buffer;
      /** Orientation to apply when the image carries none of its own (a RAW's embedded preview). */
      readonly fallbackOrientation?: number;
    }
  | {
      readonly kind: 'rgba';
      /** 8-bit pixels; `data` holds `channels` bytes a pixel (RGBA unless `channels` says 3). */
      readonly image: RgbaImage;
      /** 3 for a working copy without alpha (see prepare): a third less to resize, no alpha plane in the WebP. */
      readonly channels?: 3 | 4;
      /** The oriented size of the original when `image` is a reduced working copy (see prepare). */
      readonly full?: { readonly width: number; readonly height: number };
    };

export interface RenderSpec {
  readonly format: 'webp' | 'jpeg';
  /** Target length of the shorter side; smaller images keep their size. */
  readonly shortSide: number;
  readonly quality: number;
}

export interface SmallRender {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
  /** The oriented size of the full image. */
  readonly fullWidth: number;
  readonly fullHeight: number;
}

export interface ImageRepository {
  /**
   * Decodes once into an oriented sRGB working copy whose short side is at most `shortSide`
   * (JPEGs shrink on load; an embedded ICC profile is applied after the shrink), from which every
   * derivative of the blob is then rendered. Opaque images stay 3-channel.
   */
  prepare(source: ImageSource, shortSide: number): Promise<ImageSource>;
  render(source: ImageSource, spec: RenderSpec): Promise<{ data: Buffer; width: number; height: number }>;
  small(source: ImageSource, maxSide: number): Promise<SmallRender>;
}

/** The content cannot be decoded: retrying will not help. */
export class UndecodableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableError';
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300) ?? 'unknown error';

export const createImageRepository = (options: { maxInputPixels: number }): ImageRepository => {
  // 'error' rejects truncated and corrupt data; 'warning' would also reject valid HDR AVIFs.
  const inputOptions = { limitInputPixels: options.maxInputPixels, failOn: 'error' } as const;

  /**
   * A pipeline positioned after orientation, plus the oriented size; `profiled` when the input
   * carries an ICC profile that sharp would convert to sRGB at decode.
   */
  const open = async (source: ImageSource): Promise<{ pipeline: sharp.Sharp; width: number; height: number; profiled?: boolean }> => {
    if (source.kind === 'rgba') {
      const { width, height, data } = source.image;
      if (width * height > options.maxInputPixels) throw new UndecodableError(`image is ${width}×${height}, over the pixel limit`);
      const full = source.full ?? { width, height };
      const raw = { width, height, channels: source.channels ?? 4 };
      return { pipeline: sharp(data, { raw, limitInputPixels: options.maxInputPixels }), width: full.width, height: full.height };
    }
    const meta = await sharp(source.input, inputOptions).metadata();
    if (!meta.width || !meta.height) throw new UndecodableError('image has no dimensions');
    if (meta.width * meta.height > options.maxInputPixels) throw new UndecodableError(`image is ${meta.width}×${meta.height}, over the pixel limit`);
    const own = meta.orientation ?? 1;
    const fallback = source.fallbackOrientation ?? 1;
    if (meta.orientation === undefined && fallback !== 1) return orientManually(source.input, fallback);
    const swap = own >= 5;
    const pipeline = sharp(source.input, inputOptions).autoOrient();
    return { pipeline, width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, profiled: meta.hasProfile === true };
  };

  /** EXIF orientations 2–8 as rotate-then-mirror, in two passes so sharp cannot reorder them. */
  const orientManually = async (input: string | Buffer, orientation: number) => {
    const angle = ({ 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270 } as Record<number, number>)[orientation] ?? 0;
    const mirror = orientation === 2 || orientation === 4 || orientation === 5 || orientation === 7;
    const { data, info } = await sharp(input, inputOptions).rotate(angle).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: 4 as const };
    const pipeline = sharp(data, { raw, limitInputPixels: options.maxInputPixels });
    return { pipeline: mirror ? pipeline.flop() : pipeline, width: info.width, height: info.height };
  };

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UndecodableError) throw error;
      throw new UndecodableError(reasonOf(error));
    }
  };

  return {
    prepare: (source, shortSide) =>
      guard(async () => {
        const { pipeline, width, height, profiled } = await open(source);
        const box = { width: shortSide, height: shortSide, fit: 'outside', withoutEnlargement: true } as const;
        let reduced = pipeline.resize(box);
        if (profiled) {
          // sharp applies an embedded ICC profile before shrinking, and inside a resize pipeline that
          // transform cost 2–3× the decode itself (measured on 6000×4000 JPEGs): resize in the source's space
          // with the profile kept, then convert the small copy (pixel-identical for sRGB profiles).
          const small = await reduced.keepIccProfile().tiff({ compression: 'none' }).toBuffer();
          reduced = sharp(small, { limitInputPixels: options.maxInputPixels });
        }
        const { data, info } = await reduced.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
        if (info.channels !== 3 && info.channels !== 4) throw new UndecodableError(`working copy has ${info.channels} channels`);
        const image = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
        return { kind: 'rgba', image, channels: info.channels, full: { width, height } } as const;
      }),
    render: (source, spec) =>
      guard(async () => {
        const { pipeline } = await open(source);
        // fit 'outside' on a square box sets the shorter side; withoutEnlargement keeps small images small.
        const sized = pipeline
          .resize({ width: spec.shortSide, height: spec.shortSide, fit: 'outside', withoutEnlargement: true })
          .toColourspace('srgb');
        const encoded = spec.format === 'webp' ? sized.webp({ quality: spec.quality }) : sized.flatten({ background: '#ffffff' }).jpeg({ quality: spec.quality, optimiseCoding: true });
        const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height };
      }),
    small: (source, maxSide) =>
      guard(async () => {
        const { pipeline, width, height } = await open(source);
        const { data, info } = await pipeline
          .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
          .toColourspace('srgb')
          .ensureAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), fullWidth: width, fullHeight: height };
      }),
  };
};
