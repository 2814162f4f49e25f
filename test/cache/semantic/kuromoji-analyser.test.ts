import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createDecisionCache } from '../../../src/cache';
import { createAnalysers, createKuromojiAnalyser, createSemanticIndex, loadKuromojiTokenizer } from '../../../src/cache/semantic';
import { evaluatePairs, parsePairs, summarisePairs } from '../../../src/cache/semantic/pair-eval';
import { analyse } from '../../../src/lang';
import { createSystemClock } from '../../../src/util/clock';
import { createSilentLogger } from '../../../src/util/logger';
import { cacheConfig, llmDecision, req } from '../helpers';
import { dataPath } from '../../helpers/repo-data';

/** The optional dictionary analyser (language.japanese_analyser: kuromoji). Loads the dictionary once. */
describe('cache/semantic/kuromoji-analyser (optional)', function () {
  this.timeout(15_000);
  let analysers: ReturnType<typeof createAnalysers>;

  before(async () => {
    analysers = createAnalysers({ japanese: createKuromojiAnalyser(await loadKuromojiTokenizer()) });
  });

  it('reduces inflection to base forms and keeps negation and tense as markers', () => {
    const sk = (t: string) => analysers.ja.skeleton(analysers.ja.strip(t)).map((x) => (x.kind === 'lit' ? x.text : x.base));
    expect(sk('座ってください')).to.deep.equal(['座る']);
    expect(sk('お座りしなさい')).to.deep.equal(['座る']);
    expect(sk('座らないで')).to.deep.equal(['座る', '〈neg〉']);
    expect(sk('前に進むな')).to.deep.equal(['前', 'に', '進む', '〈neg〉']);
    expect(sk('座った')).to.deep.equal(['座る', '〈past〉']);
  });

  it('keeps every pair set free of false hits', () => {
    for (const file of [dataPath('pairs.dev.jsonl'), path.join(__dirname, '..', 'data', 'pairs.heldout.jsonl'), path.join(__dirname, '..', 'data', 'pairs.blind.jsonl')]) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const s = summarisePairs(evaluatePairs(parsePairs(text, file), { analysers, threshold: 0.86 }));
      expect(s.false_hits, file).to.equal(0);
      expect(s.hit_rate, file).to.be.at.least(0.9);
    }
  });

  it('matches paraphrases inside an index like the light analyser', () => {
    const idx = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    idx.add('a', analyse('立ってもらえますか'), 'stand');
    expect(idx.lookup(analyse('立って')).hit).to.equal(true);
    expect(idx.lookup(analyse('立たないで')).guard).to.equal('negation');
  });

  it('is loaded on demand by the decision cache, which re-indexes entries stored before it was ready', async () => {
    const config = cacheConfig();
    config.language = { ...config.language, japanese_analyser: 'kuromoji' };
    const cache = createDecisionCache({ config, version: 'v', clock: createSystemClock(), logger: createSilentLogger() });
    expect(cache.status().values['japanese_analyser']).to.equal('kuromoji_loading');
    await cache.store(req('座ってください'), llmDecision('sit', '座ります'));
    await cache.flush();
    expect(cache.status().values['japanese_analyser']).to.equal('kuromoji');
    const hit = await cache.lookup(req('お座りしなさい'));
    expect(hit.tier).to.equal('semantic');
    await cache.close();
  });
});
