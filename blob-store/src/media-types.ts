/**
 * Which sniffed content types the blob store accepts, and how each is decoded for derivatives.
 *
 *   if (!isAcceptedMime(sniffed.mime)) throw new HttpError(415, 'unsupportedMediaType', …)
 *   const decoder = decoderFor(mime) // 'sharp' | 'wasmHeic' | 'wasmJxl' | 'raw' | 'video'
 */

export const DecoderKind = {
  /** libvips reads it directly (JPEG, PNG, WebP, GIF, AVIF, TIFF). */
  sharp: 'sharp',
  /** HEVC-coded HEIF: sharp's prebuilt libheif has no HEVC decoder, so libheif-js (wasm). */
  wasmHeic: 'wasmHeic',
  /** JPEG XL: sharp's prebuilt libvips lacks libjxl, so @jsquash/jxl (wasm). */
  wasmJxl: 'wasmJxl',
  /** Camera RAW: the embedded JPEG preview (exiftool), else sharp on the TIFF container. */
  raw: 'raw',
  /** A poster frame from ffmpeg. */
  video: 'video',
} as const;
export type DecoderKind = (typeof DecoderKind)[keyof typeof DecoderKind];

const decoders: Readonly<Record<string, DecoderKind>> = {
  'image/jpeg': DecoderKind.sharp,
  'image/png': DecoderKind.sharp,
  'image/webp': DecoderKind.sharp,
  'image/gif': DecoderKind.sharp,
  'image/avif': DecoderKind.sharp,
  'image/tiff': DecoderKind.raw, // NEF, IIQ and other TIFF-based RAW sniff as plain TIFF
  'image/heic': DecoderKind.wasmHeic,
  'image/heif': DecoderKind.wasmHeic,
  'image/heic-sequence': DecoderKind.wasmHeic,
  'image/heif-sequence': DecoderKind.wasmHeic,
  'image/jxl': DecoderKind.wasmJxl,
  'image/x-canon-cr2': DecoderKind.raw,
  'image/x-canon-cr3': DecoderKind.raw,
  'image/x-nikon-nef': DecoderKind.raw,
  'image/x-sony-arw': DecoderKind.raw,
  'image/x-fujifilm-raf': DecoderKind.raw,
  'image/x-panasonic-rw2': DecoderKind.raw,
  'image/x-olympus-orf': DecoderKind.raw,
  'image/x-adobe-dng': DecoderKind.raw,
  'video/mp4': DecoderKind.video,
  'video/x-m4v': DecoderKind.video,
  'video/quicktime': DecoderKind.video,
  'video/vnd.avi': DecoderKind.video,
  'video/x-msvideo': DecoderKind.video,
  'video/matroska': DecoderKind.video,
  'video/x-matroska': DecoderKind.video,
  'video/webm': DecoderKind.video,
  'video/3gpp': DecoderKind.video,
  'video/3gpp2': DecoderKind.video,
  'video/mp2t': DecoderKind.video, // AVCHD .mts from camcorders
};

export const isAcceptedMime = (mime: string | undefined): mime is string => mime !== undefined && Object.hasOwn(decoders, mime);

/** How to decode an accepted type; undefined for anything else. */
export const decoderFor = (mime: string): DecoderKind | undefined => (Object.hasOwn(decoders, mime) ? decoders[mime] : undefined);

export const acceptedMimeTypes = (): readonly string[] => Object.keys(decoders);
