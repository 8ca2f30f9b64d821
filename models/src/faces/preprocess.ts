/**
 * Turns decoded pixels into the NCHW float32 input the face pack's graphs take, reproducing
 * face-api's `NetInput.toBatchTensor`: zero-pad to a square (at the end, or split around the
 * image when `centred`), then TF's legacy bilinear resize (align_corners = false,
 * half_pixel_centers = false). Values stay in 0..255; each graph normalises for itself.
 *
 *   const input = toNetworkInput({ width, height, channels: 3, data: rgb }, 150, true);
 *   await session.run({ input: new ort.Tensor('float32', input, [1, 3, 150, 150]) });
 */

/** Interleaved 8-bit pixels (RGB or RGBA; alpha is ignored), row-major, top row first. */
export type RgbImage = {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
};

/** Where the image sits inside the padded square, in source pixels. */
export type SquarePadding = { readonly side: number; readonly left: number; readonly top: number };

/** face-api's padToSquare: the append side gets round(diff / 2) when centred, all of it otherwise. */
export const squarePadding = (width: number, height: number, centred: boolean): SquarePadding => {
  const side = Math.max(width, height);
  const diff = side - Math.min(width, height);
  const before = centred ? diff - Math.round(diff * 0.5) : 0;
  return width < height ? { side, left: before, top: 0 } : { side, left: 0, top: height < width ? before : 0 };
};

// TF.js computes the resize in float32; rounding every step the same way keeps us bit-close.
const f = Math.fround;

/** Source coordinate, lower and upper neighbour and weight for one output row or column. */
const axisSamples = (inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } => {
  const scale = f(inSize / outSize);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const source = f(scale * i);
    const floor = Math.floor(source);
    lo[i] = Math.max(0, floor);
    hi[i] = Math.min(inSize - 1, Math.ceil(source));
    frac[i] = f(source - floor);
  }
  return { lo, hi, frac };
};

/** NCHW [3, size, size] float32 network input for `image`. */
export const toNetworkInput = (image: RgbImage, size: number, centred: boolean): Float32Array => {
  const { side, left, top } = squarePadding(image.width, image.height, centred);
  const { width, height, channels, data } = image;
  if (data.length < width * height * channels) throw new Error(`image data has ${data.length} bytes for ${width}×${height}×${channels}`);
  const pixel = (y: number, x: number, c: number): number => {
    const sy = y - top;
    const sx = x - left;
    if (sy < 0 || sx < 0 || sy >= height || sx >= width) return 0;
    return data[(sy * width + sx) * channels + c] as number;
  };
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  if (side === size) {
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) out[c * plane + y * size + x] = pixel(y, x, c);
    return out;
  }
  const rows = axisSamples(side, size);
  const cols = axisSamples(side, size);
  for (let y = 0; y < size; y++) {
    const y0 = rows.lo[y] as number;
    const y1 = rows.hi[y] as number;
    const fy = rows.frac[y] as number;
    for (let x = 0; x < size; x++) {
      const x0 = cols.lo[x] as number;
      const x1 = cols.hi[x] as number;
      const fx = cols.frac[x] as number;
      for (let c = 0; c < 3; c++) {
        const topValue = f(pixel(y0, x0, c) + f(f(pixel(y0, x1, c) - pixel(y0, x0, c)) * fx));
        const bottomValue = f(pixel(y1, x0, c) + f(f(pixel(y1, x1, c) - pixel(y1, x0, c)) * fx));
        out[c * plane + y * size + x] = f(topValue + f(f(bottomValue - topValue) * fy));
      }
    }
  }
  return out;
};

/** A whole-pixel rectangle inside an image. */
export type PixelBox = { readonly x: number; readonly y: number; readonly width: number; readonly height: number };

/** The pixels of `box` (already clipped to the image) as a new RGB image. */
export const cropImage = (image: RgbImage, box: PixelBox): RgbImage => {
  const { x, y, width, height } = box;
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.width || y + height > image.height) {
    throw new Error(`crop ${width}×${height}+${x}+${y} is outside the ${image.width}×${image.height} image`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const from = ((y + row) * image.width + x + col) * image.channels;
      const to = (row * width + col) * 3;
      data[to] = image.data[from] as number;
      data[to + 1] = image.data[from + 1] as number;
      data[to + 2] = image.data[from + 2] as number;
    }
  }
  return { width, height, channels: 3, data };
};
