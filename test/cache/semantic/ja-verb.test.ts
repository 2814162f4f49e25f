import { expect } from 'chai';
import { createKanaTable } from '../../../src/cache/semantic/kana';
import { parseVerbChunk, sameVerb } from '../../../src/cache/semantic/ja-verb';
import { createLightJapaneseAnalyser } from '../../../src/cache/semantic/ja-analyser';

describe('cache/semantic/ja-verb (light lemmatiser)', () => {
  const kana = createKanaTable();
  const verb = (root: string, tail: string) => {
    const v = parseVerbChunk(root, tail, kana);
    if (!v) throw new Error(`${root}${tail} did not parse`);
    return v;
  };

  it('folds te-form, masu stem, imperative, volitional and polite forms of one verb', () => {
    const forms = [['座', 'って'], ['座', 'り'], ['座', 'れ'], ['座', 'ります'], ['座', 'ろう'], ['座', 'りましょう']];
    for (const [r, t] of forms) expect(sameVerb(verb('座', 'って'), verb(r as string, t as string)), `${r}${t}`).to.equal(true);
    expect(sameVerb(verb('伏', 'せて'), verb('伏', 'せ'))).to.equal(true);
    expect(sameVerb(verb('伏', 'せて'), verb('伏', 'せなさい'))).to.equal(true);
    expect(sameVerb(verb('進', 'んで'), verb('進', 'め'))).to.equal(true);
  });

  it('keeps negation, past, desire and different verbs apart', () => {
    expect(verb('座', 'らないで').form).to.equal('neg');
    expect(verb('進', 'むな').form).to.equal('neg');
    expect(verb('座', 'った').form).to.equal('past');
    expect(verb('座', 'りたい').form).to.equal('want');
    // Dictionary forms are statements or questions (座る？, 座れる？ = can you sit?), not requests.
    expect(verb('座', 'る').form).to.equal('dict');
    expect(sameVerb(verb('座', 'れ'), verb('座', 'れる'))).to.equal(false);
    expect(sameVerb(verb('座', 'って'), verb('座', 'らないで'))).to.equal(false);
    expect(sameVerb(verb('曲', 'がって'), verb('曲', 'げて'))).to.equal(false); // turn vs bend
    expect(sameVerb(verb('出', 'て'), verb('出', 'して'))).to.equal(false); // go out vs take out
  });

  it('leaves a noun + particle alone', () => {
    expect(parseVerbChunk('右', 'に', kana)).to.equal(undefined);
    expect(parseVerbChunk('猫', 'は', kana)).to.equal(undefined);
  });

  it('strips politeness, particles and the light verb, and reads kana spellings of common verbs', () => {
    const ja = createLightJapaneseAnalyser();
    expect(ja.strip('座ってくださいね')).to.equal('座って');
    expect(ja.strip('立ってもらえますか')).to.equal('立って');
    expect(ja.strip('ダンスをお願いします')).to.equal('ダンス');
    expect(ja.strip('ダンスして')).to.equal('ダンス');
    expect(ja.strip('お座りしなさい')).to.equal('座り');
    expect(ja.strip('おどって')).to.equal('踊って');
    expect(ja.strip('出して')).to.equal('出して'); // one kanji + して is a verb, not noun + する
    expect(ja.strip('立ってくれない')).to.equal('立って'); // a request, not a negation
  });
});
