import { expect } from 'chai';
import { createPromptBuilder, createSessionMemory, PROMPT_TYPES, PROMPT_VERSION, TEMPLATES, chooseTemplate, estimateTokens, splitLanguageTag } from '../../src/prompt';
import { conformToSchema, validatesAgainst } from '../../src/llm/simulator';
import { analyse } from '../../src/lang';
import { laneFor } from '../../src/sched';
import { catalogue, llmConfig, request } from '../llm/llm-fixtures';

describe('prompt/builder: templates, byte-stable prefix, budgets, schema', () => {
  const cat = catalogue();
  const config = llmConfig(['http://x']);
  const b = createPromptBuilder({ config, catalogue: cat });

  it('system prompt is byte-identical for every request of a template; the utterance comes last', () => {
    const p1 = b.build(request('座って'));
    const p2 = b.build(request('立って'));
    expect(p1.promptType).to.equal('command');
    expect(p1.messages[0]?.content).to.equal(p2.messages[0]?.content);
    expect(p1.messages).to.have.length(2);
    const last = splitLanguageTag(p1.messages[1]?.content ?? '');
    expect(last).to.deep.equal({ utterance: '座って', language: 'ja' });
  });

  it('one runner configuration (num_ctx/num_batch/num_gpu) for every template; sampling differs', () => {
    const runner = new Set<string>();
    const sampling = new Set<string>();
    for (const t of PROMPT_TYPES) {
      const p = b.build(request('hello there', { promptType: t }));
      runner.add(JSON.stringify([p.options.num_ctx, p.options.num_batch, p.options.num_gpu]));
      sampling.add(JSON.stringify([p.options.temperature, p.options.top_p, p.options.num_predict]));
      expect(p.keepAlive).to.equal(config.ollama.keep_alive);
    }
    expect([...runner]).to.deep.equal([JSON.stringify([config.ollama.num_ctx, config.ollama.num_batch, config.ollama.num_gpu])]);
    expect(sampling.size).to.equal(4);
  });

  it('truncates long input to the template budget with a visible marker', () => {
    const long = 'あ'.repeat(1500);
    const p = b.build(request(long, { promptType: 'command' }));
    expect(p.truncated).to.equal(true);
    const { utterance } = splitLanguageTag(p.messages.at(-1)?.content ?? '');
    expect(utterance).to.match(/…\[truncated: kept \d+ of 1500 chars\]$/);
    expect(estimateTokens(utterance.replace(/…\[.*$/, ''))).to.be.at.most(TEMPLATES.command.inputBudgetTokens);
    expect(b.build(request('座って')).truncated).to.equal(false);
  });

  it('replies in the user language: the tag follows the analysed language, default when unknown', () => {
    expect(b.build(request('你好')).language).to.equal('zh');
    expect(b.build(request('sit down please')).language).to.equal('en');
    expect(b.build(request('停止', { language: 'ja' })).language).to.equal('ja');
    expect(b.build(request('1234')).language).to.equal(config.language.default);
  });

  it('the output schema lists actions first, its enum is the catalogue, and params are possible', () => {
    const schema = b.schema('command');
    expect(Object.keys(schema['properties'] as object)).to.deep.equal(['a', 'r']);
    const good = { a: ['sit', { n: 'forward', distance_m: 1 }], r: '進みます' };
    expect(validatesAgainst(good, schema)).to.equal(true);
    expect(validatesAgainst({ a: ['moonwalk'], r: 'x' }, schema)).to.equal(false);
    // Number bounds are not grammar (llama.cpp ignores them on numbers): the safety compiler refuses 99 m.
    expect(validatesAgainst({ a: [{ n: 'forward', distance_m: 99 }], r: 'x' }, schema)).to.equal(true);
    // Each action carries only its own parameters; integer bounds are grammar.
    expect(validatesAgainst({ a: [{ n: 'sit', distance_m: 1 }], r: 'x' }, schema)).to.equal(false);
    expect(validatesAgainst({ a: [{ n: 'speed_level', data: 1 }], r: 'x' }, schema)).to.equal(true);
    expect(validatesAgainst({ a: [{ n: 'speed_level', data: 2 }], r: 'x' }, schema)).to.equal(false);
    expect(validatesAgainst({ a: ['wiggle_hips'], r: 'x' }, schema)).to.equal(false); // disabled in the catalogue
    const items = (schema['properties'] as Record<string, { items: { anyOf: Array<{ enum?: string[] }> } }>)['a']?.items.anyOf[0];
    expect(items?.enum).to.deep.equal(cat.names());
    // A constrained model (the simulator) keeps only what the schema allows.
    expect(conformToSchema({ a: ['sit', 'moonwalk'], r: 'x' }, schema, '')).to.deep.equal({ a: ['sit'], r: 'x' });
    expect(Object.keys(b.schema('emergency')['properties'] as object)).to.deep.equal(['r']);
  });

  it('chooses templates automatically, or by prompt_type, and maps them to lanes', () => {
    const pick = (t: string) => chooseTemplate(analyse(t));
    expect(pick('座って')).to.equal('command');
    expect(pick('2メートル前に進んで')).to.equal('command');
    expect(pick('turn left 90 degrees')).to.equal('command');
    expect(pick('向前走两米')).to.equal('command');
    expect(pick('助けて！')).to.equal('emergency');
    expect(pick('watch out!')).to.equal('emergency');
    expect(pick('バッテリーの残量は？')).to.equal('technical');
    expect(pick('how does the ROS 2 topic work')).to.equal('technical');
    expect(pick('今日はいい天気だね')).to.equal('dialog');
    expect(pick('なぜ座るの？')).to.equal('dialog');
    expect(b.build(request('座って', { promptType: 'technical' })).promptType).to.equal('technical');
    expect(laneFor(0, 'emergency')).to.equal('urgent');
    expect(laneFor(0, 'command')).to.equal('high');
    expect(laneFor(0, 'dialog')).to.equal('medium');
    expect(laneFor(0, 'technical')).to.equal('low');
    expect(laneFor(4, 'command')).to.equal('low');
    expect(laneFor(1, 'technical')).to.equal('urgent');
  });

  it('prompt.default_type applies when the request names no template', () => {
    const b2 = createPromptBuilder({ config: llmConfig(['x'], { prompt: { default_type: 'dialog' } }), catalogue: cat });
    expect(b2.build(request('座って')).promptType).to.equal('dialog');
  });

  it('coalesce key: same prompt+template+model -> same key; differs otherwise', () => {
    const k = (t: string, o = {}) => b.build(request(t, o)).coalesceKey;
    expect(k('座って')).to.equal(k('座って'));
    expect(k('座って')).to.not.equal(k('立って'));
    expect(k('座って')).to.not.equal(k('座って', { promptType: 'dialog' }));
    const other = createPromptBuilder({ config: llmConfig(['x'], { ollama: { model: 'other:7b' } }), catalogue: cat });
    expect(other.build(request('座って')).coalesceKey).to.not.equal(k('座って'));
  });

  it('session memory: bounded turns and sessions; a request that uses history has no coalesce key', () => {
    const sessions = createSessionMemory({ turnsPerSession: 2, maxSessions: 2 });
    const sb = createPromptBuilder({ config, catalogue: cat, sessions });
    expect(sb.build(request('座って', { sessionId: 's' })).usedSession).to.equal(false);
    for (let i = 0; i < 3; i++) sessions.remember('s', { user: `u${i}`, assistant: `{"a":[],"r":"r${i}"}` });
    const p = sb.build(request('立って', { sessionId: 's' }));
    expect(p.usedSession).to.equal(true);
    expect(p.coalesceKey).to.equal(undefined);
    expect(p.messages.map((m) => m.role)).to.deep.equal(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(p.messages[1]?.content).to.equal('u1'); // oldest turn dropped
    sessions.remember('t', { user: 'x', assistant: 'y' });
    sessions.remember('v', { user: 'x', assistant: 'y' });
    expect(sessions.size()).to.equal(2);
    expect(sessions.turns('s')).to.deep.equal([]); // least recently used session dropped
    expect(createSessionMemory({ turnsPerSession: 0, maxSessions: 5 }).turns('s')).to.deep.equal([]);
  });

  it('PROMPT_VERSION is a stable short hash', () => {
    expect(PROMPT_VERSION).to.match(/^[0-9a-f]{12}$/);
  });
});
