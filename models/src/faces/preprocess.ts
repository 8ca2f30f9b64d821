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

/**
 * Per output row or column: the byte offset of the lower and upper source neighbour inside the
 * image (-1 where it falls in the zero padding) and the interpolation weight. Precomputing the
 * offsets once keeps the inner loop free of bounds checks; the arithmetic stays the same.
 */
const axisOffsets = (inSize: number, outSize: number, before: number, imageSize: number, stride: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } => {
  const { lo, hi, frac } = axisSamples(inSize, outSize);
  const offset = (i: number): number => (i - before < 0 || i - before >= imageSize ? -1 : (i - before) * stride);
  return { lo: lo.map(offset), hi: hi.map(offset), frac };
};

/** NCHW [3, size, size] float32 network input for `image`. */
export const toNetworkInput = (image: RgbImage, size: number, centred: boolean): Float32Array => {
  const { side, left, top } = squarePadding(image.width, image.height, centred);
  const { width, height, channels, data } = image;
  if (data.length < width * height * channels) throw new Error(`image data has ${data.length} bytes for ${width}×${height}×${channels}`);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  if (side === size) {
    for (let y = top; y < top + height; y++) {
      for (let x = left; x < left + width; x++) {
        const from = ((y - top) * width + x - left) * channels;
        for (let c = 0; c < 3; c++) out[c * plane + y * size + x] = data[from + c] as number;
      }
    }
    return out;
  }
  const rows = axisOffsets(side, size, top, height, width * channels);
  const cols = axisOffsets(side, size, left, width, channels);
  // One source row resized horizontally, [x][c]; consecutive output rows mostly share theirs.
  const resizeRow = (row: number, into: Float32Array): Float32Array => {
    if (row < 0) return into.fill(0);
    for (let x = 0; x < size; x++) {
      const x0 = cols.lo[x] as number;
      const x1 = cols.hi[x] as number;
      const fx = cols.frac[x] as number;
      for (let c = 0; c < 3; c++) {
        const p0 = x0 < 0 ? 0 : (data[row + x0 + c] as number);
        const p1 = x1 < 0 ? 0 : (data[row + x1 + c] as number);
        // Differences of 8-bit values are exact in float32, so only the product and sum round.
        into[x * 3 + c] = f(p0 + f((p1 - p0) * fx));
      }
    }
    return into;
  };
  const cache = [
    { row: Number.NaN, values: new Float32Array(size * 3) },
    { row: Number.NaN, values: new Float32Array(size * 3) },
  ];
  const resized = (row: number, keep: Float32Array | undefined): Float32Array => {
    const hit = cache.find((entry) => entry.row === row);
    if (hit !== undefined) return hit.values;
    const slot = cache[0]?.values === keep ? (cache[1] as (typeof cache)[number]) : (cache[0] as (typeof cache)[number]);
    slot.row = row;
    return resizeRow(row, slot.values);
  };
  for (let y = 0; y < size; y++) {
    const topRow = resized(rows.lo[y] as number, undefined);
    const bottomRow = resized(rows.hi[y] as number, topRow);
    const fy = rows.frac[y] as number;
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const topValue = topRow[x * 3 + c] as number;
        out[c * plane + y * size + x] = f(topValue + f(f((bottomRow[x * 3 + c] as number) - topValue) * fy));
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
