import { ClaudiaError } from '../util/errors';

/** XCDR1 little-endian encapsulation header: 00 01 (CDR_LE), options 00 00. */
export const CDR_LE_HEADER = Uint8Array.of(0x00, 0x01, 0x00, 0x00);
const HEADER_SIZE = 4;

const utf8 = new TextEncoder();

/**
 * A growable XCDR1 little-endian writer. Alignment is relative to the first byte after the
 * 4-byte encapsulation header, as in Cyclone DDS and rmw_cyclonedds.
 */
export class CdrWriter {
  private buf: Uint8Array;
  private view: DataView;
  private off = HEADER_SIZE;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(Math.max(initialSize, 16));
    this.view = new DataView(this.buf.buffer);
    this.buf.set(CDR_LE_HEADER, 0);
  }

  /** Bytes written after the header. */
  get size(): number {
    return this.off - HEADER_SIZE;
  }

  align(n: number): void {
    const pad = (n - ((this.off - HEADER_SIZE) % n)) % n;
    if (pad) {
      this.ensure(pad);
      this.buf.fill(0, this.off, this.off + pad);
      this.off += pad;
    }
  }

  bool(v: boolean): void {
    this.uint8(v ? 1 : 0);
  }
  int8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.off, v);
    this.off += 1;
  }
  uint8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.off, v);
    this.off += 1;
  }
  int16(v: number): void {
    this.align(2);
    this.ensure(2);
    this.view.setInt16(this.off, v, true);
    this.off += 2;
  }
  uint16(v: number): void {
    this.align(2);
    this.ensure(2);
    this.view.setUint16(this.off, v, true);
    this.off += 2;
  }
  int32(v: number): void {
    this.align(4);
    this.ensure(4);
    this.view.setInt32(this.off, v, true);
    this.off += 4;
  }
  uint32(v: number): void {
    this.align(4);
    this.ensure(4);
    this.view.setUint32(this.off, v, true);
    this.off += 4;
  }
  int64(v: bigint): void {
    this.align(8);
    this.ensure(8);
    this.view.setBigInt64(this.off, v, true);
    this.off += 8;
  }
  uint64(v: bigint): void {
    this.align(8);
    this.ensure(8);
    this.view.setBigUint64(this.off, v, true);
    this.off += 8;
  }
  float32(v: number): void {
    this.align(4);
    this.ensure(4);
    this.view.setFloat32(this.off, v, true);
    this.off += 4;
  }
  float64(v: number): void {
    this.align(8);
    this.ensure(8);
    this.view.setFloat64(this.off, v, true);
    this.off += 8;
  }

  /** Raw bytes (octet arrays). */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
  }

  /**
   * A CDR string: uint32 length in UTF-8 BYTES including the NUL terminator, the bytes, NUL.
   * (Counting UTF-16 units here is the bug that truncates "你好 Go2".)
   */
  string(s: string, bound?: number, where = 'string'): void {
    const encoded = utf8.encode(s);
    if (bound !== undefined && encoded.length > bound) {
      throw new ClaudiaError('E_CODEC', `${where}: string is ${encoded.length} bytes, the type allows at most ${bound}; shorten it`);
    }
    this.uint32(encoded.length + 1);
    this.bytes(encoded);
    this.uint8(0);
  }

  /** The encoded message: header + payload, padded to a multiple of 4 as Cyclone does. */
  finish(): Uint8Array {
    this.align(4);
    return this.buf.slice(0, this.off);
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.off + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.off));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
