import { expect } from 'chai';
import { JETSON_PROFILE } from '../../src/llm/simulator';
import type { PipelineEvent, QueryInput, StageEvent } from '../../src/pipeline/types';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

const stagesOf = (events: PipelineEvent[]) => events.filter((e): e is StageEvent => e.type === 'stage').map((e) => e.stage);
const replyDeltas = (events: PipelineEvent[]) => events.filter((e) => e.type === 'reply');
const input = (text: string, over: Partial<QueryInput> = {}): QueryInput => ({ text, origin: 'cli', confidence: 0.9, ...over });

/** Reply text rebuilt from the events as a client would: append deltas, restart on a replacement. */
function rebuiltReply(events: PipelineEvent[]): string {
  let text = '';
  for (const e of events) if (e.type === 'reply') text = e.replaced ? e.delta : text + e.delta;
  return text;
}

describe('pipeline: progress events and cancel (pipeline.handle(input, { onEvent, signal }) over the memory transport)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a reflex command: deciding, decided (verdicts), executing, done, in order, with the reply', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const events: PipelineEvent[] = [];
    const rec = await h.app.pipeline.handle(input('座って'), { onEvent: (e) => events.push(e) });
    expect(stagesOf(events)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    const decided = events.find((e) => e.type === 'stage' && e.stage === 'decided') as StageEvent;
    expect(decided.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['sit', 'ok']]);
    expect(decided.requestId).to.equal(rec.requestId);
    const executing = events.find((e) => e.type === 'stage' && e.stage === 'executing') as StageEvent;
    expect(executing.reply).to.equal('座ります。');
    const done = events.at(-1) as StageEvent;
    expect(done.stage).to.equal('done');
    expect(done.stage === 'done' && done.record).to.equal(rec);
    expect(rebuiltReply(events)).to.equal(rec.reply);
    // Reply events never come after `done`, and the stage events' actions are copies.
    expect(events.findIndex((e) => e.type === 'reply')).to.be.lessThan(events.length - 1);
    decided.actions[0]!.verdict = 'changed by a listener';
    expect(rec.actions.find((a) => a.name === 'sit')?.verdict).to.equal('ok');
    expect(h.go2.apiIds()).to.deep.equal([1009]);
  });

  it('a chat answer and refused input still get all four stages, exactly once each', async () => {
    h = await startHarness({ script: [{ match: 'what is your name', content: { a: [], r: 'I am Claudia.' } }] });
    const chat: PipelineEvent[] = [];
    await h.app.pipeline.handle(input('what is your name'), { onEvent: (e) => chat.push(e) });
    expect(stagesOf(chat)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    const bad: PipelineEvent[] = [];
    const rec = await h.app.pipeline.handle({ text: '', origin: 'cli' }, { onEvent: (e) => bad.push(e) });
    expect(rec.error).to.match(/^E_BAD_INPUT/);
    expect(stagesOf(bad)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
  });

  it('LLM: reply deltas stream after `decided` and add up to the final reply; `executing` carries it whole', async () => {
    const reply = 'Hello there, I will wave at you now because you asked so nicely.';
    h = await startHarness({ script: [{ match: 'greet our visitors from Osaka warmly', content: { a: ['hello'], r: reply } }], config: { robot: { initial_posture: 'standing' } } });
    const events: PipelineEvent[] = [];
    const rec = await h.app.pipeline.handle(input('greet our visitors from Osaka warmly'), { onEvent: (e) => events.push(e) });
    expect(rec.source).to.equal('llm');
    expect(rec.reply).to.equal(reply);
    const deltas = replyDeltas(events);
    expect(deltas.length).to.be.greaterThan(1); // streamed, not one piece
    const decidedAt = events.findIndex((e) => e.type === 'stage' && e.stage === 'decided');
    const firstDelta = events.findIndex((e) => e.type === 'reply');
    expect(decidedAt).to.be.lessThan(firstDelta);
    expect(rebuiltReply(events)).to.equal(reply);
    const executing = events.find((e) => e.type === 'stage' && e.stage === 'executing') as StageEvent;
    expect(executing.reply).to.equal(reply);
    expect(stagesOf(events)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
  });

  it('a listener that throws does not break the request (the robot still moves, the answer is normal)', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    let calls = 0;
    const rec = await h.app.pipeline.handle(input('お手'), {
      onEvent: () => {
        calls++;
        throw new Error('listener bug');
      },
    });
    expect(rec.error).to.equal('');
    expect(rec.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(h.go2.apiIds()).to.deep.equal([1016]);
    expect(calls).to.be.greaterThanOrEqual(5); // every event was still offered: 4 stages + the reply
  });

  it('cancel while the LLM decides: the call is aborted, nothing is published, E_CANCELED', async () => {
    const slow = { ...JETSON_PROFILE, name: 'slow-test', loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 40 };
    h = await startHarness({ simProfile: slow, script: [{ match: 'tell me a long story', content: { a: ['hello'], r: 'Once upon a time there was a robot dog. '.repeat(4) } }] });
    const sim = h.sim!;
    const ctl = new AbortController();
    const events: PipelineEvent[] = [];
    const pending = h.app.pipeline.handle(input('tell me a long story'), { onEvent: (e) => events.push(e), signal: ctl.signal });
    await waitFor(() => sim.stats().chat >= 1, 'the LLM call to start');
    ctl.abort();
    const rec = await pending;
    expect(rec.error).to.match(/^E_CANCELED/);
    expect(rec.success).to.equal(false);
    expect(h.go2.apiIds()).to.deep.equal([]);
    await waitFor(() => sim.stats().aborted >= 1, 'the simulator to see the stream aborted');
    expect(sim.stats().completed).to.equal(0);
    expect(stagesOf(events)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
  });

  it('cancel during a Move stream: StopMove goes out, the Move is reported dropped:canceled', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const ctl = new AbortController();
    const pending = h.app.pipeline.handle(input('walk forward for 3 seconds'), { signal: ctl.signal });
    await waitFor(() => h!.go2.apiIds().filter((a) => a === 1008).length >= 2, 'the Move stream to run');
    ctl.abort();
    const rec = await pending;
    const ids = h.go2.apiIds();
    expect(ids.at(-1)).to.equal(1003);
    expect(rec.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['forward', 'dropped:canceled']]);
    expect(rec.error).to.match(/^E_CANCELED/);
    await new Promise((r) => setTimeout(r, 250));
    expect(h.go2.apiIds()).to.deep.equal(ids); // no Move after the StopMove
  });

  it('cancel during an atomic action: StopMove, and the steps not yet published are dropped:canceled', async () => {
    // The robot never answers hello, so the plan is still waiting for it when the cancel comes.
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing', response_timeout_s: 5 } }, codeFor: (api) => (api === 1016 ? undefined : 0) });
    const ctl = new AbortController();
    const pending = h.app.pipeline.handle(input('お手'), { signal: ctl.signal });
    await waitFor(() => h!.go2.apiIds().includes(1016), 'hello to be published');
    ctl.abort();
    const rec = await pending;
    expect(h.go2.apiIds()).to.deep.equal([1016, 1003]);
    expect(rec.actions.map((a) => a.verdict)).to.deep.equal(['ok']); // published before the cancel
    expect(rec.error).to.match(/^E_CANCELED/);
  });

  it('a signal aborted before the start: nothing is decided or published; a stop word still stops', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const ctl = new AbortController();
    ctl.abort();
    const rec = await h.app.pipeline.handle(input('座って'), { signal: ctl.signal });
    expect(rec.error).to.match(/^E_CANCELED/);
    expect(h.go2.apiIds()).to.deep.equal([]);
    const stop = await h.app.pipeline.handle(input('止まって'), { signal: ctl.signal });
    expect(stop.actions.map((a) => a.name)).to.deep.equal(['stop']);
    expect(h.go2.apiIds()).to.deep.equal([1003]);
  });

  it('the same utterance_id twice: the second caller hears the first run\'s stages and record', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const a: PipelineEvent[] = [];
    const b: PipelineEvent[] = [];
    const [r1, r2] = await Promise.all([
      h.app.pipeline.handle(input('座って', { utteranceId: 'u-same' }), { onEvent: (e) => a.push(e) }),
      h.app.pipeline.handle(input('座って', { utteranceId: 'u-same' }), { onEvent: (e) => b.push(e) }),
    ]);
    expect(r2).to.equal(r1);
    expect(stagesOf(a)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    expect(stagesOf(b)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    expect(b.every((e) => e.requestId === r1.requestId)).to.equal(true);
    expect(h.go2.apiIds()).to.deep.equal([1009]); // moved once
  });
});
