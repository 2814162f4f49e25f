import { expect } from 'chai';
import { createAnalysers } from '../../../src/cache/semantic/analysers';
import { evaluatePairs, type Pair } from '../../../src/cache/semantic/pair-eval';

/**
 * The semantic cache folds one known command said another way (synonym, word order, kana or
 * contraction) to one second key, and every guard still holds. Pairs written for this rule.
 */
describe('cache/semantic: one command said another way', () => {
  const analysers = createAnalysers();
  const run = (pairs: Array<Omit<Pair, 'kind'> & { kind?: string }>) =>
    evaluatePairs(pairs.map((p) => ({ kind: 'synonym', ...p })) as Pair[], { analysers, threshold: 0.86, useHint: true });

  it('synonyms and word orders of one command share an answer', () => {
    const out = run([
      { a: 'take a bow', b: 'bow', same: true, lang: 'en' },
      { a: 'two meters forward', b: 'forward two meters', same: true, lang: 'en' },
      { a: '趴下', b: '卧倒', same: true, lang: 'zh' },
      { a: 'stop', b: 'halt', same: true, lang: 'en' },
      { a: 'turn ninety degrees to the left', b: 'turn left ninety degrees', same: true, lang: 'en' },
    ]);
    for (const o of out) expect(o.hit, `${o.pair.a} / ${o.pair.b} (${o.guard})`).to.equal(true);
  });

  it('synonyms the grammar reads as one intent pass the action, direction and entity guards', () => {
    const out = run([
      { a: '站起来', b: '起立', same: true, lang: 'zh' },
      { a: 'lie down', b: 'get down', same: true, lang: 'en' },
      { a: 'バク転して', b: '後ろに宙返りして', same: true, lang: 'ja' },
      { a: 'go back a bit', b: 'back up a little', same: true, lang: 'en' },
      { a: 'jump', b: 'jump now', same: true, lang: 'en' },
      { a: '鞠个躬', b: '鞠躬', same: true, lang: 'zh' },
      { a: 'turn left 90', b: 'turn left ninety degrees', same: true, lang: 'en' },
      { a: '往前走一米五', b: '往前走1.5米', same: true, lang: 'zh' },
    ]);
    for (const o of out) expect(o.hit, `${o.pair.a} / ${o.pair.b} (${o.guard})`).to.equal(true);
  });

  it('an equal intent still needs the same degree word and speed; a different intent keeps every guard', () => {
    const out = run([
      { a: '左にちょっと寄って', b: '左に寄って', same: false, lang: 'ja' },
      { a: 'go back a bit', b: 'go back', same: false, lang: 'en' },
      { a: 'turn left 90', b: 'turn left 45', same: false, lang: 'en' },
      { a: 'バク転して', b: '前に宙返りして', same: false, lang: 'ja' },
      { a: '往前走一米五', b: '往前走一米', same: false, lang: 'zh' },
      { a: 'walk forward slowly', b: 'walk forward', same: false, lang: 'en' },
    ]);
    for (const o of out) expect(o.hit, `${o.pair.a} / ${o.pair.b}`).to.equal(false);
  });

  it('negation, question, direction, amount and language guards still refuse', () => {
    const out = run([
      { a: 'sit down', b: "don't sit down", same: false, lang: 'en' },
      { a: 'sit down', b: 'do you know how to sit down', same: false, lang: 'en' },
      { a: 'sidestep left', b: 'sidestep right', same: false, lang: 'en' },
      { a: 'two meters forward', b: 'forward three meters', same: false, lang: 'en' },
      { a: 'お手', b: 'おかわり', same: false, lang: 'ja' },
      { a: '坐下', b: 'sit down', same: false, lang: 'zh' },
    ]);
    for (const o of out) expect(o.hit, `${o.pair.a} / ${o.pair.b}`).to.equal(false);
  });
});
