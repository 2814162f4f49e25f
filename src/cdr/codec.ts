import { ClaudiaError } from '../util/errors';
import { CdrReader } from './cdr-reader';
import { CdrWriter } from './cdr-writer';
import { PRIMITIVE_SIZE, primitiveDefault, readPrimitive, readPrimitiveArray, writePrimitive } from './primitives';
import type { FieldDefinition, MessageDefinition, MessageRegistry, PrimitiveType } from './types';

/** Serialises a message (header 00 01 00 00 + XCDR1 LE payload, end-padded to 4). */
export function encodeMessage(reg: MessageRegistry, type: string, msg: unknown): Uint8Array {
  const def = reg.get(type);
  const w = new CdrWriter();
  writeStruct(w, reg, def, msg, def.name);
  return w.finish();
}

/** Decodes a serialised message; int64/uint64 are BigInt, numeric arrays typed arrays. */
export function decodeMessage<T = Record<string, unknown>>(reg: MessageRegistry, type: string, bytes: Uint8Array): T {
  const def = reg.get(type);
  const r = new CdrReader(bytes, def.name);
  return readStruct(r, reg, def, def.name) as T;
}

export function writeStruct(w: CdrWriter, reg: MessageRegistry, def: MessageDefinition, value: unknown, where: string): void {
  if (value === undefined) value = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ClaudiaError('E_CODEC', `${where} must be an object with the fields of ${def.name}, got ${value === null ? 'null' : typeof value}`);
  }
  // ROS 2 gives an empty message one dummy uint8 member (structure_needs_at_least_one_member).
  if (def.fields.length === 0) return w.uint8(0);
  const obj = value as Record<string, unknown>;
  for (const f of def.fields) writeField(w, reg, f, obj[f.name], `${where}.${f.name}`);
}

function writeField(w: CdrWriter, reg: MessageRegistry, f: FieldDefinition, v: unknown, where: string): void {
  if (f.array === 'none') return writeElement(w, reg, f, v, where);
  let items: ArrayLike<unknown>;
  if (v === undefined) items = f.array === 'fixed' ? new Array(f.arrayLength).fill(undefined) : [];
  else if (Array.isArray(v) || ArrayBuffer.isView(v)) items = v as unknown as ArrayLike<unknown>;
  else throw new ClaudiaError('E_CODEC', `${where} must be an array, got ${typeof v}`);
  if (f.array === 'fixed') {
    if (items.length !== f.arrayLength) throw new ClaudiaError('E_CODEC', `${where} must have exactly ${f.arrayLength} elements, got ${items.length}`);
  } else {
    if (f.arrayLength !== undefined && items.length > f.arrayLength) {
      throw new ClaudiaError('E_CODEC', `${where} has ${items.length} elements; the type allows at most ${f.arrayLength}`);
    }
    w.uint32(items.length);
  }
  if (f.isPrimitive && (f.type === 'uint8' || f.type === 'byte' || f.type === 'char') && v instanceof Uint8Array) return w.bytes(v);
  for (let i = 0; i < items.length; i++) writeElement(w, reg, f, items[i], `${where}[${i}]`);
}

function writeElement(w: CdrWriter, reg: MessageRegistry, f: FieldDefinition, v: unknown, where: string): void {
  if (!f.isPrimitive) return writeStruct(w, reg, reg.get(f.type), v, where);
  const type = f.type as PrimitiveType;
  writePrimitive(w, type, v === undefined ? primitiveDefault(type) : v, where, f.stringBound);
}

export function readStruct(r: CdrReader, reg: MessageRegistry, def: MessageDefinition, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (def.fields.length === 0) {
    r.uint8();
    return out;
  }
  for (const f of def.fields) out[f.name] = readField(r, reg, f, `${where}.${f.name}`);
  return out;
}

function readField(r: CdrReader, reg: MessageRegistry, f: FieldDefinition, where: string): unknown {
  if (f.array === 'none') return readElement(r, reg, f, where);
  let n: number;
  if (f.array === 'fixed') n = f.arrayLength as number;
  else {
    n = r.sequenceLength(f.isPrimitive ? PRIMITIVE_SIZE[f.type as PrimitiveType] : 1, where);
    if (f.arrayLength !== undefined && n > f.arrayLength) {
      throw new ClaudiaError('E_CODEC', `${where} has ${n} elements, above its bound of ${f.arrayLength}`);
    }
  }
  if (f.isPrimitive) return readPrimitiveArray(r, f.type as PrimitiveType, n, where, f.stringBound);
  const def = reg.get(f.type);
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readStruct(r, reg, def, `${where}[${i}]`);
  return out;
}

function readElement(r: CdrReader, reg: MessageRegistry, f: FieldDefinition, where: string): unknown {
  if (!f.isPrimitive) return readStruct(r, reg, reg.get(f.type), where);
  return readPrimitive(r, f.type as PrimitiveType, where, f.stringBound);
}
