import { expect } from 'chai';
import { createLlmDecider, type FullLlmDecider } from '../../src/llm';
import { createOllamaSimulator, type OllamaSimulator } from '../../src/llm/simulator';
import type { Proposal } from '../../src/pipeline/types';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry, type TelemetryEvent } from '../../src/util/telemetry';
import { catalogue, llmConfig, request } from './llm-fixtures';

describe('llm/decider: the LLM path against the simulator', () => {
  let sim: OllamaSimulator;
  let llm: FullLlmDecider;
  let events: TelemetryEvent[];

  async function start(extra: Parameters<typeof llmConfig>[1] = {}, simOpts: Parameters<typeof createOllamaSimulator>[0] = {}) {
    sim = createOllamaSimulator({
      profile: 'fast',
      script: [
        { match: '座って', content: { a: ['sit'], r: '座ります' } },
        { match: '二メートル進んで', content: { a: [{ n: 'forward', distance_m: 2 }], r: '進みます' } },
        { match: 'ムーンウォークして', content: '{"a":["moonwalk",{"n":"api_1018"}],"r":"はい！"}', raw: true },
        { match: 'say it in english', content: { a: [], r: 'わかりました' } },
      ],
      ...simOpts,
    });
    const url = await sim.listen();
    const telemetry = createTelemetry();
    events = [];
    telemetry.on((e) => events.push(e));
    llm = createLlmDecider({ config: llmConfig([url], extra), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger(), telemetry });
  }

  afterEach(async () => {
    await llm?.close();
    await sim?.close();
  });

  it('decides "座って" -> sit with source llm and the detail fields', async () => {
    await start();
    const got: Proposal[][] = [];
    const d = await llm.decide(request('座って'), { signal: new AbortController().signal, onActions: (a) => got.push(a) });
    expect(d.actions).to.deep.equal([{ name: 'sit' }]);
    expect(d.reply).to.equal('座ります');
    expect(d.source).to.equal('llm');
    expect(d.language).to.equal('ja');
    expect(d.cacheable).to.equal(true);
    expect(d.detail?.promptType).to.equal('command');
    expect(d.detail?.coalesced).to.equal(false);
    expect(d.detail?.host).to.equal(sim.url());
    expect(d.detail?.ttfaMs).to.be.a('number');
    expect(got).to.deep.equal([[{ name: 'sit' }]]);
    expect(events.some((e) => e.type === 'llm_call' && e.ok)).to.equal(true);
    expect(events.some((e) => e.type === 'sched' && e.event === 'dispatched' && e.lane === 'high')).to.equal(true);
  });

  it('keeps movement parameters and passes unknown action names through as proposals', async () => {
    await start();
    const sig = new AbortController().signal;
    const move = await llm.decide(request('二メートル進んで'), { signal: sig });
    expect(move.actions).to.deep.equal([{ name: 'forward', params: { distance_m: 2 } }]);
    const unknown = await llm.decide(request('ムーンウォークして'), { signal: sig });
    expect(unknown.actions.map((a) => a.name)).to.deep.equal(['moonwalk', 'api_1018']);
  });

  it('unscripted dialog gets the simulator default: no actions, reply in the user language', async () => {
    await start();
    const d = await llm.decide(request('你们今天过得怎么样'), { signal: new AbortController().signal });
    expect(d.actions).to.deep.equal([]);
    expect(d.language).to.equal('zh');
    expect(d.reply).to.contain('模拟器');
    expect(d.detail?.promptType).to.equal('dialog');
  });

  it('replaces a reply in the wrong language with a canned one and does not cache it', async () => {
    await start();
    const d = await llm.decide(request('say it in english'), { signal: new AbortController().signal });
    expect(d.reply).to.equal('OK.');
    expect(d.cacheable).to.equal(false);
  });

  it('garbage output -> E_LLM_BAD_OUTPUT; a cut-off reply after complete actions keeps the actions', async () => {
    await start();
    sim.setMode('garbage');
    const err = await llm.decide(request('座って'), { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'E_LLM_BAD_OUTPUT');
    sim.setMode('normal');
    sim.setScript([{ match: '座って', content: '{"a":["sit"],"r":"座りま', raw: true }]);
    const d = await llm.decide(request('座って'), { signal: new AbortController().signal });
    expect(d.actions).to.deep.equal([{ name: 'sit' }]);
    expect(d.reply).to.equal('座ります。'); // the catalogue's reply for sit
    expect(d.cacheable).to.equal(false);
  });

  it('non-streaming mode gives the same decision', async () => {
    await start({ sched: { streaming: false } });
    const d = await llm.decide(request('座って'), { signal: new AbortController().signal });
    expect(d.actions).to.deep.equal([{ name: 'sit' }]);
    expect(d.reply).to.equal('座ります');
  });
});
