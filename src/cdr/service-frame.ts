import { CdrReader } from './cdr-reader';
import { CdrWriter } from './cdr-writer';
import { readStruct, writeStruct } from './codec';
import type { MessageRegistry, ServiceHeader } from './types';

/**
 * A service request or reply as rmw_cyclonedds puts it on `rq/...Request` / `rr/...Reply`:
 * the encapsulation header, 16 bytes of request header (uint64 client GUID hash, int64
 * sequence number; the reply echoes the request's), then the fields. `type` is the request
 * or response type, e.g. `claudia_llm/srv/LlmQuery_Request`.
 */
export function encodeServiceFrame(reg: MessageRegistry, type: string, header: ServiceHeader, msg: unknown): Uint8Array {
  const def = reg.get(type);
  const w = new CdrWriter();
  w.uint64(BigInt.asUintN(64, header.guid));
  w.int64(BigInt.asIntN(64, header.seq));
  writeStruct(w, reg, def, msg, def.name);
  return w.finish();
}

export function decodeServiceFrame<T = Record<string, unknown>>(
  reg: MessageRegistry,
  type: string,
  bytes: Uint8Array,
): { header: ServiceHeader; msg: T } {
  const def = reg.get(type);
  const r = new CdrReader(bytes, def.name);
  const guid = r.uint64();
  const seq = r.int64();
  return { header: { guid, seq }, msg: readStruct(r, reg, def, def.name) as T };
}
