import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createAnalysers, extractFeatures, judgePair } from '../../../src/cache/semantic';
import { analyse } from '../../../src/lang';
import { dataPath } from '../../helpers/repo-data';

/**
 * Every pair of utterances from the intent sets whose expected outcome differs (sit vs
 * stand, chat vs jump, 座れる？ vs 座れ...) must never share a cached answer, in either
 * direction. Independent data: written for the reflex layers, not for the cache.
 */
describe('cache/semantic against the intent sets', () => {
  const files = [
    dataPath('intents.dev.jsonl'),
    dataPath('intents.realistic.jsonl'),
    dataPath('intents.colloquial.jsonl'),
    path.join(__dirname, '..', '..', 'reflex', 'heldout-intents.jsonl'),
  ];
  const rows: Array<{ text: string; lang: string; expect: unknown; accept?: unknown[] }> = [];
  for (const f of files) {
    try {
      for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) rows.push(JSON.parse(l));
    } catch {
      // A missing set is skipped; the check runs on what exists.
    }
  }

  it('never lets an utterance serve one with a different expected outcome', function () {
    if (rows.length === 0) this.skip();
    const analysers = createAnalysers();
    const hint = (l: string) => (l === 'ja' || l === 'zh' || l === 'en' ? l : '');
    const feats = rows.map((r) => extractFeatures(analyse(r.text, hint(r.lang)), analysers));
    const wrong: string[] = [];
    let hits = 0;
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < rows.length; j++) {
        if (i === j || !judgePair(feats[j]!, feats[i]!, 0.86).hit) continue;
        hits++;
        const a = rows[i]!;
        const b = rows[j]!;
        if (JSON.stringify(a.expect) !== JSON.stringify(b.expect)) wrong.push(`${a.text} -> ${b.text}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(hits).to.be.greaterThan(0); // the check is live: paraphrases in the sets do hit
  });
});
