import { expect } from 'chai';
import { MSG, type LlmQueryRequestMsg, type LlmQueryResponseMsg, type SpeechTextMsg } from '../../src/ros/messages';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

const STOP = 1003;

/** Issue 14 through the whole node: L0 before every refusal, wake words, both Chinese scripts. */
describe('pipeline: realistic speech end to end (memory transport)', function () {
  this.timeout(20000);
  let h: Harness;
  afterEach(async () => h?.close());

  const call = (req: Partial<LlmQueryRequestMsg>) =>
    h.peer.createClient<Partial<LlmQueryRequestMsg>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query').call(req, { timeoutMs: 10000 });
  const partial = (text: string, n: number) =>
    h.peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, '/claudia/speech').publish({
      stamp: { sec: 0, nanosec: 0 }, utterance_id: `p-${n}`, text, language: '', confidence: 0.5, is_final: false, source: 'test',
    });

  it('a stop word after the length limit still stops: StopMove, then the refusal with the stop in the record', async () => {
    h = await startHarness({ withLlm: false });
    const limit = h.app.config.language.max_input_chars;
    for (const [i, n] of [limit - 1, limit, limit + 1, 100_000].entries()) {
      const before = h.go2.apiIds().filter((a) => a === STOP).length;
      const res = await call({ text: `${'a '.repeat(Math.ceil(n / 2)).slice(0, n)}止\u200bまって` });
      expect(h.go2.apiIds().filter((a) => a === STOP).length, `case ${i}`).to.equal(before + 1);
      expect(res.actions.map((a) => a.name), `case ${i}`).to.deep.equal(['stop']);
      if (n + 5 > limit) expect(res.error, `case ${i}`).to.match(/^E_BAD_INPUT: text is \d+ characters/);
    }
    // Without a stop word the long text is refused and nothing moves.
    const before = h.go2.apiIds().length;
    const res = await call({ text: 'a '.repeat(limit) });
    expect(res.error).to.match(/^E_BAD_INPUT/);
    expect(res.actions).to.deep.equal([]);
    expect(h.go2.apiIds().length).to.equal(before);
  });

  it('a partial ASR result of any length stops on a stop word anywhere, with invisible characters inside', async () => {
    h = await startHarness({ withLlm: false });
    partial(`${'えーと '.repeat(2000)}スト\u00adップ`, 1);
    await waitFor(() => h.go2.apiIds().includes(STOP), 'StopMove from the partial');
    expect(h.go2.apiIds()).to.deep.equal([STOP]);
  });

  it('traditional Chinese is understood and answered in traditional; Japanese kanji text is never converted', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const zh = await call({ text: '請坐下來', dry_run: true });
    expect(zh.actions.map((a) => a.name)).to.deep.equal(['sit']);
    expect(zh.language).to.equal('zh');
    const turn = await call({ text: '向右轉九十度', dry_run: true });
    expect(turn.actions.map((a) => [a.name, JSON.parse(a.parameter || '{}')])).to.have.length(1);
    expect(turn.actions[0]?.name).to.equal('turn_right');
    // The reply in the script the user wrote (the catalogue's is simplified: 站起来了。).
    expect(h.app.catalogue.byName('stand_up')?.replies.zh).to.equal('站起来了。');
    const stand = await call({ text: '站起來' });
    expect(stand.reply).to.equal('站起來了。');
    const ja = await call({ text: '動かないで' });
    expect(ja.actions.map((a) => a.name)).to.deep.equal(['stop']);
    expect(ja.language).to.equal('ja');
  });

  it('language.require_wake_word: without the wake word nothing moves, with it (even misheard) the command runs, stops never need it', async () => {
    h = await startHarness({ withLlm: false, config: { language: { require_wake_word: true }, robot: { initial_posture: 'standing' } } });
    const plain = await call({ text: '座って' });
    expect(plain.actions).to.deep.equal([]);
    expect(h.go2.apiIds()).to.deep.equal([]);
    const woken = await call({ text: 'クローディア、座って', dry_run: true });
    expect(woken.actions.map((a) => a.name)).to.deep.equal(['sit']);
    const en = await call({ text: 'Cloudia, um, sit down', dry_run: true });
    expect(en.actions.map((a) => a.name)).to.deep.equal(['sit']);
    const after = await call({ text: 'sit, claudia', dry_run: true });
    expect(after.actions.map((a) => a.name)).to.deep.equal(['sit']);
    expect(h.go2.apiIds()).to.deep.equal([]);
    const stop = await call({ text: 'stop!' });
    expect(stop.actions.map((a) => a.name)).to.deep.equal(['stop']);
    expect(h.go2.apiIds()).to.deep.equal([STOP]);
  });

  it('fillers, a repeated command and a politeness word in another language do not keep a command from the reflex', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    for (const [text, action] of [
      ['えーと、あの、お座り', 'sit'], ['uh um sit down uh', 'sit'], ['坐下坐下', 'sit'], ['那个…嗯…趴下吧', 'lie_down'],
      ['お手 please', 'hello'], ['please お座り', 'sit'], ['给我 dance 一下', 'dance1'], ['往后退 one meter', 'backward'],
    ] as const) {
      const res = await call({ text, dry_run: true });
      expect(res.source, text).to.equal('reflex');
      expect(res.actions.map((a) => a.name).filter((n) => n !== 'stand_up'), text).to.deep.equal([action]);
    }
    // The reply is in the language of the command's own words.
    expect((await call({ text: 'お手 please', dry_run: true })).language).to.equal('ja');
    expect((await call({ text: '给我 dance 一下', dry_run: true })).language).to.equal('en');
  });

  it('an ability question never becomes the action; a polite request question does', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    for (const text of ['can you do a backflip?', 'do you know how to sit?', 'お手ってできる？', '踊れる？', '你会坐下吗？', '你會比心嗎']) {
      const res = await call({ text, dry_run: true });
      expect(res.source, text).to.not.equal('reflex');
      expect(res.actions, text).to.deep.equal([]);
    }
    for (const [text, action] of [['could you sit?', 'sit'], ['座ってくれる？', 'sit'], ['座ってもらえますか', 'sit'], ['你能不能坐下？', 'sit']] as const) {
      const res = await call({ text, dry_run: true });
      expect(res.actions.map((a) => a.name), text).to.deep.equal([action]);
    }
  });
});
