import type { MessageRegistry } from '../cdr';

/**
 * rclnodejs 0.22 (ref-napi) takes and gives int64/uint64 as a number when it is safe and a
 * decimal string beyond 2^53; the node uses BigInt. These walk the message definition and
 * convert both ways. Types unknown to the registry pass through unchanged.
 */
export function toRclMessage(reg: MessageRegistry, type: string, msg: unknown): unknown {
  return convert(reg, type, msg, (v) => (typeof v === 'bigint' ? (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString()) : v));
}

export function fromRclMessage(reg: MessageRegistry, type: string, msg: unknown): unknown {
  return convert(reg, type, msg, (v) => (typeof v === 'number' || typeof v === 'string' ? BigInt(v) : v));
}

function convert(reg: MessageRegistry, type: string, msg: unknown, int64: (v: unknown) => unknown): unknown {
  if (!reg.has(type) || msg === null || typeof msg !== 'object') return msg;
  const out: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
  for (const f of reg.get(type).fields) {
    const v = out[f.name];
    if (v === undefined) continue;
    const one = (x: unknown) => (f.isPrimitive ? (f.type === 'int64' || f.type === 'uint64' ? int64(x) : x) : convert(reg, f.type, x, int64));
    if (f.array === 'none') out[f.name] = one(v);
    else if (!f.isPrimitive || f.type === 'int64' || f.type === 'uint64') out[f.name] = Array.from(v as ArrayLike<unknown>, one);
  }
  return out;
}
