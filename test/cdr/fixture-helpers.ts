import { readFileSync } from 'node:fs';
import type { MessageRegistry } from '../../src/cdr';
import { fixturePath } from '../helpers/repo-data';

export const FIXTURE_FILE = fixturePath('cdr', 'ros2-cyclonedds.jsonl');

export interface FixtureLine {
  type: string;
  value: Record<string, unknown>;
  hex: string;
  dds_topic?: string;
  dds_type?: string;
  header?: { client_guid_u64_le: string; sequence_number: number };
}

export function readFixtures(file = FIXTURE_FILE): FixtureLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FixtureLine);
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** The fixture's JSON value with int64/uint64 fields as BigInt, walking the definition. */
export function withBigInts(reg: MessageRegistry, type: string, value: unknown): unknown {
  const def = reg.get(type);
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of def.fields) {
    const v = obj[f.name];
    const conv = (x: unknown): unknown => {
      if (!f.isPrimitive) return withBigInts(reg, f.type, x);
      if (f.type === 'int64' || f.type === 'uint64') return BigInt(x as string | number);
      return x;
    };
    out[f.name] = f.array === 'none' ? conv(v) : (v as unknown[]).map(conv);
  }
  return out;
}

/**
 * Compares a decoded message with the fixture's JSON value field by field, following the
 * definition: int64 via BigInt, float32 after rounding to single precision, arrays element-wise.
 * Returns the list of mismatching paths (empty when equal).
 */
export function diffDecoded(reg: MessageRegistry, type: string, decoded: unknown, expected: unknown, where = type): string[] {
  const def = reg.get(type);
  const d = decoded as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const out: string[] = [];
  if (Object.keys(d).length !== def.fields.length) out.push(`${where}: has ${Object.keys(d).length} fields, want ${def.fields.length}`);
  for (const f of def.fields) {
    const p = `${where}.${f.name}`;
    const cmp = (a: unknown, b: unknown, path: string) => {
      if (!f.isPrimitive) {
        out.push(...diffDecoded(reg, f.type, a, b, path));
        return;
      }
      let want = b;
      if (f.type === 'int64' || f.type === 'uint64') want = BigInt(b as string | number);
      else if (f.type === 'float32') want = Math.fround(b as number);
      if (a !== want) out.push(`${path}: got ${String(a)}, want ${String(want)}`);
    };
    if (f.array === 'none') cmp(d[f.name], e[f.name], p);
    else {
      const a = Array.from(d[f.name] as ArrayLike<unknown>);
      const b = e[f.name] as unknown[];
      if (a.length !== b.length) out.push(`${p}: length ${a.length}, want ${b.length}`);
      else a.forEach((x, i) => cmp(x, b[i], `${p}[${i}]`));
    }
  }
  return out;
}
