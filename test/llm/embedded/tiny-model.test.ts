import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { byteBpeVocab, byteToUnicode, CONTROL_TOKENS } from '../../../src/llm/embedded/byte-bpe-vocab';
import { tinyModelGguf, TINY_MODEL_DEFAULTS } from '../../../src/llm/embedded/tiny-model';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Reads the GGUF header and metadata keys back (enough to check what the writer wrote). */
function readGgufHeader(b: Buffer): { magic: string; version: number; tensors: number; keys: string[] } {
  let o = 0;
  const u32 = () => ((o += 4), b.readUInt32LE(o - 4));
  const u64 = () => ((o += 8), Number(b.readBigUInt64LE(o - 8)));
  const str = () => {
    const n = u64();
    o += n;
    return b.toString('utf8', o - n, o);
  };
  const skip = (type: number): void => {
    if (type === 8) str();
    else if (type === 9) {
      const t = u32();
      const n = u64();
      for (let i = 0; i < n; i++) skip(t);
    } else o += type === 7 || type === 0 || type === 1 ? 1 : type === 2 || type === 3 ? 2 : type >= 10 ? 8 : 4;
  };
  const magic = b.toString('ascii', 0, 4);
  o = 4;
  const version = u32();
  const tensors = u64();
  const nKv = u64();
  const keys: string[] = [];
  for (let i = 0; i < nKv; i++) {
    keys.push(str());
    skip(u32());
  }
  return { magic, version, tensors, keys };
}

describe('tiny GGUF model (written by the project, random weights)', () => {
  it('is deterministic: the same bytes on every run; another seed gives other bytes', () => {
    const a = tinyModelGguf();
    expect(sha(tinyModelGguf())).to.equal(sha(a));
    expect(sha(tinyModelGguf({ seed: TINY_MODEL_DEFAULTS.seed + 1 }))).to.not.equal(sha(a));
  });

  it('is a GGUF v3 llama model of a few hundred KB with the tokenizer and the ChatML template', () => {
    const b = tinyModelGguf();
    expect(b.length).to.be.below(4 * 1024 * 1024).and.above(100 * 1024);
    const h = readGgufHeader(b);
    expect(h.magic).to.equal('GGUF');
    expect(h.version).to.equal(3);
    expect(h.tensors).to.equal(2 + 1 + TINY_MODEL_DEFAULTS.layers * 9);
    for (const k of ['general.architecture', 'llama.context_length', 'tokenizer.ggml.model', 'tokenizer.ggml.tokens', 'tokenizer.ggml.merges', 'tokenizer.chat_template']) expect(h.keys).to.include(k);
  });

  it('its vocabulary has all 256 bytes (distinct symbols), the merges and the control tokens', () => {
    const map = byteToUnicode();
    expect(new Set(map).size).to.equal(256);
    expect(map[0x20]).to.equal('Ġ');
    expect(map[0x41]).to.equal('A');
    const v = byteBpeVocab();
    for (const m of v.merges) expect(v.tokens).to.include(m.replace(' ', ''));
    for (const c of CONTROL_TOKENS) expect(v.types[v.control[c]]).to.equal(3);
    expect(v.types.filter((t) => t === 3)).to.have.length(CONTROL_TOKENS.length);
  });

  it('rejects a head count that does not divide the embedding', () => {
    expect(() => tinyModelGguf({ embd: 64, heads: 5 })).to.throw(/multiple of heads/);
  });
});
