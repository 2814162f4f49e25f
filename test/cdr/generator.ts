import type { InterfaceSource } from '../../src/cdr';

/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every run. */
export function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
  return { next, int, pick };
}
export type Random = ReturnType<typeof createRandom>;

export const SCALARS = ['bool', 'byte', 'char', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string'] as const;

const CHARS = ['a', 'Z', '0', ' ', '{', '"', '\\', 'é', 'ß', 'あ', '座', 'っ', 'て', '你', '好', '한', '🐕', '🤖', '\u200b', 'ｱ'];

export function randomString(rnd: Random, maxChars: number): string {
  const n = rnd.int(0, maxChars);
  let s = '';
  for (let i = 0; i < n; i++) s += rnd.pick(CHARS);
  return s;
}

/** A random value for a primitive, within its range (float32 values exactly representable). */
export function randomPrimitive(rnd: Random, type: string, stringBound?: number): unknown {
  const bigRange = (lo: bigint, hi: bigint) => lo + (BigInt(Math.floor(rnd.next() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd.next() * 2 ** 32))) % (hi - lo + 1n);
  switch (type) {
    case 'bool': return rnd.next() < 0.5;
    case 'byte': case 'char': case 'uint8': return rnd.int(0, 255);
    case 'int8': return rnd.int(-128, 127);
    case 'int16': return rnd.int(-32768, 32767);
    case 'uint16': return rnd.int(0, 65535);
    case 'int32': return rnd.int(-2147483648, 2147483647);
    case 'uint32': return rnd.int(0, 4294967295);
    case 'int64': return rnd.pick([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), bigRange(-(2n ** 63n), 2n ** 63n - 1n)]);
    case 'uint64': return rnd.pick([0n, 2n ** 64n - 1n, bigRange(0n, 2n ** 64n - 1n)]);
    case 'float32': return Math.fround(rnd.pick([0, -1.5, 3.4e38, 1e-30, (rnd.next() - 0.5) * 1e6, Infinity]));
    case 'float64': return rnd.pick([0, -0.1, Number.MAX_VALUE, Number.MIN_VALUE, (rnd.next() - 0.5) * 1e12, -Infinity]);
    case 'string': {
      let s = randomString(rnd, 12);
      // Respect a byte bound by trimming whole code points.
      while (stringBound !== undefined && Buffer.byteLength(s) > stringBound) s = Array.from(s).slice(0, -1).join('');
      return s;
    }
    default: throw new Error(`no generator for ${type}`);
  }
}

export interface GeneratedSchema {
  sources: InterfaceSource[];
  root: string;
}

/**
 * Random message types: every scalar type appears in every array form (scalar, T[N], T[],
 * T[<=N], string<=N), plus nested types (also in arrays), in a random order per schema.
 */
export function randomSchema(rnd: Random, pkg = 'gen_pkg'): GeneratedSchema {
  const sources: InterfaceSource[] = [];
  const leafLines: string[] = [];
  SCALARS.forEach((t, i) => {
    const forms = [`${t} s${i}`, `${t}[${rnd.int(1, 4)}] f${i}`, `${t}[] q${i}`, `${t}[<=${rnd.int(1, 5)}] b${i}`];
    leafLines.push(...forms.filter(() => rnd.next() < 0.8));
  });
  leafLines.push(`string<=${rnd.int(1, 20)} bounded_str`, `string<=8[<=3] bounded_strs`, 'uint8 CONST_SKIPPED=7', '# a comment line');
  shuffle(rnd, leafLines);
  sources.push({ name: `${pkg}/msg/Leaf`, text: leafLines.join('\n') });
  sources.push({ name: `${pkg}/msg/Empty`, text: '# no fields\n' });
  const mid = [`Leaf leaf`, `Leaf[] leaves`, `${pkg}/Leaf[2] pair`, `Empty nothing`, `int8 tail  # odd size last, to test end padding`];
  shuffle(rnd, mid);
  sources.push({ name: `${pkg}/msg/Mid`, text: mid.join('\n') });
  const root = ['Mid m', 'Mid[<=2] ms', 'bool flag', 'float64 x', 'int64 CONSTANT_BIG=-9000000000000000000'];
  shuffle(rnd, root);
  sources.push({ name: `${pkg}/msg/Root`, text: root.join('\n') });
  return { sources, root: `${pkg}/msg/Root` };
}

function shuffle<T>(rnd: Random, xs: T[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
}
