import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MSG, type LlmQueryRequestMsg, type LlmQueryResponseMsg, type SpeechTextMsg } from '../../src/ros/messages';
import { FIXED_PROFILE } from '../../src/llm/simulator';
import { createMemoryLogger } from '../../src/util/logger';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

/** The foundation's promise: one utterance travels the whole way on the in-process transport. */
describe('foundation: end to end on the memory transport', function () {
  this.timeout(20000);
  let h: Harness;
  afterEach(async () => h?.close());

  const say = (text: string) => h.peer.createPublisher<{ data: string }>(MSG.String, '/claudia/speech_text').publish({ data: text });
  const call = (req: Partial<LlmQueryRequestMsg>) =>
    h.peer.createClient<Partial<LlmQueryRequestMsg>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query').call(req, { timeoutMs: 10000 });

  it('"座って" on speech_text -> exactly [1004 StandUp, 1009 Sit] from posture unknown, and one LlmResponse', async () => {
    h = await startHarness();
    say('座って');
    await waitFor(() => h.responses.length === 1, 'the response');
    expect(h.go2.apiIds()).to.deep.equal([1004, 1009]);
    const r = h.responses[0]!;
    expect(r.source).to.equal('reflex');
    expect(r.actions.map((a) => [a.name, Number(a.api_id), a.verdict])).to.deep.equal([
      ['stand_up', 1004, 'inserted'],
      ['sit', 1009, 'ok'],
    ]);
    expect(r.error).to.equal('');
    // identity ids are unique and parameters JSON
    const ids = h.go2.requests.map((q) => q.header.identity.id);
    expect(new Set(ids.map(String)).size).to.equal(ids.length);
    for (const q of h.go2.requests) expect(JSON.parse(q.parameter)).to.deep.equal({});
    await new Promise((res) => setTimeout(res, 50));
    expect(h.responses).to.have.length(1);
  });

  it('exactly [1009] when the initial posture is configured standing', async () => {
    h = await startHarness({ config: { robot: { initial_posture: 'standing' } } });
    say('座って');
    await waitFor(() => h.responses.length === 1, 'the response');
    expect(h.go2.apiIds()).to.deep.equal([1009]);
  });

  it('the same through the llm_query service', async () => {
    h = await startHarness();
    const res = await call({ text: '座って', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: false, timeout_s: 0 });
    expect(res.success).to.equal(true);
    expect(res.source).to.equal('reflex');
    expect(res.actions.map((a) => Number(a.api_id))).to.deep.equal([1004, 1009]);
    expect(h.go2.apiIds()).to.deep.equal([1004, 1009]);
    await waitFor(() => h.responses.length === 1, 'the response topic');
  });

  it('dry_run decides but publishes nothing', async () => {
    h = await startHarness();
    const res = await call({ text: '座って', dry_run: true });
    expect(res.actions.map((a) => Number(a.api_id))).to.deep.equal([1004, 1009]);
    expect(h.go2.requests).to.have.length(0);
  });

  it('a second identical request is served from the cache without an LLM call', async () => {
    h = await startHarness({ script: [{ match: '好きな食べ物は何？', content: { a: [], r: 'ボールが大好きです。' } }] });
    const first = await call({ text: '好きな食べ物は何？' });
    expect(first.source).to.equal('llm');
    expect(first.reply).to.equal('ボールが大好きです。');
    const chats = h.sim!.stats().chat;
    expect(chats).to.equal(1);
    await new Promise((r) => setTimeout(r, 20)); // write-behind
    const second = await call({ text: '好きな食べ物は何？' });
    expect(second.source).to.equal('cache');
    expect(second.reply).to.equal(first.reply);
    expect(h.sim!.stats().chat).to.equal(1);
  });

  it('an LLM answer with actions goes through the safety compiler before anything is published', async () => {
    h = await startHarness({ script: [{ match: 'ちょっと休憩しようか', content: { a: ['lie_down'], r: '伏せて休みます。' } }] });
    const res = await call({ text: 'ちょっと休憩しようか' });
    expect(res.source).to.equal('llm');
    expect(res.actions.map((a) => [a.name, a.verdict])).to.deep.equal([
      ['stand_up', 'inserted'],
      ['lie_down', 'ok'],
    ]);
    expect(h.go2.apiIds()).to.deep.equal([1004, 1005]);
  });

  it('an LLM Move with a negative or too long distance is blocked:param_out_of_range and reported so; nothing moves (issue 13 item 9)', async () => {
    h = await startHarness({
      config: { robot: { initial_posture: 'standing' } },
      script: [
        { match: 'ちょっとだけ戻ってみて', content: { a: [{ n: 'forward', distance_m: -1 }], r: '進みます。' } },
        { match: 'ずっと先まで行ってみて', content: { a: [{ n: 'forward', distance_m: 99 }], r: '進みます。' } },
      ],
    });
    for (const text of ['ちょっとだけ戻ってみて', 'ずっと先まで行ってみて']) {
      const res = await call({ text });
      expect(res.source, text).to.equal('llm');
      expect(res.actions.map((a) => [a.name, a.verdict]), text).to.deep.equal([['forward', 'blocked:param_out_of_range']]);
    }
    expect(h.go2.apiIds().filter((id) => id === 1008), 'no Move published').to.deep.equal([]);
  });

  describe('bad input: a clear error or a fallback reply, nothing published, the node stays up', () => {
    const expectNothingPublishedThenAlive = async () => {
      expect(h.go2.requests, 'nothing on /api/sport/request').to.have.length(0);
      const alive = await call({ text: '座って', dry_run: true });
      expect(alive.success, 'node still answers').to.equal(true);
    };

    it('empty text', async () => {
      h = await startHarness();
      const res = await call({ text: '' });
      expect(res.success).to.equal(false);
      expect(res.error).to.match(/^E_BAD_INPUT: text is empty/);
      await expectNothingPublishedThenAlive();
    });

    it('100 KB text', async () => {
      h = await startHarness();
      const res = await call({ text: '座って'.repeat(34_000) });
      expect(res.error).to.match(/^E_BAD_INPUT: text is 102000 characters/);
      await expectNothingPublishedThenAlive();
    });

    it('control characters', async () => {
      h = await startHarness();
      const res = await call({ text: '座\u0000って\u001b[2J' });
      expect(res.error).to.match(/^E_BAD_INPUT: text contains a control character/);
      await expectNothingPublishedThenAlive();
    });

    it('invalid UTF-8 bytes on the speech topic', async () => {
      h = await startHarness();
      const decoded = new TextDecoder('utf-8').decode(Uint8Array.from([0xe5, 0xba, 0xa7, 0xff, 0xfe, 0xe3, 0x81]));
      say(decoded);
      await waitFor(() => h.responses.length === 1, 'the response');
      expect(h.responses[0]!.error).to.match(/^E_BAD_INPUT: text contains invalid UTF-8/);
      await expectNothingPublishedThenAlive();
    });

    it('a service request with missing or mistyped fields', async () => {
      h = await startHarness();
      const missing = await call({ language: 'ja' });
      expect(missing.success).to.equal(false);
      expect(missing.error).to.equal("E_BAD_INPUT: LlmQuery request field 'text' is missing");
      const mistyped = await call({ text: 42 as unknown as string });
      expect(mistyped.error).to.match(/field 'text' must be a string/);
      await expectNothingPublishedThenAlive();
    });

    it('LLM output that is not JSON', async () => {
      h = await startHarness();
      h.sim!.setMode('garbage');
      const res = await call({ text: '最近どう？', timeout_s: 5 });
      expect(res.success).to.equal(false);
      expect(res.source).to.equal('fallback');
      expect(res.error).to.match(/^E_LLM_BAD_OUTPUT/);
      expect(res.reply).to.not.equal('');
      h.sim!.setMode('normal');
      await expectNothingPublishedThenAlive();
    });

    it('LLM output that names an unknown action or a hallucinated id', async () => {
      h = await startHarness({ script: [{ match: 'ムーンウォークして', content: '{"a":["moonwalk",{"n":"api_1018"}],"r":"はい！"}', raw: true }] });
      const res = await call({ text: 'ムーンウォークして' });
      expect(res.actions.map((a) => a.verdict)).to.deep.equal(['blocked:unknown_action', 'blocked:unknown_action']);
      await expectNothingPublishedThenAlive();
    });
  });

  it('Japanese, Chinese and English round-trip unchanged through messages and logs', async () => {
    const logger = createMemoryLogger();
    const auditPath = path.join(mkdtempSync(path.join(tmpdir(), 'claudia-audit-')), 'audit.jsonl');
    h = await startHarness({ logger, config: { audit: { path: auditPath } }, script: [{ match: '你好 Go2', content: { a: [], r: '你好！我是 Go2 🐕' } }] });
    const speech = h.peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, '/claudia/speech');
    speech.publish({ stamp: { sec: 0, nanosec: 0 }, utterance_id: 'u-1', text: '你好 Go2', language: 'zh', confidence: 0.9, is_final: true, source: 'asr' });
    speech.publish({ stamp: { sec: 0, nanosec: 0 }, utterance_id: 'u-2', text: 'お座りしてください 🐕', language: 'ja', confidence: 0.9, is_final: true, source: 'asr' });
    await waitFor(() => h.responses.length === 2, 'two responses');
    const byId = new Map(h.responses.map((r) => [r.utterance_id, r]));
    expect(byId.get('u-1')!.text).to.equal('你好 Go2');
    expect(byId.get('u-1')!.reply).to.equal('你好！我是 Go2 🐕');
    expect(byId.get('u-1')!.language).to.equal('zh');
    expect(byId.get('u-2')!.text).to.equal('お座りしてください 🐕');
    expect(byId.get('u-2')!.language).to.equal('ja');
    // the audit log (JSONL) keeps the text and reply byte for byte
    await waitFor(() => existsSync(auditPath) && readFileSync(auditPath, 'utf8').trim().split('\n').length >= 2, 'two audit lines');
    const lines = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.input).sort()).to.deep.equal(['お座りしてください 🐕', '你好 Go2']);
    expect(lines.find((l) => l.input === '你好 Go2').reply).to.equal('你好！我是 Go2 🐕');
    // and a log line that quotes user text keeps it intact
    h.sim!.setMode('garbage');
    await h.app.pipeline.handle({ text: 'お座りしてください 🐕 你好 Go2?', origin: 'cli' });
    const failed = logger.lines.find((l) => l.msg.startsWith('LLM path failed'));
    expect(failed?.fields?.text).to.equal('お座りしてください 🐕 你好 Go2?');
  });

  it('the same utterance_id arriving twice executes once', async () => {
    h = await startHarness();
    const speech = h.peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, '/claudia/speech');
    const msg = { stamp: { sec: 0, nanosec: 0 }, utterance_id: 'same-1', text: '座って', language: 'ja', confidence: 0.9, is_final: true, source: 'asr' };
    speech.publish(msg);
    speech.publish(msg);
    await waitFor(() => h.responses.length >= 1, 'the response');
    await new Promise((r) => setTimeout(r, 100));
    expect(h.go2.apiIds()).to.deep.equal([1004, 1009]);
    expect(h.responses).to.have.length(1);
  });

  it('stop epoch: an LLM call in flight when a stop arrives is aborted, executes nothing, and its reply does not announce the action', async () => {
    h = await startHarness({
      simProfile: { ...FIXED_PROFILE, fixedServiceMs: 400 },
      script: [{ match: '疲れたからちょっと休もうか', content: { a: ['lie_down'], r: '伏せます。' } }],
    });
    const pending = call({ text: '疲れたからちょっと休もうか' });
    await waitFor(() => h.sim!.stats().chat === 1, 'the LLM call to start');
    say('止まって！');
    const res = await pending;
    // The stop aborted the call (it no longer runs to its end holding a slot): nothing of its answer is known, nothing runs.
    expect(res.error).to.match(/^E_ABORTED: the LLM call was aborted by an emergency stop/);
    expect(res.actions.filter((a) => a.verdict !== 'dropped:superseded_by_stop')).to.deep.equal([]);
    await waitFor(() => h.sim!.stats().aborted === 1, 'the simulator to see the abort');
    // From config/actions.yaml blocked_replies.superseded_by_stop, not the LLM's 伏せます。
    expect(res.reply).to.equal('止まれと言われたので、やめておきます。');
    expect(h.go2.apiIds()).to.deep.equal([1003]);
  });

  it('coalesced identical requests make one LLM call and move the robot once', async () => {
    h = await startHarness({
      simProfile: { ...FIXED_PROFILE, fixedServiceMs: 200 },
      script: [{ match: 'ボール遊びしたら休憩してね', content: { a: ['lie_down'], r: '伏せて休みます。' } }],
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => call({ text: 'ボール遊びしたら休憩してね' })));
    expect(h.sim!.stats().chat).to.equal(1);
    expect(answers.every((a) => a.reply === '伏せて休みます。')).to.equal(true);
    const executed = answers.filter((a) => a.actions.some((x) => x.verdict === 'ok'));
    expect(executed).to.have.length(1);
    for (const a of answers.filter((x) => x !== executed[0])) {
      expect(a.actions.map((x) => x.verdict)).to.deep.equal(['dropped:coalesced', 'dropped:coalesced']);
    }
    expect(h.go2.apiIds()).to.deep.equal([1004, 1005]);
  });

  it('reflex-only mode: no LLM configured -> reflexes answer, the rest gets a fallback with E_LLM_UNAVAILABLE', async () => {
    h = await startHarness({ withLlm: false });
    const sit = await call({ text: '座って' });
    expect(sit.source).to.equal('reflex');
    const chat = await call({ text: '今日の調子はどう？' });
    expect(chat.source).to.equal('fallback');
    expect(chat.error).to.match(/^E_LLM_UNAVAILABLE/);
  });
});
