/**
 * A small ONNX graph builder: values carry their static per-item shape (the batch dimension is
 * the symbolic `N`), nodes are appended in topological order, and `encode()` writes a ModelProto
 * with onnx-proto. Output is byte-for-byte deterministic for the same calls.
 *
 *   const g = new OnnxGraph('recognition'); const x = g.input('input', [3, 150, 150]);
 *   g.output(g.node('Relu', [x.name], {}, x.shape), 'out'); const bytes = g.encode();
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Opset every graph is written for (ORT web supports it fully; Clip takes min/max inputs). */
export const OPSET = 13;

/** A tensor in the graph. `shape` excludes the leading batch dimension. */
export type Value = { readonly name: string; readonly shape: readonly number[] };

export type Attribute = number | readonly number[] | string | { readonly float: number };
export type Attributes = Readonly<Record<string, Attribute>>;

export type GraphIo = { readonly name: string; readonly shape: readonly (number | string)[]; readonly dtype: 'float32' };
/** Graph inputs may also be int32 (token ids). */
export type GraphInput = Omit<GraphIo, 'dtype'> & { readonly dtype: 'float32' | 'int32' };

type Initializer = { name: string; dims: number[]; dtype: 'float32' | 'int64'; bytes: Uint8Array };

const encodeAttribute = (name: string, value: Attribute): InstanceType<typeof onnx.AttributeProto> => {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for non-integers`);
    return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  }
  if ('float' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value] });
};

const valueInfo = (io: GraphInput): InstanceType<typeof onnx.ValueInfoProto> =>
  onnx.ValueInfoProto.create({
    name: io.name,
    type: {
      tensorType: {
        elemType: io.dtype === 'int32' ? onnx.TensorProto.DataType.INT32 : onnx.TensorProto.DataType.FLOAT,
        shape: { dim: io.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });

// ONNX raw_data is little-endian; so is every host we build on (x86, arm64), so bytes copy as is.
const littleEndianBytes = (data: Float32Array | BigInt64Array): Uint8Array =>
  new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));

export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: GraphInput[] = [];
  private readonly outputs: GraphIo[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** `opset` 13 unless given (the CLIP graphs use 17 for LayerNormalization). */
  constructor(
    readonly name: string,
    private readonly options: { readonly opset?: number; readonly producer?: string } = {},
  ) {}

  /** A fresh tensor name built from `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.used.has(name)) name = `${hint}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, shape: readonly number[], dtype: GraphInput['dtype'] = 'float32'): Value {
    this.used.add(name);
    this.inputs.push({ name, shape: ['N', ...shape], dtype });
    return { name, shape };
  }

  /** A float32 constant; `dims` is its full shape (no batch dimension is implied). */
  constant(hint: string, dims: readonly number[], data: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`constant ${hint}: ${data.length} values for [${dims.join(', ')}]`);
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], dtype: 'float32', bytes: littleEndianBytes(data) });
    return name;
  }

  /** An int64 constant (shapes, pads, axes). */
  int64s(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [values.length], dtype: 'int64', bytes: littleEndianBytes(data) });
    return name;
  }

  /** Appends a node with one output of the given per-item shape. */
  node(opType: string, inputs: readonly string[], attributes: Attributes, shape: readonly number[], hint = opType.toLowerCase()): Value {
    const output = this.fresh(hint);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: output,
        input: [...inputs],
        output: [output],
        attribute: Object.keys(attributes)
          .sort()
          .map((key) => encodeAttribute(key, attributes[key] as Attribute)),
      }),
    );
    return { name: output, shape };
  }

  /** Exposes `value` as graph output `name` (an Identity keeps the internal name free). */
  output(value: Value, name: string, shape: readonly (number | string)[] = ['N', ...value.shape]): void {
    if (this.used.has(name)) throw new Error(`output name ${name} is already taken inside the graph`);
    this.used.add(name);
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', name: this.fresh(`${name}/identity`), input: [value.name], output: [name] }));
    this.outputs.push({ name, shape, dtype: 'float32' });
  }

  get signature(): { inputs: readonly GraphInput[]; outputs: readonly GraphIo[] } {
    return { inputs: this.inputs, outputs: this.outputs };
  }

  encode(docString = ''): Uint8Array {
    const { DataType } = onnx.TensorProto;
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: this.options.producer ?? 'shoebox-face-pack',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: this.options.opset ?? OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers.map((init) => ({
          name: init.name,
          dims: init.dims,
          dataType: init.dtype === 'float32' ? DataType.FLOAT : DataType.INT64,
          rawData: init.bytes,
        })),
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
