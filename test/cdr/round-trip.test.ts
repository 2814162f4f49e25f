import { expect } from 'chai';
import { createMessageRegistry, decodeMessage, encodeMessage, type MessageRegistry } from '../../src/cdr';
import { createRandom, randomPrimitive, randomSchema, type Random } from './generator';

/** A random value for any message type of the registry, following its definition. */
function randomMessage(rnd: Random, reg: MessageRegistry, type: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of reg.get(type).fields) {
    const one = () => (f.isPrimitive ? randomPrimitive(rnd, f.type, f.stringBound) : randomMessage(rnd, reg, f.type));
    if (f.array === 'none') out[f.name] = one();
    else {
      const n = f.array === 'fixed' ? (f.arrayLength as number) : rnd.int(0, f.arrayLength ?? 4);
      out[f.name] = Array.from({ length: n }, one);
    }
  }
  return out;
}

/** Typed arrays -> plain arrays, so decoded and generated values compare with deep equality. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('CDR codec property: decode(encode(m)) == m for generated messages of every field type', () => {
  const SEEDS = 40;
  const PER_SCHEMA = 10;

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`schema seed ${seed}: ${PER_SCHEMA} random messages round-trip and re-encode identically`, () => {
      const rnd = createRandom(seed);
      const schema = randomSchema(rnd);
      const reg = createMessageRegistry(schema.sources);
      for (let i = 0; i < PER_SCHEMA; i++) {
        const msg = randomMessage(rnd, reg, schema.root);
        const bytes = encodeMessage(reg, schema.root, msg);
        expect(Array.from(bytes.subarray(0, 4))).to.deep.equal([0, 1, 0, 0]);
        expect((bytes.length - 4) % 4, 'payload padded to 4').to.equal(0);
        const back = decodeMessage(reg, schema.root, bytes);
        expect(plain(back)).to.deep.equal(msg);
        expect(Buffer.from(encodeMessage(reg, schema.root, back)).equals(Buffer.from(bytes))).to.equal(true);
      }
    });
  }

  it('every scalar type is covered by the generated schemas', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const reg = createMessageRegistry(randomSchema(createRandom(seed)).sources);
      for (const f of reg.get('gen_pkg/msg/Leaf').fields) seen.add(`${f.type}:${f.array}${f.arrayLength !== undefined && f.array === 'sequence' ? '<=' : ''}`);
    }
    for (const t of ['bool', 'byte', 'char', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string']) {
      for (const form of ['none', 'fixed', 'sequence', 'sequence<=']) expect(seen.has(`${t}:${form}`), `${t} as ${form}`).to.equal(true);
    }
  });
});
