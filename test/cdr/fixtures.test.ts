import { expect } from 'chai';
import {
  ddsTypeName,
  decodeMessage,
  decodeServiceFrame,
  encodeMessage,
  encodeServiceFrame,
  loadMessageRegistry,
  rosServiceToDds,
} from '../../src/cdr';
import { diffDecoded, fromHex, readFixtures, toHex, withBigInts } from './fixture-helpers';

// Byte-exact vectors captured from a real ROS 2 (rmw_cyclonedds, Cyclone 0.10.2).
describe('CDR codec against the ROS 2 wire captures', () => {
  const reg = loadMessageRegistry();
  const lines = readFixtures();

  it('has fixture lines to check', () => {
    expect(lines.length).to.be.greaterThan(10);
  });

  lines.forEach((line, i) => {
    const label = `#${i + 1} ${line.type} ${JSON.stringify(line.value).slice(0, 50)}`;
    if (line.header) {
      const header = { guid: BigInt(line.header.client_guid_u64_le), seq: BigInt(line.header.sequence_number) };
      it(`${label}: encodes byte-exact (with the 16-byte request header)`, () => {
        expect(toHex(encodeServiceFrame(reg, line.type, header, withBigInts(reg, line.type, line.value)))).to.equal(line.hex);
      });
      it(`${label}: decodes header and every field`, () => {
        const { header: h, msg } = decodeServiceFrame(reg, line.type, fromHex(line.hex));
        expect(h).to.deep.equal(header);
        expect(diffDecoded(reg, line.type, msg, line.value)).to.deep.equal([]);
      });
      it(`${label}: DDS names match the capture`, () => {
        expect(ddsTypeName(line.type)).to.equal(line.dds_type);
        const names = rosServiceToDds('/claudia/llm_query');
        expect(line.dds_topic).to.be.oneOf([names.request, names.reply]);
      });
    } else {
      it(`${label}: encodes byte-exact`, () => {
        expect(toHex(encodeMessage(reg, line.type, withBigInts(reg, line.type, line.value)))).to.equal(line.hex);
      });
      it(`${label}: decodes every field`, () => {
        const msg = decodeMessage(reg, line.type, fromHex(line.hex));
        expect(diffDecoded(reg, line.type, msg, line.value)).to.deep.equal([]);
      });
    }
  });

  it('accepts int64 as a plain number too (same bytes as BigInt)', () => {
    const line = lines.find((l) => l.type === 'claudia_llm/msg/RobotAction');
    expect(line, 'RobotAction fixture').to.not.equal(undefined);
    if (!line) return;
    expect(toHex(encodeMessage(reg, line.type, line.value))).to.equal(line.hex);
  });

  it('decodes int64 as BigInt beyond 2^53 exactly', () => {
    const line = lines.find((l) => l.type === 'unitree_api/msg/Request' && typeof (l.value as { header: { identity: { id: unknown } } }).header.identity.id === 'string');
    if (!line) throw new Error('fixture with a large int64 missing');
    const msg = decodeMessage<{ header: { identity: { id: bigint } } }>(reg, line.type, fromHex(line.hex));
    expect(msg.header.identity.id).to.equal(1700000000123456789n);
  });
});
