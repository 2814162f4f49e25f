import { ClaudiaError } from '../util/errors';
import type { CdrReader } from './cdr-reader';
import type { CdrWriter } from './cdr-writer';
import type { PrimitiveType } from './types';

/** Byte size of a primitive on the wire (strings: their length prefix). */
export const PRIMITIVE_SIZE: Record<PrimitiveType, number> = {
  bool: 1, byte: 1, char: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
  int64: 8, uint64: 8, float32: 4, float64: 8, string: 4,
};

const INT_RANGE: Record<string, [number, number]> = {
  byte: [0, 255], char: [0, 255], int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
};
const I64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const U64: [bigint, bigint] = [0n, 2n ** 64n - 1n];

/** The value a field takes when the message leaves it out (as rclnodejs/rclpy do). */
export function primitiveDefault(type: PrimitiveType): unknown {
  if (type === 'bool') return false;
  if (type === 'string') return '';
  if (type === 'int64' || type === 'uint64') return 0n;
  return 0;
}

export function writePrimitive(w: CdrWriter, type: PrimitiveType, v: unknown, where: string, stringBound?: number): void {
  switch (type) {
    case 'bool':
      if (typeof v !== 'boolean') throw bad(where, 'a boolean', v);
      return w.bool(v);
    case 'string':
      if (typeof v !== 'string') throw bad(where, 'a string', v);
      return w.string(v, stringBound, where);
    case 'float32':
      if (typeof v !== 'number') throw bad(where, 'a number', v);
      return w.float32(v);
    case 'float64':
      if (typeof v !== 'number') throw bad(where, 'a number', v);
      return w.float64(v);
    case 'int64':
      return w.int64(toBigInt(v, I64, where, type));
    case 'uint64':
      return w.uint64(toBigInt(v, U64, where, type));
    default: {
      const n = toInt(type, v, where);
      switch (type) {
        case 'int8': return w.int8(n);
        case 'int16': return w.int16(n);
        case 'uint16': return w.uint16(n);
        case 'int32': return w.int32(n);
        case 'uint32': return w.uint32(n);
        default: return w.uint8(n); // byte, char, uint8
      }
    }
  }
}

export function readPrimitive(r: CdrReader, type: PrimitiveType, where: string, stringBound?: number): unknown {
  switch (type) {
    case 'bool': return r.bool();
    case 'string': return r.string(stringBound, where);
    case 'float32': return r.float32();
    case 'float64': return r.float64();
    case 'int64': return r.int64();
    case 'uint64': return r.uint64();
    case 'int8': return r.int8();
    case 'int16': return r.int16();
    case 'uint16': return r.uint16();
    case 'int32': return r.int32();
    case 'uint32': return r.uint32();
    default: return r.uint8();
  }
}

/**
 * Numeric arrays decode to typed arrays (as rclnodejs does): uint8[] -> Uint8Array,
 * float32[] -> Float32Array, int64[] -> BigInt64Array...; bool and string arrays to plain arrays.
 */
export function readPrimitiveArray(r: CdrReader, type: PrimitiveType, n: number, where: string, stringBound?: number): unknown {
  if (type === 'byte' || type === 'char' || type === 'uint8') return r.bytesCopy(n);
  const make = TYPED[type];
  if (!make) {
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readPrimitive(r, type, `${where}[${i}]`, stringBound);
    return out;
  }
  const arr = make(n);
  for (let i = 0; i < n; i++) arr[i] = readPrimitive(r, type, where) as never;
  return arr;
}

type AnyTyped = { [i: number]: number | bigint; length: number };
const TYPED: Partial<Record<PrimitiveType, (n: number) => AnyTyped>> = {
  int8: (n) => new Int8Array(n),
  int16: (n) => new Int16Array(n),
  uint16: (n) => new Uint16Array(n),
  int32: (n) => new Int32Array(n),
  uint32: (n) => new Uint32Array(n),
  int64: (n) => new BigInt64Array(n),
  uint64: (n) => new BigUint64Array(n),
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
};

function toInt(type: string, v: unknown, where: string): number {
  let n = v;
  if (type === 'char' && typeof v === 'string' && v.length === 1) n = v.charCodeAt(0);
  const range = INT_RANGE[type] as [number, number];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range[0] || n > range[1]) {
    throw bad(where, `an integer in ${range[0]}..${range[1]} (${type})`, v);
  }
  return n;
}

function toBigInt(v: unknown, range: [bigint, bigint], where: string, type: string): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) b = BigInt(v.trim());
  if (b === undefined || b < range[0] || b > range[1]) {
    throw bad(where, `a ${type} (BigInt, a safe integer number, or a decimal string)`, v);
  }
  return b;
}

function bad(where: string, want: string, got: unknown): ClaudiaError {
  const shown = typeof got === 'bigint' ? `${got}n` : typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : String(got);
  return new ClaudiaError('E_CODEC', `${where} must be ${want}, got ${typeof got} ${shown}`);
}
