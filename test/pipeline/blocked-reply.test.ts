import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configWith } from '../../src/config/load';
import { replyForPlan } from '../../src/pipeline/blocked-reply';
import type { PipelineEvent, QueryInput } from '../../src/pipeline/types';
import { loadCatalogue, parseCatalogue } from '../../src/robot/catalogue';
import { startHarness, type Harness } from '../helpers/app-harness';

const config = configWith({});
const catalogue = loadCatalogue(config.robot.actions_file);
const blocked = (parseYaml(readFileSync(config.robot.actions_file, 'utf8')) as { blocked_replies: Record<string, Record<'ja' | 'zh' | 'en', string>> }).blocked_replies;

function input(text: string, extra: Partial<QueryInput> = {}): QueryInput {
  return { text, origin: 'cli', ...extra };
}

/** Every reply text a listener heard for one request (streamed deltas and replacements, and the final one). */
function heardReplies(events: PipelineEvent[]): string[] {
  return events.filter((e) => e.type === 'reply' || (e.type === 'stage' && e.stage === 'done')).map((e) => e.reply);
}

describe('a reply never announces an action that did not pass the safety compiler (every source)', function () {
  this.timeout(20_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reflex: フリップして with high-risk actions off says, in Japanese, that it cannot and why; nothing is published', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' }, cache: { redis_enabled: false } } });
    const events: PipelineEvent[] = [];
    const rec = await h.app.pipeline.handle(input('フリップして', { confidence: 0.99 }), { onEvent: (e) => events.push(e) });
    expect(rec.source).to.equal('reflex');
    expect(rec.actions.map((a) => `${a.name} ${a.verdict}`)).to.deep.equal(['front_flip blocked:high_risk_disabled']);
    expect(rec.reply).to.equal('すみません、それはできません。危険な動きはオフになっています。');
    expect(rec.reply).to.equal(blocked['high_risk_disabled']?.ja);
    expect(rec.language).to.equal('ja');
    for (const said of heardReplies(events)) expect(said).to.not.contain('前宙');
    expect(h.go2.apiIds()).to.not.include(1030);
  });

  it('reflex in English and Chinese: the refusal is in the language of the request', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' }, cache: { redis_enabled: false } } });
    expect((await h.app.pipeline.handle(input('do a flip'))).reply).to.equal(blocked['high_risk_disabled']?.en);
    expect((await h.app.pipeline.handle(input('前空翻'))).reply).to.equal(blocked['high_risk_disabled']?.zh);
  });

  it('LLM: the model says "前宙します！" but the flip is blocked: its words are neither streamed nor sent', async () => {
    h = await startHarness({
      config: { robot: { initial_posture: 'standing' }, cache: { redis_enabled: false } },
      script: [{ regex: 'アクロバット', content: { a: [{ n: 'front_flip' }], r: '前宙します！いきますよ！' } }],
    });
    const events: PipelineEvent[] = [];
    const rec = await h.app.pipeline.handle(input('何かアクロバットを見せてくれる？', { language: 'ja' }), { onEvent: (e) => events.push(e) });
    expect(rec.source).to.equal('llm');
    expect(rec.actions.map((a) => a.verdict)).to.deep.equal(['blocked:high_risk_disabled']);
    expect(rec.reply).to.equal(blocked['high_risk_disabled']?.ja);
    expect(heardReplies(events).length).to.be.greaterThan(0);
    for (const said of heardReplies(events)) expect(said).to.not.contain('前宙');
  });

  it('LLM: of "stand up and flip" the stand-up is announced from the catalogue, the flip refused with its reason', async () => {
    h = await startHarness({
      config: { robot: { initial_posture: 'sitting' }, cache: { redis_enabled: false } },
      script: [{ regex: 'acrobat', content: { a: [{ n: 'stand_up' }, { n: 'front_flip' }], r: 'Standing up and flipping, watch this!' } }],
    });
    const rec = await h.app.pipeline.handle(input('be an acrobat for me, stand and then flip over please', { language: 'en' }));
    expect(rec.actions.map((a) => `${a.name} ${a.verdict}`)).to.deep.equal(['stand_up ok', 'front_flip blocked:high_risk_disabled']);
    expect(rec.reply).to.equal(`${catalogue.byName('stand_up')?.replies.en} ${blocked['high_risk_disabled']?.en}`);
    expect(h.go2.apiIds()).to.include(1004).and.not.include(1030);
  });

  it('cache: an answer cached when the flip was allowed is refused when the confidence is just below the threshold, not at it', async () => {
    h = await startHarness({
      config: { robot: { initial_posture: 'standing' }, safety: { enable_high_risk: true, high_risk_min_confidence: 0.85 }, cache: { redis_enabled: false } },
      script: [{ regex: 'acrobatic', content: { a: [{ n: 'front_flip' }], r: 'Front flip, here I go!' } }],
    });
    const text = 'show me something acrobatic please';
    const first = await h.app.pipeline.handle(input(text, { language: 'en', confidence: 0.85 }));
    expect(first.source).to.equal('llm');
    expect(first.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(first.reply, 'an action that passed keeps the proposer\'s words').to.equal('Front flip, here I go!');
    const below = await h.app.pipeline.handle(input(text, { language: 'en', confidence: 0.849 }));
    expect(below.source).to.equal('cache');
    expect(below.actions.map((a) => a.verdict)).to.deep.equal(['blocked:low_confidence']);
    expect(below.reply).to.equal(blocked['low_confidence']?.en);
    const unscored = await h.app.pipeline.handle(input(text, { language: 'en' }));
    expect(unscored.source).to.equal('cache');
    expect(unscored.reply).to.equal(blocked['unscored_input']?.en);
    const at = await h.app.pipeline.handle(input(text, { language: 'en', confidence: 0.85 }));
    expect(at.source).to.equal('cache');
    expect(at.reply).to.equal('Front flip, here I go!');
  });
});

