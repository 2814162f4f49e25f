import { ClaudiaError } from '../util/errors';

const HEADER_SIZE = 4;
const utf8 = new TextDecoder('utf-8');

/**
 * An XCDR1 reader (little- or big-endian, from the encapsulation header). Every read is
 * bounds-checked: a truncated buffer gives ClaudiaError('E_CODEC'), never garbage.
 */
export class CdrReader {
  private readonly view: DataView;
  private off = HEADER_SIZE;
  readonly littleEndian: boolean;

  constructor(private readonly bytes: Uint8Array, private readonly what = 'message') {
    if (bytes.length < HEADER_SIZE) {
      throw new ClaudiaError('E_CODEC', `${what}: ${bytes.length} bytes is shorter than the 4-byte CDR encapsulation header`);
    }
    const kind = (bytes[0] as number) * 256 + (bytes[1] as number);
    if (kind !== 0x0000 && kind !== 0x0001) {
      throw new ClaudiaError('E_CODEC', `${what}: encapsulation 0x${kind.toString(16).padStart(4, '0')} is not plain CDR (XCDR1); only 0x0000/0x0001 are supported`);
    }
    this.littleEndian = kind === 0x0001;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes read after the header. */
  get offset(): number {
    return this.off - HEADER_SIZE;
  }

  get remaining(): number {
    return this.bytes.length - this.off;
  }

  align(n: number): void {
    const pad = (n - ((this.off - HEADER_SIZE) % n)) % n;
    this.need(pad, 'padding');
    this.off += pad;
  }

  bool(): boolean {
    return this.uint8() !== 0;
  }
  int8(): number {
    this.need(1, 'int8');
    return this.view.getInt8(this.off++);
  }
  uint8(): number {
    this.need(1, 'uint8');
    return this.view.getUint8(this.off++);
  }
  int16(): number {
    return this.num(2, 'int16', (o) => this.view.getInt16(o, this.littleEndian));
  }
  uint16(): number {
    return this.num(2, 'uint16', (o) => this.view.getUint16(o, this.littleEndian));
  }
  int32(): number {
    return this.num(4, 'int32', (o) => this.view.getInt32(o, this.littleEndian));
  }
  uint32(): number {
    return this.num(4, 'uint32', (o) => this.view.getUint32(o, this.littleEndian));
  }
  float32(): number {
    return this.num(4, 'float32', (o) => this.view.getFloat32(o, this.littleEndian));
  }
  float64(): number {
    return this.num(8, 'float64', (o) => this.view.getFloat64(o, this.littleEndian));
  }
  int64(): bigint {
    this.align(8);
    this.need(8, 'int64');
    const v = this.view.getBigInt64(this.off, this.littleEndian);
    this.off += 8;
    return v;
  }
  uint64(): bigint {
    this.align(8);
    this.need(8, 'uint64');
    const v = this.view.getBigUint64(this.off, this.littleEndian);
    this.off += 8;
    return v;
  }

  /** A copy of the next n raw bytes. */
  bytesCopy(n: number): Uint8Array {
    this.need(n, `${n} bytes`);
    const out = this.bytes.slice(this.off, this.off + n);
    this.off += n;
    return out;
  }

  /** A CDR string (length in bytes incl. NUL). A length of 0 is read as "" (some writers do that). */
  string(bound?: number, where = 'string'): string {
    const len = this.uint32();
    if (len === 0) return '';
    this.need(len, 'string');
    if (bound !== undefined && len - 1 > bound) {
      throw new ClaudiaError('E_CODEC', `${this.what}: ${where} is ${len - 1} bytes, above its bound of ${bound}`);
    }
    // Drop the terminating NUL (tolerate writers that omit it).
    const end = this.bytes[this.off + len - 1] === 0 ? this.off + len - 1 : this.off + len;
    const s = utf8.decode(this.bytes.subarray(this.off, end));
    this.off += len;
    return s;
  }

  /** A sequence length, checked against what the buffer can still hold. */
  sequenceLength(minElementSize: number, where: string): number {
    const n = this.uint32();
    if (n * Math.max(minElementSize, 0) > this.remaining) {
      throw new ClaudiaError('E_CODEC', `${this.what}: ${where} claims ${n} elements but only ${this.remaining} bytes remain (truncated or corrupt)`);
    }
    return n;
  }

  private num(size: number, what: string, get: (off: number) => number): number {
    this.align(size);
    this.need(size, what);
    const v = get(this.off);
    this.off += size;
    return v;
  }

  private need(n: number, what: string): void {
    if (this.off + n > this.bytes.length) {
      throw new ClaudiaError('E_CODEC', `${this.what}: truncated: reading ${what} needs ${n} bytes at offset ${this.off}, buffer has ${this.bytes.length}`);
    }
  }
}
