/**
 * A minimal GGUF v3 writer (metadata + F32 tensors), enough for llama.cpp to load a model
 * the project makes itself. Layout (ggml docs/gguf.md): header, metadata key/values, tensor
 * infos, padding to `general.alignment`, tensor data (each tensor aligned). No npm package
 * writes GGUF (@huggingface/gguf only reads it), and the format is small.
 */

/** A metadata value with its GGUF type spelled out (the format has no "number"). */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'i32[]'; value: number[] }
  | { type: 'f32[]'; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension. */
  dims: number[];
  data: Float32Array;
}

const ALIGNMENT = 32;
const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_F32 = 0;

/** Appends little-endian values to growing buffers; joined once at the end. */
class ByteSink {
  private parts: Buffer[] = [];
  length = 0;
  private push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  private fixed(size: number, write: (b: Buffer) => void): void {
    const b = Buffer.alloc(size);
    write(b);
    this.push(b);
  }
  u32(v: number): void {
    this.fixed(4, (b) => b.writeUInt32LE(v));
  }
  i32(v: number): void {
    this.fixed(4, (b) => b.writeInt32LE(v));
  }
  u64(v: number): void {
    this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v)));
  }
  f32(v: number): void {
    this.fixed(4, (b) => b.writeFloatLE(v));
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  bytes(b: Buffer): void {
    this.push(b);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(Buffer.alloc(pad));
  }
  join(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

function writeArray<X>(s: ByteSink, elemType: number, values: readonly X[], write: (x: X) => void): void {
  s.u32(T.array);
  s.u32(elemType);
  s.u64(values.length);
  for (const x of values) write(x);
}

function writeValue(s: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      s.u32(T.u32);
      s.u32(v.value);
      return;
    case 'i32':
      s.u32(T.i32);
      s.i32(v.value);
      return;
    case 'f32':
      s.u32(T.f32);
      s.f32(v.value);
      return;
    case 'bool':
      s.u32(T.bool);
      s.bytes(Buffer.from([v.value ? 1 : 0]));
      return;
    case 'string':
      s.u32(T.string);
      s.str(v.value);
      return;
    case 'string[]':
      return writeArray(s, T.string, v.value, (x) => s.str(x));
    case 'i32[]':
      return writeArray(s, T.i32, v.value, (x) => s.i32(x));
    case 'f32[]':
      return writeArray(s, T.f32, v.value, (x) => s.f32(x));
  }
}

/** The bytes of a GGUF v3 file. Same input, same bytes (metadata in the order given). */
export function writeGguf(metadata: ReadonlyArray<[string, GgufValue]>, tensors: readonly GgufTensor[]): Buffer {
  const s = new ByteSink();
  s.bytes(Buffer.from('GGUF', 'ascii'));
  s.u32(3);
  s.u64(tensors.length);
  s.u64(metadata.length + 1);
  s.str('general.alignment');
  writeValue(s, { type: 'u32', value: ALIGNMENT });
  for (const [k, v] of metadata) {
    s.str(k);
    writeValue(s, v);
  }
  let offset = 0;
  for (const t of tensors) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} hold ${n} values, data has ${t.data.length}`);
    s.str(t.name);
    s.u32(t.dims.length);
    for (const d of t.dims) s.u64(d);
    s.u32(GGML_F32);
    s.u64(offset);
    offset += Math.ceil((n * 4) / ALIGNMENT) * ALIGNMENT;
  }
  s.padTo(ALIGNMENT);
  for (const t of tensors) {
    s.bytes(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    s.padTo(ALIGNMENT);
  }
  return s.join();
}
