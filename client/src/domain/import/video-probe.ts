/**
 * Reads a video's duration and size and grabs a frame as a WebP thumbnail, on the main
 * thread through a <video> element (workers cannot decode video). Resolves with nulls for
 * codecs the browser cannot play.
 *
 *   const { duration, width, height, thumb } = await probeVideo(file);
 *   if (thumb) await thumbs.put(hash, thumb)
 */
import { thumbSize } from './thumb-size.js';

export interface VideoProbe {
  readonly duration: number | null;
  readonly decoded: { readonly width: number; readonly height: number } | null;
  readonly thumb: Blob | null;
}

const NOTHING: VideoProbe = { duration: null, decoded: null, thumb: null };

const once = (target: EventTarget, ok: string, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer);
      target.removeEventListener(ok, onOk);
      target.removeEventListener('error', onError);
      resolve(value);
    };
    const onOk = (): void => done(true);
    const onError = (): void => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    target.addEventListener(ok, onOk);
    target.addEventListener('error', onError);
  });

export const probeVideo = async (file: Blob, timeoutMs = 10_000): Promise<VideoProbe> => {
  const video = document.createElement('video');
  const url = URL.createObjectURL(file);
  video.muted = true;
  video.preload = 'metadata';
  video.src = url;
  try {
    if (!(await once(video, 'loadedmetadata', timeoutMs))) return NOTHING;
    const duration = Number.isFinite(video.duration) ? video.duration : null;
    const decoded = video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : null;
    if (!decoded) return { duration, decoded, thumb: null };
    video.currentTime = Math.min(1, (duration ?? 0) / 2);
    if (!(await once(video, 'seeked', timeoutMs))) return { duration, decoded, thumb: null };
    const size = thumbSize(decoded.width, decoded.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext('2d')?.drawImage(video, 0, 0, size.width, size.height);
    const thumb = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/webp', 0.8));
    return { duration, decoded, thumb };
  } catch {
    return NOTHING;
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
};
