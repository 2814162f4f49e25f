import { expect } from 'chai';
import { openBag } from '../../src/bag';
import { tempBagDirs } from '../bag/helpers';
import { loadConversation, replayConversation } from './run-conversation';

const MOVE = 1008;
const STOP = 1003;

describe('replay of scripted conversations (bags from the project writer, expectations per utterance)', function () {
  this.timeout(60_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('sequence: posture prerequisites and an LLM-decided two-step sequence (simulator script)', async () => {
    const { conv, expect: exp } = loadConversation('sequence');
    const run = await replayConversation(conv, exp, { bag: dirs.next('sequence') });
    expect(run.mismatches, run.report).to.deep.equal([]);
  });

  it('emergency stop in the middle of a Move stream, and a stop from a partial ASR result', async () => {
    const { conv, expect: exp } = loadConversation('estop-move');
    const run = await replayConversation(conv, exp, { bag: dirs.next('estop') });
    expect(run.mismatches, run.report).to.deep.equal([]);
    const ids = run.result.sportApiIds;
    // The first stream was cut short: at 10 Hz a 2 s Move sends ~20; the stop came at 0.8 s.
    const firstStop = ids.indexOf(STOP);
    const moves = ids.slice(0, firstStop).filter((id) => id === MOVE).length;
    expect(moves, run.report).to.be.within(1, 10);
    // Nothing moves after the last stop.
    expect(ids.slice(ids.lastIndexOf(STOP)).includes(MOVE), run.report).to.equal(false);
  });

  it('a burst of 50 utterances in one second: each answered with its own decision, robot ends stopped', async () => {
    const { conv, expect: exp } = loadConversation('burst-50');
    expect(conv.turns).to.have.length(50);
    expect(conv.turns.at(-1)!.atMs).to.be.below(1000);
    const run = await replayConversation(conv, exp, { bag: dirs.next('burst') });
    expect(run.mismatches, run.report).to.deep.equal([]);
    expect(run.result.outcomes.every((o) => o.response), run.report).to.equal(true);
    const ids = run.result.sportApiIds;
    expect(ids.at(-1), run.report).to.equal(STOP);
  });

  it('mixed languages (ja/zh/en SpeechText), reflex and simulator-scripted LLM lines', async () => {
    const { conv, expect: exp } = loadConversation('mixed-languages');
    const out = dirs.next('mixed-out');
    const run = await replayConversation(conv, exp, { bag: dirs.next('mixed'), out });
    expect(run.mismatches, run.report).to.deep.equal([]);
    // The output bag holds the played inputs and every output.
    const r = openBag(out);
    try {
      const counts = r.countByTopic();
      expect(counts.get('/claudia/speech')).to.equal(conv.turns.length);
      expect(counts.get('/claudia/response')).to.equal(conv.turns.length);
      expect(counts.get('/api/sport/request')).to.equal(run.result.sportApiIds.length);
    } finally {
      r.close();
    }
  });
});
