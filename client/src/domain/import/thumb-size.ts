/**
 * Thumbnail geometry shared by the import worker and the video frame grabber: scale so the
 * short side is ~250 px (as the server's thumbnails), never upscaling.
 *
 *   const { width, height } = thumbSize(4032, 3024)   // → 333 × 250
 *   canvas.width = width; canvas.height = height
 */

export const THUMB_SHORT_SIDE = 250;

export const thumbSize = (width: number, height: number, shortSide = THUMB_SHORT_SIDE): { width: number; height: number } => {
  const scale = Math.min(1, shortSide / Math.min(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
};