describe('replyForPlan (the catalogue composes a refusal)', () => {
  it('keeps the proposed reply when every action passed (ok or inserted)', () => {
    const actions = [{ name: 'stand_up', api_id: 1004, parameter: '{}', verdict: 'inserted' }, { name: 'hello', api_id: 1016, parameter: '{}', verdict: 'ok' }];
    expect(replyForPlan('Hi there!', actions, catalogue, 'en')).to.equal('Hi there!');
    expect(replyForPlan('', [], catalogue, 'en')).to.equal('');
  });

  it('a reason the file does not list gets the default entry; a stop-superseded action says so', () => {
    const unlisted = [{ name: 'dance1', api_id: 1022, parameter: '{}', verdict: 'blocked:some_future_reason' }];
    expect(replyForPlan('Dancing!', unlisted, catalogue, 'ja')).to.equal(blocked['default']?.ja);
    const superseded = [{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'dropped:superseded_by_stop' }];
    expect(replyForPlan('Sitting.', superseded, catalogue, 'en')).to.equal(blocked['superseded_by_stop']?.en);
    const coalesced = [{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'dropped:coalesced' }];
    expect(replyForPlan('Sitting.', coalesced, catalogue, 'en'), 'a coalesced follower shares a run that happened').to.equal('Sitting.');
  });

  it('one sentence per refusal reason, not per refused action', () => {
    const two = [
      { name: 'front_flip', api_id: 1030, parameter: '{}', verdict: 'blocked:high_risk_disabled' },
      { name: 'back_flip', api_id: 1044, parameter: '{}', verdict: 'blocked:high_risk_disabled' },
      { name: 'fly', api_id: 0, parameter: '{}', verdict: 'blocked:unknown_action' },
    ];
    expect(replyForPlan('x', two, catalogue, 'zh')).to.equal(`${blocked['high_risk_disabled']?.zh}${blocked['unknown_action']?.zh}`);
  });

  it('a catalogue without blocked_replies, or with one missing a language, is refused at load', () => {
    const base = readFileSync(config.robot.actions_file, 'utf8');
    const without = base.replace(/^blocked_replies:\n( .*\n)+/m, '');
    expect(() => parseCatalogue(without)).to.throw(/blocked_replies:' with at least a 'default' entry/);
    const noZh = base.replace(/(\n {2}default: +\{ ja: "[^"]*", )zh: "[^"]*", /, '$1');
    expect(() => parseCatalogue(noZh)).to.throw(/blocked_replies\.default\.zh is missing/);
  });
});
