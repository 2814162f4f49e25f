import { expect } from 'chai';
import { JETSON_PROFILE } from '../../src/llm/simulator';
import type { AnswerRecord, QueryInput } from '../../src/pipeline/types';
import { VirtualClock } from '../../src/util/clock';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

const input = (text: string, over: Partial<QueryInput> = {}): QueryInput => ({ text, origin: 'speech', confidence: 0.9, ...over });

/** Lets the memory graph's microtask deliveries run between virtual-clock steps. */
const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('pipeline + executor arbitration (robot.arbitration newest_wins), the whole node', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a dry run during a walk supersedes nothing: the walk runs to its end (virtual clock)', async () => {
    const clock = new VirtualClock();
    h = await startHarness({ clock, withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const sent: Array<{ at: number; api: number }> = [];
    h.graph.taps.add((topic, _type, msg) => {
      if (topic === '/api/sport/request') sent.push({ at: clock.now(), api: Number((msg as { header: { identity: { api_id: bigint } } }).header.identity.api_id) });
    });
    const t0 = clock.now();
    let walk: AnswerRecord | undefined;
    void h.app.pipeline.handle(input('walk forward for 2 seconds')).then((r) => (walk = r));
    await flush();
    await clock.advance(500);
    const dry = await h.app.pipeline.handle(input('sit down', { dryRun: true }));
    expect(dry.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['sit', 'ok']]);
    expect(dry.publishedApiIds).to.deep.equal([]);
    await clock.advance(2000);
    await flush();
    expect(walk?.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(walk?.supersededBy).to.equal(undefined);
    expect(sent.map((s) => s.api).filter((a) => a !== 1008)).to.deep.equal([1003]); // no sit, one StopMove at the end
    expect(sent.find((s) => s.api === 1003)!.at - t0).to.be.at.least(1900);
  });

  it('a late older LLM plan after a newer reflex plan is dropped: only the newer command moves the robot', async () => {
    // A slow LLM (simulator, Jetson-like decode) decides "dance" after the reflex has already made the robot sit.
    const slow = { ...JETSON_PROFILE, name: 'slow-test', loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 60 };
    h = await startHarness({
      simProfile: slow,
      script: [{ match: 'show our guests a little dance', content: { a: ['dance1'], r: 'Here is a little dance for our guests!' } }],
      config: { robot: { initial_posture: 'standing' } },
    });
    const sim = h.sim!;
    const older = h.app.pipeline.handle(input('show our guests a little dance', { utteranceId: 'old' }));
    await waitFor(() => sim.stats().chat >= 1, 'the LLM call');
    const newer = await h.app.pipeline.handle(input('sit down', { utteranceId: 'new' }));
    expect(newer.source).to.equal('reflex');
    const late = await older;
    expect(late.source).to.equal('llm');
    expect(late.actions.every((a) => a.verdict === 'dropped:superseded')).to.equal(true);
    expect(late.supersededBy).to.deep.equal({ requestId: newer.requestId, utteranceId: 'new' });
    expect(late.error).to.equal(`E_SUPERSEDED: superseded by request ${newer.requestId} (utterance new)`);
    expect(late.success).to.equal(false);
    expect(h.go2.apiIds()).to.deep.equal([1009]); // sit only, never the dance
    // Its reply is still the first effect of the superseded utterance.
    expect(late.firstEffectMs).to.be.closeTo(late.latencyMs, 5);
  });

  it('with robot.arbitration queue the late plan still runs after the newer one', async () => {
    const slow = { ...JETSON_PROFILE, name: 'slow-test', loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 60 };
    h = await startHarness({
      simProfile: slow,
      script: [{ match: 'show our guests a little dance', content: { a: ['dance1'], r: 'Here is a little dance for our guests!' } }],
      config: { robot: { initial_posture: 'standing', arbitration: 'queue' } },
    });
    const sim = h.sim!;
    const older = h.app.pipeline.handle(input('show our guests a little dance'));
    await waitFor(() => sim.stats().chat >= 1, 'the LLM call');
    await h.app.pipeline.handle(input('sit down'));
    const late = await older;
    expect(late.error).to.equal('');
    expect(h.go2.apiIds()).to.deep.equal([1009, 1004, 1022]); // sit, then StandUp and the dance
  });
});
