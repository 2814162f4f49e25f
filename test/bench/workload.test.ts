import { expect } from 'chai';
import { generateMix, mixComposition, paraphrase } from '../../bench/workload/generator';
import { createRng } from '../../bench/workload/rng';
import { scriptFor } from '../../bench/workload/sim-script';

describe('bench conversation mix', () => {
  const items = generateMix({ count: 2000, seed: 42, burstSize: 20 });

  it('is the same for the same seed and different for another', () => {
    expect(generateMix({ count: 300, seed: 42 })).to.deep.equal(generateMix({ count: 300, seed: 42 }));
    expect(generateMix({ count: 300, seed: 43 }).map((i) => i.text)).to.not.deep.equal(generateMix({ count: 300, seed: 42 }).map((i) => i.text));
  });

  it('has the shares of the issue: 50% repeats, 20% paraphrases, 20% novel, 5% stops, 5% bad input', () => {
    const c = mixComposition(items);
    expect(c.repeat / items.length).to.be.within(0.46, 0.54);
    expect(c.paraphrase / items.length).to.be.within(0.17, 0.23);
    expect(c.novel / items.length).to.be.within(0.17, 0.24);
    expect(c.stop / items.length).to.be.within(0.035, 0.065);
    expect(c.bad / items.length).to.be.within(0.035, 0.065);
    for (const l of ['ja', 'zh', 'en'] as const) expect(c[l], l).to.be.greaterThan(items.length * 0.1);
  });

  it('repeats an earlier utterance word for word; paraphrases change the words, not the meaning; novel ones are new', () => {
    const seen = new Set<string>();
    for (const it of items) {
      if (it.kind === 'repeat') {
        expect(seen.has(it.text), `repeat of something never said: ${it.text}`).to.equal(true);
        expect(items[it.of as number]?.text).to.equal(it.text);
      }
      if (it.kind === 'paraphrase') {
        const src = items[it.of as number];
        expect(src?.text).to.not.equal(it.text);
        expect(src?.meaning).to.deep.equal(it.meaning);
      }
      if (it.kind === 'novel') expect(seen.has(it.text), `"novel" utterance said before: ${it.text}`).to.equal(false);
      seen.add(it.text);
    }
  });

  it('arrives as a Poisson process at the configured rate, plus one burst', () => {
    const mix = generateMix({ count: 3000, seed: 7, ratePerS: 0.5, burstSize: 15, burstGapMs: 200 });
    const calm = mix.filter((i, k) => k > 0 && !i.burst && !(mix[k - 1] as typeof i).burst);
    const gaps = calm.map((i) => i.at - (mix[i.seq - 1] as typeof i).at);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).to.be.within(1800, 2200);
    // Exponential: the standard deviation is close to the mean.
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).to.be.within(0.85, 1.15);
    const burst = mix.filter((i) => i.burst);
    expect(burst.length).to.equal(15);
    expect((burst[14] as (typeof burst)[0]).at - (burst[0] as (typeof burst)[0]).at).to.be.below(15 * 200 * 3);
    for (let k = 1; k < mix.length; k++) expect((mix[k] as (typeof mix)[0]).at).to.be.at.least((mix[k - 1] as (typeof mix)[0]).at);
  });

  it('paraphrases Japanese commands with politeness and particles', () => {
    const rng = createRng(1);
    const out = new Set(Array.from({ length: 50 }, () => paraphrase(rng, '座って', 'ja')));
    expect(out.has('座って')).to.equal(false);
    expect([...out].some((t) => t.endsWith('ください'))).to.equal(true);
  });

  it('scripts one simulator answer per distinct utterance, anchored at the start of the user message', () => {
    const script = scriptFor(items);
    const texts = new Set(items.map((i) => i.text.trim()).filter((t) => t !== ''));
    expect(script.length).to.equal(texts.size);
    const sit = script.find((e) => e.regex instanceof RegExp && e.regex.test('sit down\n\n[reply in: en]'));
    if (sit) expect(sit.regex instanceof RegExp && sit.regex.test('sit\n\n[reply in: en]')).to.equal(false);
  });
});
