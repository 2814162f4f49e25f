import { expect } from 'chai';
import { loadMessageRegistry } from '../../src/cdr';
import { configWith } from '../../src/config/load';
import { createTransport, ddsDomainId } from '../../src/ros/create-transport';
import { PARAM_TYPE, rclTypeClass } from '../../src/ros/rclnodejs-api';
import { fromRclMessage, toRclMessage } from '../../src/ros/rclnodejs-messages';
import { configToParams, paramTypeOf, shownValue } from '../../src/ros/rclnodejs-params';
import { createSystemClock } from '../../src/util/clock';
import { ClaudiaError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';

// rclnodejs needs a sourced ROS 2, which cannot be installed here: these test the pure parts
// of the rclnodejs transport and its clear failure without ROS. Its API use is type-checked
// against rclnodejs 0.22.2's typings by `npm run typecheck:rclnodejs`.
describe('rclnodejs transport (no ROS here: helpers and unavailability)', () => {
  const reg = loadMessageRegistry();

  it('without rclnodejs installed, createTransport says how to get it', async function () {
    let present = true;
    try {
      require.resolve('rclnodejs');
    } catch {
      present = false;
    }
    if (present) this.skip();
    const err = await createTransport('rclnodejs', {
      namespace: '/claudia', nodeName: 'claudia_llm', clock: createSystemClock(), logger: createSilentLogger(), config: configWith({}),
    }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ClaudiaError);
    expect((err as ClaudiaError).code).to.equal('E_TRANSPORT');
    expect((err as ClaudiaError).message).to.match(/rclnodejs@0\.22\.2/);
  });

  it('converts int64 fields to what rclnodejs 0.22 (ref-napi) takes and back to BigInt', () => {
    const req = { header: { identity: { id: 1700000000123456789n, api_id: 1009n }, lease: { id: 0n }, policy: { priority: 0, noreply: false } }, parameter: '{}', binary: [1, 2] };
    const out = toRclMessage(reg, 'unitree_api/msg/Request', req) as typeof req & { header: { identity: { id: unknown; api_id: unknown } } };
    expect(out.header.identity.id).to.equal('1700000000123456789');
    expect(out.header.identity.api_id).to.equal(1009);
    expect(out.binary).to.deep.equal([1, 2]);
    const back = fromRclMessage(reg, 'unitree_api/msg/Request', out);
    expect(back).to.deep.equal(req);
    const resp = fromRclMessage(reg, 'claudia_llm/srv/LlmQuery_Response', { success: true, actions: [{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' }] }) as { actions: Array<{ api_id: unknown }> };
    expect(resp.actions[0]?.api_id).to.equal(1009n);
  });

  it('declares every config key as a parameter with a ROS type', () => {
    const params = configToParams(configWith({}));
    expect(params.get('ollama.model')).to.equal(configWith({}).ollama.model);
    expect(params.has('transport.kind')).to.equal(true);
    expect(paramTypeOf(true)).to.equal(PARAM_TYPE.BOOL);
    expect(paramTypeOf(4096)).to.equal(PARAM_TYPE.INTEGER);
    expect(paramTypeOf(0.5)).to.equal(PARAM_TYPE.DOUBLE);
    expect(paramTypeOf(20, PARAM_TYPE.DOUBLE)).to.equal(PARAM_TYPE.DOUBLE); // the override's type wins
    expect(paramTypeOf(['a'])).to.equal(PARAM_TYPE.STRING_ARRAY);
    expect(paramTypeOf('x')).to.equal(PARAM_TYPE.STRING);
    // Tokens are not readable through `ros2 param get`; shapes rcl cannot hold become JSON text.
    expect(shownValue('metrics.token', 's3cret')).to.equal('(set)');
    expect(shownValue('metrics.token', '')).to.equal('');
    expect(shownValue('ollama.hosts', ['http://a'])).to.deep.equal(['http://a']);
    expect(shownValue('x.mixed', [1, 'a'])).to.equal('[1,"a"]');
    expect(shownValue('x.obj', { a: 1 })).to.equal('{"a":1}');
    expect(rclTypeClass('claudia_llm/srv/LlmQuery')).to.deep.equal({ package: 'claudia_llm', type: 'srv', name: 'LlmQuery' });
  });
});

describe('createTransport', () => {
  it('builds the memory transport without loading dds or rclnodejs', async () => {
    const t = await createTransport('memory', { namespace: '/claudia', nodeName: 'claudia_llm', clock: createSystemClock(), logger: createSilentLogger(), config: configWith({}) });
    expect(t.kind).to.equal('memory');
    expect(t.resolveName('speech')).to.equal('/claudia/speech');
    await t.close();
    expect(Object.keys(require.cache).some((k) => /[\\/]rclnodejs[\\/]/.test(k))).to.equal(false);
  });

  it('refuses an unknown kind with E_CONFIG', async () => {
    const err = await createTransport('zenoh' as never, { namespace: '/', nodeName: 'n', clock: createSystemClock(), logger: createSilentLogger(), config: configWith({}) }).then(() => undefined, (e: unknown) => e);
    expect((err as ClaudiaError).code).to.equal('E_CONFIG');
  });

  it('takes ROS_DOMAIN_ID over transport.dds_domain_id, and checks it', () => {
    const cfg = configWith({ transport: { dds_domain_id: 3 } });
    expect(ddsDomainId(cfg, {})).to.equal(3);
    expect(ddsDomainId(cfg, { ROS_DOMAIN_ID: '42' })).to.equal(42);
    expect(() => ddsDomainId(cfg, { ROS_DOMAIN_ID: 'abc' })).to.throw(ClaudiaError, /ROS_DOMAIN_ID/);
  });
});
