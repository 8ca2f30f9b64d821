/**
 * A hand-assembled WebAssembly SIMD kernel: int8 dot products of one query against `count`
 * stored vectors, written as int32 scores. Per 16 bytes it does two i16x8.extmul (low/high
 * halves), one i16x8.add (safe: values are clamped to ±127, so a pair of products ≤ 32 258), one
 * i32x4.extadd_pairwise and one i32x4.add, unrolled four times. No toolchain: the bytes are spelled
 * out below, and the tests check the kernel against a plain JS dot product.
 *
 *   const { scores } = instantiateInt8Dot(memory).exports;          // memory: WebAssembly.Memory
 *   scores(queryPtr, vectorsPtr, count, dims, outPtr);               // dims a multiple of 64
 */

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
/** Signed LEB128, as i32.const takes it (64 needs two bytes: bit 6 is the sign). */
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes.
const I32 = 0x7f;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_ADD = 0x6a;
const I32_LT_U = 0x49;
const I32_CONST = 0x41;
const I32_STORE = 0x36;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR_IF = 0x0d;
const I32_EQZ = 0x45;
const END = 0x0b;
const EMPTY = 0x40;
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...leb(op), ...imm];
const V128_LOAD = (offset: number): number[] => simd(0x00, 0, ...leb(offset));
const V128_CONST_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const EXTMUL_LOW_S = simd(0x9c);
const EXTMUL_HIGH_S = simd(0x9d);
const I16X8_ADD = simd(0x8e);
const EXTADD_PAIRWISE_S = simd(0x7e);
const I32X4_ADD = simd(0xae);
const EXTRACT_LANE = (lane: number): number[] => simd(0x1b, lane);

// Params: 0 query, 1 vectors, 2 count, 3 dims, 4 out. Locals: 5 i, 6 j, 7 acc (v128), 8 a (v128), 9 q (v128).
const [QUERY, VECTORS, COUNT, DIMS, OUT, I, J, ACC, A, Q] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const get = (l: number): number[] => [LOCAL_GET, l];
const set = (l: number): number[] => [LOCAL_SET, l];

/** acc += pairwise(extmul_low(a, q) + extmul_high(a, q)) for the 16 bytes at `offset`. */
const step = (offset: number): number[] => [
  ...get(VECTORS), ...get(J), I32_ADD, ...V128_LOAD(offset), ...set(A),
  ...get(QUERY), ...get(J), I32_ADD, ...V128_LOAD(offset), ...set(Q),
  ...get(ACC),
  ...get(A), ...get(Q), ...EXTMUL_LOW_S,
  ...get(A), ...get(Q), ...EXTMUL_HIGH_S,
  ...I16X8_ADD, ...EXTADD_PAIRWISE_S, ...I32X4_ADD, ...set(ACC),
];

const body: number[] = [
  ...vec([[2, I32], [3, V128]]),
  // if (count == 0) return
  BLOCK, EMPTY,
  ...get(COUNT), I32_EQZ, BR_IF, 0,
  LOOP, EMPTY,
  ...V128_CONST_ZERO, ...set(ACC),
  I32_CONST, ...sleb(0), ...set(J),
  LOOP, EMPTY,
  ...step(0), ...step(16), ...step(32), ...step(48),
  ...get(J), I32_CONST, ...sleb(64), I32_ADD, LOCAL_TEE, J, ...get(DIMS), I32_LT_U, BR_IF, 0,
  END,
  // out[i] = sum of acc's lanes
  ...get(OUT), ...get(I), I32_CONST, ...sleb(2), 0x74 /* i32.shl */, I32_ADD,
  ...get(ACC), ...EXTRACT_LANE(0), ...get(ACC), ...EXTRACT_LANE(1), I32_ADD, ...get(ACC), ...EXTRACT_LANE(2), I32_ADD, ...get(ACC), ...EXTRACT_LANE(3), I32_ADD,
  I32_STORE, 2, 0,
  // vectors += dims; i += 1; loop while i < count
  ...get(VECTORS), ...get(DIMS), I32_ADD, ...set(VECTORS),
  ...get(I), I32_CONST, ...sleb(1), I32_ADD, LOCAL_TEE, I, ...get(COUNT), I32_LT_U, BR_IF, 0,
  END,
  END,
  END,
];

export const INT8_DOT_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
  ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
  ...section(3, vec([[0]])),
  ...section(7, vec([[...name('scores'), 0x00, 0]])),
  ...section(10, vec([[...leb(body.length), ...body]])),
]);

export type Int8DotKernel = { scores(query: number, vectors: number, count: number, dims: number, out: number): void };

let compiled: WebAssembly.Module | undefined;

/** The kernel bound to `memory`. Throws where WebAssembly SIMD is unavailable. */
export const instantiateInt8Dot = (memory: WebAssembly.Memory): Int8DotKernel => {
  compiled ??= new WebAssembly.Module(INT8_DOT_WASM);
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return instance.exports as unknown as Int8DotKernel;
};
