import { expect } from 'chai';
import type { AnswerRecord, PipelineEvent, QueryInput } from '../../src/pipeline/types';
import type { LatencyProfile } from '../../src/llm/simulator';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

/** Simulator (not a model): one slot, a slow decode, so a long answer is still streaming when the stop comes. */
const SLOW_DECODE: LatencyProfile = { name: 'slow-decode', loadMs: 0, prefillTokPerS: 1e9, decodeTokPerS: 40, slots: 1, queueMax: 8, note: 'test: 40 tokens/s, one slot' };
const LONG_QUESTION = '春の天気について長く話してくれる？';
const LONG_REPLY = '春はいい季節です。'.repeat(60);
const NEXT_QUESTION = '好きな食べ物は何？';

/** No periodic health probe during a test (a probe slowed by a loaded machine must not take the one host out). */
const QUIET_PROBES = { health_interval_s: 600, connect_timeout_s: 10 };

const input = (text: string): QueryInput => ({ text, origin: 'cli', confidence: 0.9 });

/** A stop (any way in) aborts the LLM calls of earlier requests through the scheduler: the slot is free for the next one at once. */
describe('a stop aborts the LLM calls in flight (simulator)', function () {
  this.timeout(20_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function longAnswerThenStop(
    stop: (h: Harness) => Promise<AnswerRecord | undefined> | AnswerRecord | undefined,
    backend: 'ollama' | 'openai' = 'ollama',
  ): Promise<{ rec: AnswerRecord; stopRec: AnswerRecord | undefined; streamedBeforeStop: number }> {
    h = await startHarness({
      simProfile: SLOW_DECODE,
      config: { llm: { backend }, ollama: { num_parallel: 1, ...QUIET_PROBES }, robot: { initial_posture: 'standing' } },
      script: [
        { match: LONG_QUESTION, content: { a: [], r: LONG_REPLY } },
        { match: NEXT_QUESTION, content: { a: [], r: 'ボールです。' } },
      ],
    });
    const events: PipelineEvent[] = [];
    const pending = h.app.pipeline.handle(input(LONG_QUESTION), { onEvent: (e) => events.push(e) });
    // The answer is streaming: reply text has arrived, most of it is still to come.
    await waitFor(() => events.some((e) => e.type === 'reply'), 'the reply to stream', 10_000);
    const streamedBeforeStop = events.filter((e) => e.type === 'reply').length;
    const stopRec = await stop(h);
    const rec = await pending;
    return { rec, stopRec, streamedBeforeStop };
  }

  async function expectAbortedAndSlotFree(rec: AnswerRecord): Promise<void> {
    const hh = h as Harness;
    expect(rec.error).to.match(/^E_ABORTED: the LLM call was aborted by an emergency stop/);
    expect(rec.success).to.equal(false);
    expect(rec.reply).to.equal('止まれと言われたので、やめておきます。');
    expect(rec.reply).to.not.contain('春はいい季節');
    expect(rec.publishedApiIds).to.deep.equal([]);
    // The simulator saw its client go away before the end of the answer.
    await waitFor(() => hh.sim!.stats().aborted === 1, 'the simulator to see the abort');
    expect(hh.sim!.stats().completed).to.equal(0);
    expect(hh.go2.apiIds()).to.deep.equal([1003]);
    // The one slot serves the next request.
    const next = await hh.app.pipeline.handle(input(NEXT_QUESTION));
    expect(next.error, next.error).to.equal('');
    expect(next.source).to.equal('llm');
    expect(next.reply).to.equal('ボールです。');
    expect(hh.go2.apiIds()).to.deep.equal([1003]);
  }

  it('a stop word through handle (any way in) aborts the earlier request\'s streaming answer', async () => {
    const { rec, stopRec } = await longAnswerThenStop((hh) => hh.app.pipeline.handle(input('止まって')));
    expect(stopRec?.source).to.equal('reflex');
    await expectAbortedAndSlotFree(rec);
  });

  it('a stop word in a partial ASR result aborts it', async () => {
    const { rec, stopRec } = await longAnswerThenStop((hh) => hh.app.pipeline.partial(input('ちょっと止まって')));
    expect(stopRec?.actions.map((a) => a.name)).to.deep.equal(['stop']);
    await expectAbortedAndSlotFree(rec);
  });

  it('an explicit stop (POST /v1/stop, :stop) aborts it', async () => {
    const { rec } = await longAnswerThenStop((hh) => hh.app.pipeline.stop({ origin: 'http', text: '' }));
    await expectAbortedAndSlotFree(rec);
  });

  it('a danger word aborts it, and its own emergency reply (urgent lane, same slot) still comes from the LLM', async () => {
    const { rec, stopRec } = await longAnswerThenStop((hh) => hh.app.pipeline.handle(input('助けて')));
    expect(stopRec?.promptType).to.equal('emergency');
    expect(stopRec?.detail.promptType, 'the emergency reply came from the LLM').to.equal('emergency');
    expect(stopRec?.actions.map((a) => a.name)).to.deep.equal(['stop']);
    expect(rec.error).to.match(/^E_ABORTED/);
    expect(h!.sim!.stats().aborted).to.equal(1);
  });

  it('the same on the OpenAI-compatible backend (the simulator speaks its wire too)', async () => {
    const { rec } = await longAnswerThenStop((hh) => hh.app.pipeline.handle(input('止まって')), 'openai');
    expect(h!.sim!.stats().byEndpoint['/v1/chat/completions'], 'spoken on the OpenAI wire').to.equal(1);
    await expectAbortedAndSlotFree(rec);
  });

  it('a request that arrives after the stop is not aborted by it', async () => {
    h = await startHarness({ simProfile: SLOW_DECODE, config: { ollama: { num_parallel: 1, ...QUIET_PROBES } }, script: [{ match: NEXT_QUESTION, content: { a: [], r: 'ボールです。' } }] });
    h.app.pipeline.stop({ origin: 'http', text: '' });
    const rec = await h.app.pipeline.handle(input(NEXT_QUESTION));
    expect(rec.error).to.equal('');
    expect(rec.reply).to.equal('ボールです。');
    expect(h.sim!.stats().aborted).to.equal(0);
  });
});
