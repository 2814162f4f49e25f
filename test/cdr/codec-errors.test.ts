import { expect } from 'chai';
import {
  createMessageRegistry,
  decodeMessage,
  decodeServiceFrame,
  encodeMessage,
  encodeServiceFrame,
  loadMessageRegistry,
  toPlainJson,
} from '../../src/cdr';
import { ClaudiaError } from '../../src/util/errors';
import { fromHex, readFixtures } from './fixture-helpers';

function codecError(fn: () => unknown): ClaudiaError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ClaudiaError);
    expect((err as ClaudiaError).code).to.equal('E_CODEC');
    return err as ClaudiaError;
  }
  throw new Error('expected a ClaudiaError(E_CODEC)');
}

describe('CDR codec: multilingual strings', () => {
  const reg = loadMessageRegistry();
  const cases = ['座ってください', '你好 Go2', '🐕🦴 おすわり!', 'Ｇｏ２、立って。', '안녕하세요', 'mixed 日本語 and English 中文 🤖'];
  for (const text of cases) {
    it(`"${text}" survives SpeechText encode/decode with its UTF-8 byte length on the wire`, () => {
      const bytes = encodeMessage(reg, 'claudia_llm/msg/SpeechText', { text, stamp: { sec: 1, nanosec: 2 } });
      const back = decodeMessage<{ text: string }>(reg, 'claudia_llm/msg/SpeechText', bytes);
      expect(back.text).to.equal(text);
      // The text's length prefix counts UTF-8 bytes + NUL (the foxglove bug wrote UTF-16 units).
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const textLenOffset = 4 + 8 + 4 + 1 + 3; // header, stamp, empty utterance_id (len+NUL+pad)
      expect(view.getUint32(textLenOffset, true)).to.equal(Buffer.byteLength(text) + 1);
    });
  }

  it('toPlainJson makes decoded int64 and typed arrays JSON-safe', () => {
    const plain = toPlainJson({ id: 2n ** 60n, arr: new BigInt64Array([1n]), bytes: Uint8Array.of(1, 2), nested: [{ x: -5n }] });
    expect(JSON.stringify(plain)).to.equal('{"id":"1152921504606846976","arr":["1"],"bytes":[1,2],"nested":[{"x":"-5"}]}');
  });

  it('a 5,000-character Japanese string round-trips intact', () => {
    const text = Array.from({ length: 5000 }, (_, i) => 'あいうえお座って立って'[i % 11]).join('');
    const bytes = encodeMessage(reg, 'std_msgs/msg/String', { data: text });
    expect(bytes.length).to.be.greaterThan(15000);
    expect(decodeMessage<{ data: string }>(reg, 'std_msgs/msg/String', bytes).data).to.equal(text);
  });
});

