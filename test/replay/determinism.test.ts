import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { compareExpectations, parseExpectations, decodeBagPayload, openBag, outputSignature, replayTopics, writeConversationBag } from '../../src/bag';
import { loadMessageRegistry } from '../../src/cdr';
import { runReplay } from '../../src/cli/replay';
import { configWith } from '../../src/config/load';
import type { LlmResponseMsg } from '../../src/ros/messages';
import { createSilentLogger } from '../../src/util/logger';
import { tempBagDirs } from '../bag/helpers';
import { loadConversation } from './run-conversation';

describe('replay determinism and the output bag', function () {
  this.timeout(60_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());
  const registry = loadMessageRegistry();

  async function replayMixed(outDir?: string, rate = 0) {
    const { conv } = loadConversation('mixed-languages');
    const config = configWith(conv.config ?? {});
    const bag = dirs.next('in');
    writeConversationBag({ dir: bag, turns: conv.turns, registry, topics: replayTopics(config) });
    return runReplay({ bagDir: bag, outDir, config, rate, clock: 'virtual', tailMs: 10_000, llm: { script: conv.sim_script ?? [] }, robot: { latencyMs: 20 }, logger: createSilentLogger() });
  }

  it('the same bag and config give the same outputs (topic, order, api_id, parameter, actions), LLM path included', async () => {
    const a = await replayMixed();
    const b = await replayMixed();
    const sa = outputSignature(a.outputs);
    expect(sa.length).to.be.greaterThan(10);
    expect(sa.some((l) => l.includes('/api/sport/request 1008'))).to.equal(true); // a Move stream is part of it
    expect(outputSignature(b.outputs)).to.deep.equal(sa);
  });

  it('the output bag holds exactly what the node published, decodable, with int64 fields intact', async () => {
    const out = dirs.next('out');
    const res = await replayMixed(out);
    const r = openBag(out);
    try {
      const topics = new Map(r.topics().map((t) => [t.name, t]));
      const responses: LlmResponseMsg[] = [];
      const sport: number[] = [];
      let i = 0;
      let last = -1n;
      for (const m of r.messages({ topics: ['/claudia/response', '/api/sport/request'] })) {
        expect(m.timestamp >= last).to.equal(true);
        last = m.timestamp;
        const t = topics.get(m.topic)!;
        if (m.topic === '/claudia/response') responses.push(decodeBagPayload<LlmResponseMsg>(registry, t, m.data, i++));
        else sport.push(Number(decodeBagPayload<{ header: { identity: { api_id: bigint } } }>(registry, t, m.data, i++).header.identity.api_id));
      }
      expect(sport).to.deep.equal(res.sportApiIds);
      expect(responses.map((x) => x.text)).to.deep.equal(res.outputs.flatMap((o) => (o.response ? [o.response.text] : [])));
      expect(responses.map((x) => x.actions.map((a) => typeof a.api_id))).to.satisfy((l: string[][]) => l.flat().every((t) => t === 'bigint'));
      // Output timestamps follow the input bag's timeline (virtual wall clock starts at its first message).
      expect(r.summary.metadata.starting_time_ns >= 1_764_000_000_000_000_000n).to.equal(true);
    } finally {
      r.close();
    }
  });

  it('the output bag is itself replayable and leads to the same outputs', async () => {
    const { conv } = loadConversation('mixed-languages');
    const config = configWith(conv.config ?? {});
    const out = dirs.next('first-out');
    const first = await replayMixed(out);
    const again = await runReplay({ bagDir: out, config, rate: 0, clock: 'virtual', tailMs: 10_000, llm: { script: conv.sim_script ?? [] }, robot: { latencyMs: 20 }, logger: createSilentLogger() });
    expect(again.played).to.equal(conv.turns.length);
    expect(outputSignature(again.outputs)).to.deep.equal(outputSignature(first.outputs));
  });

  it('--rate scales recorded gaps in virtual time; --rate 0 keeps them (waiting costs nothing there)', async () => {
    const span0 = (await replayMixed(undefined, 0)).spanMs;
    const span1 = (await replayMixed(undefined, 1)).spanMs;
    const span2 = (await replayMixed(undefined, 2)).spanMs;
    const { conv } = loadConversation('mixed-languages');
    const recorded = conv.turns.at(-1)!.atMs;
    expect(span0).to.equal(span1);
    expect(span1).to.equal(recorded + 10_000);
    expect(span2).to.equal(recorded / 2 + 10_000);
  });

  it('time zero is the first played message, even when metadata.yaml has a stale starting_time', async () => {
    const config = configWith({});
    const bag = dirs.next('stale');
    writeConversationBag({ dir: bag, turns: [{ atMs: 0, text: 'sit' }, { atMs: 1500, text: 'STOP' }], registry, topics: replayTopics(config), startNs: 1_764_000_000_000_000_000n });
    const meta = path.join(bag, 'metadata.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace(/nanoseconds_since_epoch: \d+/, 'nanoseconds_since_epoch: 0'));
    const res = await runReplay({ bagDir: bag, config, rate: 1, clock: 'system', tailMs: 1500, llm: 'none', robot: { latencyMs: 5 }, logger: createSilentLogger() });
    expect(res.outcomes.map((o) => o.text)).to.deep.equal(['sit', 'STOP']);
    expect(res.spanMs).to.be.below(60_000); // a stale time zero would have meant waiting decades
  });

  it('the system clock path (real time, rate 0) reaches the same decisions for reflex lines', async () => {
    const config = configWith({ robot: { initial_posture: 'standing' } });
    const bag = dirs.next('sys');
    const turns = ['座れ', 'please stand', 'wave', 'STOP'].map((text, i) => ({ atMs: i * 50, text }));
    writeConversationBag({ dir: bag, turns, registry, topics: replayTopics(config) });
    const res = await runReplay({ bagDir: bag, config, rate: 0, clock: 'system', tailMs: 3000, llm: 'none', robot: { latencyMs: 5 }, logger: createSilentLogger() });
    // Real time: whether an inserted StandUp ran before the stop varies, the decisions do not.
    const exp = parseExpectations(['座れ:sit', 'please stand:stand_up', 'wave:hello', 'STOP:stop'].map((l, index) => JSON.stringify({ index, text: l.split(':')[0], actions: [l.split(':')[1]] })).join('\n'));
    expect(compareExpectations(exp, res.outcomes, res.sportApiIds)).to.deep.equal([]);
  });
});
