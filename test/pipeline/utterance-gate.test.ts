import { expect } from 'chai';
import { normaliseText } from '../../src/lang/normalise';
import { createUtteranceGate } from '../../src/pipeline/utterance-gate';
import { MSG, type SpeechTextMsg } from '../../src/ros/messages';
import { VirtualClock } from '../../src/util/clock';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

const WINDOW_MS = 600_000;
const CROSS_MS = 2000;

function gateOn(clock: VirtualClock, maxBytes = 4 * 1024 * 1024) {
  return createUtteranceGate<string>({ clock, windowMs: WINDOW_MS, maxBytes, crossTopicWindowMs: CROSS_MS, normalise: normaliseText, sizeOf: (r) => String(r).length * 2 });
}

describe('utterance gate (unit, virtual time)', () => {
  it('an utterance_id repeats for node.utterance_window_s: at the window and just below it is a repeat, just above it runs again', async () => {
    for (const [after, repeat] of [[WINDOW_MS - 1, true], [WINDOW_MS, true], [WINDOW_MS + 1, false]] as const) {
      const clock = new VirtualClock();
      const gate = gateOn(clock);
      let runs = 0;
      await gate.once({ text: 'a', origin: 'speech', utteranceId: 'u1' }, async () => `run${++runs}`);
      await clock.advance(after);
      const again = await gate.once({ text: 'a', origin: 'speech', utteranceId: 'u1' }, async () => `run${++runs}`);
      expect({ after, again }).to.deep.equal({ after, again: repeat ? 'run1' : 'run2' });
    }
  });

  it('is bounded by memory, not by a count: 5,000 recent ids are all remembered; a small budget forgets the oldest first', async () => {
    const clock = new VirtualClock();
    const gate = gateOn(clock);
    for (let i = 0; i < 5000; i++) await gate.once({ text: 'x', origin: 'speech', utteranceId: `id-${i}` }, async () => 'first');
    expect(gate.has({ text: 'x', origin: 'speech', utteranceId: 'id-0' }), 'the oldest of 5,000 (more than the old 1,024 count)').to.equal(true);

    const small = gateOn(clock, 64 * 1024);
    for (let i = 0; i < 5000; i++) await small.once({ text: 'x', origin: 'speech', utteranceId: `id-${i}` }, async () => 'first');
    expect(small.stats().idBytes).to.be.at.most(64 * 1024);
    expect(small.has({ text: 'x', origin: 'speech', utteranceId: 'id-4999' })).to.equal(true);
    expect(small.has({ text: 'x', origin: 'speech', utteranceId: 'id-0' })).to.equal(false);
  });

  it('the same normalised text on the other speech topic is the same utterance within node.cross_topic_window_ms (edges), the same topic twice is not', async () => {
    for (const [after, repeat] of [[CROSS_MS - 1, true], [CROSS_MS, true], [CROSS_MS + 1, false]] as const) {
      const clock = new VirtualClock();
      const gate = gateOn(clock);
      await gate.once({ text: 'お座り！', origin: 'speech', utteranceId: 'u1' }, async () => 'speech');
      await clock.advance(after);
      const other = await gate.once({ text: 'お座り', origin: 'speech_text' }, async () => 'speech_text');
      expect({ after, other }).to.deep.equal({ after, other: repeat ? 'speech' : 'speech_text' });
    }
    const clock = new VirtualClock();
    const gate = gateOn(clock);
    await gate.once({ text: 'お座り', origin: 'speech_text' }, async () => 'first');
    expect(await gate.once({ text: 'お座り', origin: 'speech_text' }, async () => 'second'), 'the user said it again').to.equal('second');
    expect(await gate.once({ text: 'お座り', origin: 'service' }, async () => 'service'), 'other entry points are never matched by text').to.equal('service');
  });

  it('a cross-topic match pairs one message of each topic: the user saying it twice within the window runs twice', async () => {
    const clock = new VirtualClock();
    const gate = gateOn(clock);
    let runs = 0;
    const order = [{ origin: 'speech_text' as const }, { origin: 'speech' as const, utteranceId: 'u1' }, { origin: 'speech_text' as const }, { origin: 'speech' as const, utteranceId: 'u2' }];
    const got: string[] = [];
    for (const o of order) {
      got.push(await gate.once({ text: '座って', ...o }, async () => `run${++runs}`));
      await clock.advance(100);
    }
    expect(got).to.deep.equal(['run1', 'run1', 'run2', 'run2']);
    // u1 was matched by its text: replayed later (past the cross-topic window) it is still the first utterance.
    await clock.advance(60_000);
    expect(await gate.once({ text: '座って', origin: 'speech', utteranceId: 'u1' }, async () => `run${++runs}`)).to.equal('run1');
  });
});

describe('utterance gate (node on the memory transport)', function () {
  this.timeout(20000);
  let h: Harness;
  afterEach(async () => h?.close());
  const speech = () => h.peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, '/claudia/speech');
  const speechText = () => h.peer.createPublisher<{ data: string }>(MSG.String, '/claudia/speech_text');
  const msg = (id: string, text: string): SpeechTextMsg => ({ stamp: { sec: 0, nanosec: 0 }, utterance_id: id, text, language: 'ja', confidence: 0.9, is_final: true, source: 'asr' });

  it('an old utterance_id replayed after 1,100 other utterances does not run again', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    await h.app.pipeline.handle({ text: '座って', origin: 'speech', utteranceId: 'old' });
    for (let i = 0; i < 1100; i++) await h.app.pipeline.handle({ text: 'こんにちは', origin: 'speech', utteranceId: `other-${i}` });
    const before = h.go2.apiIds().length;
    await h.app.pipeline.handle({ text: '座って', origin: 'speech', utteranceId: 'old' });
    await new Promise((r) => setTimeout(r, 50));
    expect(h.go2.apiIds().length - before, 'nothing published for the replay').to.equal(0);
  });

  it('an old utterance_id replayed on the speech topic after 1,100 others gets no second response', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const pub = speech();
    pub.publish(msg('old', '座って'));
    await waitFor(() => h.responses.length === 1, 'the first response');
    for (let i = 0; i < 1100; i++) pub.publish(msg(`other-${i}`, 'こんにちは'));
    await waitFor(() => h.responses.length === 1101, 'the other responses', 10000);
    const sent = h.go2.apiIds().length;
    pub.publish(msg('old', '座って'));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.responses.length).to.equal(1101);
    expect(h.go2.apiIds().length).to.equal(sent);
  });

  it('the same utterance on speech (SpeechText) and speech_text (String) executes once and answers once', async () => {
    h = await startHarness({ withLlm: false });
    speech().publish(msg('u-both', '座って'));
    speechText().publish({ data: '座って' });
    await waitFor(() => h.responses.length >= 1, 'the response');
    await new Promise((r) => setTimeout(r, 150));
    expect(h.go2.apiIds()).to.deep.equal([1004, 1009]);
    expect(h.responses).to.have.length(1);
  });

  it('never for the emergency reflex: a stop on both topics, and a replayed stop id, stop every time', async () => {
    h = await startHarness({ withLlm: false });
    speech().publish(msg('u-stop', '止まって'));
    speechText().publish({ data: '止まって' });
    speech().publish(msg('u-stop', '止まって'));
    await waitFor(() => h.go2.apiIds().filter((id) => id === 1003).length >= 3, 'three StopMoves', 3000);
    expect(h.go2.apiIds()).to.deep.equal([1003, 1003, 1003]);
  });
});