describe('CDR codec: bad input gives ClaudiaError(E_CODEC)', () => {
  const reg = loadMessageRegistry();
  const fixtures = readFixtures();

  it('every truncation of every fixture is refused, never decoded into garbage', () => {
    let checked = 0;
    for (const line of fixtures) {
      const bytes = fromHex(line.hex);
      // Cut points before the last field's data; the end padding may be cut (it is optional).
      const decode = (b: Uint8Array) => (line.header ? decodeServiceFrame(reg, line.type, b) : decodeMessage(reg, line.type, b));
      const lastNeeded = lastNeededByte(bytes, decode);
      for (let cut = 0; cut < lastNeeded; cut++) {
        codecError(() => decode(bytes.subarray(0, cut)));
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(300);
  });

  it('names the type, the offset and the buffer size in the message', () => {
    const err = codecError(() => decodeMessage(reg, 'claudia_llm/msg/SpeechText', fromHex('0001000000f15365')));
    expect(err.message).to.match(/claudia_llm\/msg\/SpeechText/);
    expect(err.message).to.match(/truncated/);
  });

  it('refuses a buffer shorter than the header and an XCDR2 encapsulation', () => {
    codecError(() => decodeMessage(reg, 'std_msgs/msg/String', Uint8Array.of(0, 1)));
    expect(codecError(() => decodeMessage(reg, 'std_msgs/msg/String', fromHex('0007000001000000000000'))).message).to.match(/XCDR1/);
  });

  it('refuses a sequence length larger than the buffer (no huge allocation)', () => {
    // unitree_api/Request with binary length 0x7fffffff
    const hex = '000100002a00000000000000f00300000000000007000000000000000100000001000000030000007b7d0000ffffff7f';
    expect(codecError(() => decodeMessage(reg, 'unitree_api/msg/Request', fromHex(hex))).message).to.match(/binary/);
  });

  it('refuses wrong field types with the field path', () => {
    expect(codecError(() => encodeMessage(reg, 'std_msgs/msg/String', { data: 5 })).message).to.match(/std_msgs\/msg\/String\.data must be a string/);
    expect(codecError(() => encodeMessage(reg, 'claudia_llm/msg/RobotAction', { api_id: 1.5 })).message).to.match(/api_id/);
    expect(codecError(() => encodeMessage(reg, 'claudia_llm/msg/RobotAction', { api_id: 2n ** 63n })).message).to.match(/int64/);
    expect(codecError(() => encodeMessage(reg, 'claudia_llm/srv/LlmQuery_Request', { priority: 256 })).message).to.match(/priority/);
    expect(codecError(() => encodeMessage(reg, 'unitree_api/msg/Request', { binary: 'abc' })).message).to.match(/binary must be an array/);
    codecError(() => encodeMessage(reg, 'std_msgs/msg/String', null));
  });

  it('enforces fixed array lengths, bounded sequences and bounded strings', () => {
    const r = createMessageRegistry([{ name: 'p/msg/B', text: 'int16[3] fixed\nuint8[<=2] bounded\nstring<=4 s' }]);
    expect(codecError(() => encodeMessage(r, 'p/msg/B', { fixed: [1, 2] })).message).to.match(/exactly 3/);
    expect(codecError(() => encodeMessage(r, 'p/msg/B', { bounded: [1, 2, 3] })).message).to.match(/at most 2/);
    // "座っ" is 6 UTF-8 bytes: over a 4-byte bound even though it is 2 characters.
    expect(codecError(() => encodeMessage(r, 'p/msg/B', { s: '座っ' })).message).to.match(/6 bytes/);
    expect(() => encodeMessage(r, 'p/msg/B', { s: 'abcd' })).to.not.throw();
  });

  it('refuses unknown types with a hint', () => {
    expect(codecError(() => encodeMessage(reg, 'nope/msg/Nothing', {})).message).to.match(/unknown message type/);
    expect(codecError(() => encodeServiceFrame(reg, 'claudia_llm/srv/Nope_Request', { guid: 1n, seq: 1n }, {})).message).to.match(/unknown/);
  });

  it('fills fields left out with ROS defaults', () => {
    const bytes = encodeMessage(reg, 'claudia_llm/msg/SpeechText', {});
    const back = decodeMessage<Record<string, unknown>>(reg, 'claudia_llm/msg/SpeechText', bytes);
    expect(back).to.deep.equal({ stamp: { sec: 0, nanosec: 0 }, utterance_id: '', text: '', language: '', confidence: 0, is_final: false, source: '' });
  });
});

/** The smallest prefix length that still decodes (bytes beyond it are end padding). */
function lastNeededByte(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): number {
  let n = bytes.length;
  while (n > 4) {
    try {
      decode(bytes.subarray(0, n - 1));
      n--;
    } catch {
      break;
    }
  }
  return n;
}

describe('CDR decoder fuzz: corrupted wire bytes give E_CODEC or a value, never another exception', () => {
  const reg = loadMessageRegistry();
  const fixtures = readFixtures();
  it('4,000 seeded corruptions of the fixtures (flips, length fields, cuts)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 4_000; i++) {
      const line = fixtures[Math.floor(rnd() * fixtures.length)] as (typeof fixtures)[number];
      const bytes = fromHex(line.hex);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips; k++) {
        const at = 4 + Math.floor(rnd() * (bytes.length - 4));
        bytes[at] = rnd() < 0.3 ? 0xff : Math.floor(rnd() * 256);
      }
      const cut = rnd() < 0.2 ? bytes.subarray(0, Math.floor(rnd() * bytes.length)) : bytes;
      try {
        if (line.header) decodeServiceFrame(reg, line.type, cut);
        else decodeMessage(reg, line.type, cut);
        decoded++;
      } catch (err) {
        expect(err, String(err)).to.be.instanceOf(ClaudiaError);
        expect((err as ClaudiaError).code).to.equal('E_CODEC');
        refused++;
      }
    }
    expect(decoded).to.be.greaterThan(50);
    expect(refused).to.be.greaterThan(50);
  });
});
