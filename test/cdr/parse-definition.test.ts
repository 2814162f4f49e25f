import { expect } from 'chai';
import { createMessageRegistry, ddsTypeName, loadMessageRegistry, parseMessageDefinition, rosServiceToDds, rosTopicToDds } from '../../src/cdr';
import { ClaudiaError } from '../../src/util/errors';

describe('.msg/.srv parser and registry', () => {
  it('parses builtin, bounded, array, nested types, constants and comments', () => {
    const def = parseMessageDefinition(
      [
        '# header comment',
        'uint8 A=1  # a constant',
        'string NAME="x # not a comment"',
        'int64 BIG = -9000000000000000000',
        'string<=8 short_name   # bounded string',
        'float32[3] xyz',
        'int32[] seq',
        'uint16[<=5] bounded',
        'Gid gid',
        'builtin_interfaces/Time stamp',
        'std_msgs/msg/Header header',
        'int32 with_default 7',
      ].join('\n'),
      'p/msg/T',
      'p',
    );
    expect(def.constants.map((c) => [c.name, c.value])).to.deep.equal([['A', 1], ['NAME', 'x # not a comment'], ['BIG', -9000000000000000000n]]);
    expect(def.fields.map((f) => [f.name, f.type, f.array, f.arrayLength, f.stringBound])).to.deep.equal([
      ['short_name', 'string', 'none', undefined, 8],
      ['xyz', 'float32', 'fixed', 3, undefined],
      ['seq', 'int32', 'sequence', undefined, undefined],
      ['bounded', 'uint16', 'sequence', 5, undefined],
      ['gid', 'p/msg/Gid', 'none', undefined, undefined],
      ['stamp', 'builtin_interfaces/msg/Time', 'none', undefined, undefined],
      ['header', 'std_msgs/msg/Header', 'none', undefined, undefined],
      ['with_default', 'int32', 'none', undefined, undefined],
    ]);
  });

  it('loads the package msg/, srv/ and vendored interfaces/ with package names', () => {
    const reg = loadMessageRegistry();
    for (const t of ['claudia_llm/msg/SpeechText', 'claudia_llm/msg/LlmResponse', 'claudia_llm/srv/LlmQuery_Request', 'unitree_api/msg/Request', 'unitree_go/msg/SportModeState', 'rmw_dds_common/msg/ParticipantEntitiesInfo', 'diagnostic_msgs/msg/DiagnosticArray']) {
      expect(reg.has(t), t).to.equal(true);
    }
    expect(reg.service('claudia_llm/srv/LlmQuery')).to.deep.equal({ name: 'claudia_llm/srv/LlmQuery', request: 'claudia_llm/srv/LlmQuery_Request', response: 'claudia_llm/srv/LlmQuery_Response' });
    expect(reg.get('claudia_llm/SpeechText').name).to.equal('claudia_llm/msg/SpeechText');
    // Constants are not fields.
    expect(reg.get('diagnostic_msgs/msg/DiagnosticStatus').fields.map((f) => f.name)).to.deep.equal(['level', 'name', 'message', 'hardware_id', 'values']);
  });

  it('refuses unknown nested types, a .srv without ---, wstring and recursion', () => {
    const err = (fn: () => unknown, re: RegExp) => {
      expect(fn).to.throw(ClaudiaError, re);
    };
    err(() => createMessageRegistry([{ name: 'p/msg/A', text: 'Missing m' }]), /unknown type p\/msg\/Missing/);
    err(() => createMessageRegistry([{ name: 'p/srv/S', text: 'int8 a' }]), /---/);
    err(() => createMessageRegistry([{ name: 'p/msg/W', text: 'wstring w' }]), /wstring/);
    err(() => createMessageRegistry([{ name: 'p/msg/A', text: 'B b' }, { name: 'p/msg/B', text: 'A a' }]), /recursive/);
    err(() => createMessageRegistry([{ name: 'p/msg/A', text: 'int8 9bad' }]), /field name/);
  });

  it('maps names to DDS as rmw_cyclonedds does', () => {
    expect(ddsTypeName('claudia_llm/msg/SpeechText')).to.equal('claudia_llm::msg::dds_::SpeechText_');
    expect(ddsTypeName('unitree_api/msg/Request')).to.equal('unitree_api::msg::dds_::Request_');
    expect(ddsTypeName('claudia_llm/srv/LlmQuery_Response')).to.equal('claudia_llm::srv::dds_::LlmQuery_Response_');
    expect(rosTopicToDds('/api/sport/request')).to.equal('rt/api/sport/request');
    expect(rosServiceToDds('/claudia/llm_query')).to.deep.equal({ request: 'rq/claudia/llm_queryRequest', reply: 'rr/claudia/llm_queryReply' });
    expect(() => rosTopicToDds('relative')).to.throw(ClaudiaError);
  });
});
