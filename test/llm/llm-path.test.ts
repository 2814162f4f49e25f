import { expect } from 'chai';
import { createLlmDecider, type FullLlmDecider } from '../../src/llm';
import { commonPrefixLength, createOllamaSimulator, JETSON_PROFILE, type OllamaSimulator } from '../../src/llm/simulator';
import { createPromptBuilder } from '../../src/prompt';
import type { Decision, Proposal } from '../../src/pipeline/types';
import { createSystemClock } from '../../src/util/clock';
import type { ClaudiaError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sig = () => new AbortController().signal;
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: ClaudiaError) => e.code as string);

describe('llm path: coalescing, supersede, backpressure, streaming, prefix reuse, session memory (simulator over HTTP)', () => {
  let sim: OllamaSimulator;
  let llm: FullLlmDecider;

  async function start(o: { extra?: Parameters<typeof llmConfig>[1]; sim?: Parameters<typeof createOllamaSimulator>[0] } = {}) {
    sim = createOllamaSimulator({
      profile: 'fast',
      script: [
        { match: '座って', content: { a: ['sit'], r: '座ります' } },
        { match: '立って', content: { a: ['stand_up'], r: '立ちます' } },
        { match: 'お手', content: { a: ['hello'], r: 'お手！' } },
        { match: 'long reply', content: { a: ['hello', 'sit'], r: 'This is a long reply. '.repeat(6) } },
      ],
      ...o.sim,
    });
    const url = await sim.listen();
    llm = createLlmDecider({ config: llmConfig([url], o.extra), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger() });
  }

  afterEach(async () => {
    await llm?.close();
    await sim?.close();
  });

  it('50 identical concurrent requests -> exactly 1 simulator call, all 50 answered', async () => {
    await start();
    const all = await Promise.all(Array.from({ length: 50 }, () => llm.decide(request('座って'), { signal: sig() })));
    expect(sim.stats().chat).to.equal(1);
    expect(all.every((d) => d.actions[0]?.name === 'sit' && d.reply === '座ります')).to.equal(true);
    expect(all.filter((d) => d.detail?.coalesced === false)).to.have.length(1);
    expect(all.filter((d) => d.detail?.coalesced === true)).to.have.length(49);
  });

  it('different utterances are not coalesced', async () => {
    await start();
    await Promise.all(['座って', '立って', 'お手'].map((t) => llm.decide(request(t), { signal: sig() })));
    expect(sim.stats().chat).to.equal(3);
  });

  it('supersede: a newer command of the same session aborts the older one\'s HTTP stream', async () => {
    // Slow decode so the first command is still streaming when the second arrives.
    await start({ sim: { profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 100 }, slots: 4 } });
    const first = codeOf(llm.decide(request('long reply', { sessionId: 's1', promptType: 'command' }), { signal: sig() }));
    while (sim.stats().chat < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    const second = await llm.decide(request('座って', { sessionId: 's1' }), { signal: sig() });
    expect(await first).to.equal('E_SUPERSEDED');
    expect(second.actions).to.deep.equal([{ name: 'sit' }]);
    // The simulator saw the first stream's client go away before its end.
    for (let i = 0; i < 50 && sim.stats().aborted < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats().aborted).to.equal(1);
    expect(sim.stats().completed).to.equal(1);
  });

  it('a full dialog/technical lane answers busy at once; commands still queue and get answered', async () => {
    await start({ sim: { profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 2000 }, slots: 1 }, extra: { ollama: { num_parallel: 1 }, sched: { lane_max_medium: 1, lane_max_low: 1, lane_max_high: 1, reserve_slot_for_high: false } } });
    const texts = ['今日はどう', '昨日は何した', '好きな色は'];
    const dialogs = texts.map((t) => codeOf(llm.decide(request(t, { promptType: 'dialog' }), { signal: sig() })));
    const technical = ['battery 1', 'battery 2', 'battery 3'].map((t) => codeOf(llm.decide(request(t, { promptType: 'technical' }), { signal: sig() })));
    const commands = ['座って', '立って', 'お手'].map((t) => codeOf(llm.decide(request(t, { promptType: 'command' }), { signal: sig() })));
    const d = await Promise.all(dialogs);
    const t = await Promise.all(technical);
    const c = await Promise.all(commands);
    expect(d.filter((x) => x === 'E_QUEUE_FULL').length).to.be.greaterThan(0);
    expect(t.filter((x) => x === 'E_QUEUE_FULL').length).to.be.greaterThan(0);
    expect(c).to.deep.equal(['ok', 'ok', 'ok']);
  });

  it('streams the first action before the reply has finished streaming', async () => {
    await start({ sim: { profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 400 } } });
    let completedAtActions = -1;
    let actions: Proposal[] | undefined;
    let decided = false;
    const d: Decision = await llm.decide(request('long reply'), {
      signal: sig(),
      onActions: (a) => {
        actions = a;
        completedAtActions = sim.stats().completed;
        expect(decided).to.equal(false);
      },
    });
    decided = true;
    expect(actions).to.deep.equal([{ name: 'hello' }, { name: 'sit' }]);
    expect(completedAtActions).to.equal(0); // the simulator was still generating the reply
    expect(d.detail?.ttfaMs).to.be.lessThan(d.detail?.llmMs as number);
    expect(d.reply).to.contain('long reply');
  });

  it('prefix reuse: same template shares the whole system prompt, a template switch still shares the common head', async () => {
    await start({ extra: { ollama: { num_parallel: 1 } }, sim: { slots: 1 } });
    const builder = createPromptBuilder({ config: llmConfig(['x']), catalogue: catalogue() });
    const commandSystem = builder.systemPrompt('command');
    const dialogSystem = builder.systemPrompt('dialog');
    const headLen = commonPrefixLength(commandSystem, dialogSystem);
    expect(headLen).to.be.greaterThan(0.8 * commandSystem.length);
    const shared: number[] = [];
    for (const t of ['座って', '立って', '今日はいい天気だね', 'お手']) {
      const before = sim.stats().sharedPrefixChars;
      await llm.decide(request(t), { signal: sig() });
      shared.push(sim.stats().sharedPrefixChars - before);
    }
    expect(shared[0]).to.equal(0); // cold slot
    expect(shared[1]).to.be.greaterThan(commandSystem.length); // command after command
    expect(shared[2]).to.be.within(headLen, dialogSystem.length); // dialog after command: the common head
    expect(shared[3]).to.be.within(headLen, commandSystem.length); // command after dialog
    expect(sim.stats().loads).to.equal(1); // one runner configuration for every template
  });

  it('warm-up loads the model with the inference runner options (no reload afterwards) and status reports it', async () => {
    await start();
    const before = llm.statusSources().find((s) => s.component === 'ollama')?.status();
    await llm.warmup();
    const after = llm.statusSources().find((s) => s.component === 'ollama')?.status();
    expect(after?.values['model_state']).to.equal('loaded');
    await llm.decide(request('立って'), { signal: sig() });
    await llm.decide(request('what is the battery voltage?'), { signal: sig() });
    expect(sim.stats().loads).to.equal(1);
    expect(sim.stats().reloadsForOptions).to.equal(0);
    expect(before?.values['model_state']).to.not.equal('loaded');
    sim.evict();
    await new Promise((r) => setTimeout(r, 150)); // health probe (50 ms) reads /api/ps
    const evicted = llm.statusSources().find((s) => s.component === 'ollama')?.status();
    expect(evicted?.values['model_state']).to.equal('evicted');
    expect(evicted?.level).to.equal('warn');
  });

  it('session memory: later turns see history, are never cached or coalesced', async () => {
    await start({ extra: { prompt: { session_memory_turns: 2, session_max: 4 } } });
    const first = await llm.decide(request('座って', { sessionId: 'sx' }), { signal: sig() });
    expect(first.detail?.usedSession).to.equal(false);
    const again = await Promise.all([llm.decide(request('立って', { sessionId: 'sx' }), { signal: sig() }), llm.decide(request('立って', { sessionId: 'sx2' }), { signal: sig() })]);
    expect(again[0].detail?.usedSession).to.equal(true);
    expect(again[0].cacheable).to.equal(false);
    expect(again[0].detail?.coalesced).to.equal(false);
    expect(again[1].detail?.usedSession).to.equal(false);
    expect(again[1].cacheable).to.equal(true);
    // sx with history and sx2 without: two different prompts, two calls.
    expect(sim.stats().chat).to.equal(3);
  });

  it('1-slot host: a command preempts a running technical answer (its stream is aborted) and the technical one completes later', async () => {
    const slow = { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 300 };
    await start({ sim: { profile: slow, slots: 1, script: [{ match: 'explain the battery', content: { a: [], r: 'The battery is fine. '.repeat(8) } }, { match: '座って', content: { a: ['sit'], r: '座ります' } }] }, extra: { ollama: { num_parallel: 1 } } });
    const order: string[] = [];
    const tech = llm.decide(request('explain the battery', { promptType: 'technical' }), { signal: sig() }).then((d) => (order.push('technical'), d));
    while (sim.stats().chat < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 40));
    const cmd = await llm.decide(request('座って'), { signal: sig() });
    order.push('command');
    expect(cmd.actions).to.deep.equal([{ name: 'sit' }]);
    const t = await tech;
    expect(t.reply).to.contain('battery');
    expect(order).to.deep.equal(['command', 'technical']);
    expect(llm.inspect().sched.preempted).to.equal(1);
    expect(sim.stats().aborted).to.equal(1);
    expect(sim.stats().completed).to.equal(2);
  });

  it('4-slot host with a reserved slot: technical work never occupies the last slot', async () => {
    const slow = { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 200 };
    await start({ sim: { profile: slow, slots: 4 } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => llm.decide(request(`battery question ${i}`, { promptType: 'technical' }), { signal: sig() })));
    expect(sim.stats().maxConcurrent).to.equal(3);
  });

  it('emergencyReply uses the emergency template in the urgent lane and returns only a reply', async () => {
    await start({ sim: { script: [{ match: '助けて', content: { r: '止まりました。大丈夫ですか？' } }] } });
    const reply = await llm.emergencyReply?.(request('助けて'), { signal: sig() });
    expect(reply).to.equal('止まりました。大丈夫ですか？');
    const d = await llm.decide(request('危ない!'), { signal: sig() });
    expect(d.detail?.promptType).to.equal('emergency');
    expect(d.actions).to.deep.equal([]);
    expect(d.cacheable).to.equal(false);
  });
});
