import { expect } from 'chai';
import { analyse, boundText, detectLanguage, foldKana, normaliseText, stripWakeWord } from '../../src/lang';

describe('lang: normaliseText', () => {
  it('folds half-width kana and full-width Latin (NFKC) and lower-cases', () => {
    expect(normaliseText('ﾀﾞﾝｽ')).to.equal('ダンス');
    expect(normaliseText('ＳＩＴ　ＤＯＷＮ')).to.equal('sit down');
  });

  it('turns punctuation, symbols and emoji into spaces and removes spaces between CJK characters', () => {
    expect(normaliseText('座って！！🐶')).to.equal('座って');
    expect(normaliseText('止 ま っ て')).to.equal('止まって');
    expect(normaliseText('Stand up, please!')).to.equal('stand up please');
  });

  it('folds wave dashes, repeated long-vowel marks, doubled sokuon and a trailing exclamation sokuon', () => {
    expect(normaliseText('ダンス〜〜')).to.equal('ダンス');
    expect(normaliseText('ストーーーップ')).to.equal('ストーップ');
    expect(normaliseText('止まれっ！')).to.equal('止まれ');
    expect(normaliseText('ストッッップ')).to.equal('ストップ');
  });

  it('keeps English contractions, decimal points and degree signs', () => {
    expect(normaliseText("Don't sit")).to.equal("don't sit");
    expect(normaliseText('I’m tired')).to.equal("i'm tired");
    expect(normaliseText('1.5メートル進んで')).to.equal('1.5メートル進んで');
    expect(normaliseText('turn 90° left')).to.equal('turn 90° left');
  });

  it('expands kana iteration marks', () => {
    expect(normaliseText('すゞめ')).to.equal('すずめ');
    expect(normaliseText('こゝろ')).to.equal('こころ');
  });
});

describe('lang: foldKana and wake words', () => {
  it('maps katakana to hiragana and leaves everything else', () => {
    expect(foldKana('ダンスして')).to.equal('だんすして');
    expect(foldKana('坐下 sit')).to.equal('坐下 sit');
  });

  it('strips a leading wake word but never leaves an empty utterance', () => {
    expect(stripWakeWord('クラウディア座って')).to.deep.equal({ wake: 'クラウディア', rest: '座って' });
    expect(stripWakeWord('hey claudia sit down')).to.deep.equal({ wake: 'hey claudia', rest: 'sit down' });
    expect(stripWakeWord('ねえ座って')).to.deep.equal({ wake: 'ねえ', rest: '座って' });
    expect(stripWakeWord('claudia')).to.deep.equal({ wake: '', rest: 'claudia' });
    expect(stripWakeWord('heyday')).to.deep.equal({ wake: '', rest: 'heyday' });
  });
});

describe('lang: detectLanguage and analyse', () => {
  it('kana means Japanese, simplified-only characters mean Chinese, Latin means English', () => {
    expect(detectLanguage('座って')).to.deep.equal({ language: 'ja', certain: true });
    expect(detectLanguage('坐下')).to.deep.equal({ language: 'zh', certain: true });
    expect(detectLanguage('向前进')).to.deep.equal({ language: 'zh', certain: true });
    expect(detectLanguage('sit down')).to.deep.equal({ language: 'en', certain: true });
    expect(detectLanguage('')).to.deep.equal({ language: '', certain: false });
  });

  it('kanji-only text is ambiguous between ja and zh (languageCertain=false)', () => {
    expect(detectLanguage('停止').certain).to.equal(false);
    expect(detectLanguage('起立').certain).to.equal(false);
    // Traditional/Japanese forms lean Japanese, still uncertain.
    expect(detectLanguage('前進')).to.deep.equal({ language: 'ja', certain: false });
    // Japanese-only shinjitai decide.
    expect(detectLanguage('歩行')).to.deep.equal({ language: 'ja', certain: true });
  });

  it('the SpeechText language hint wins', () => {
    expect(detectLanguage('停止', 'ja')).to.deep.equal({ language: 'ja', certain: true });
    expect(analyse('停止', 'ja').language).to.equal('ja');
  });

  it('analyse bounds, normalises, strips the wake word and detects on the rest', () => {
    const a = analyse('hey claudia, 坐下！');
    expect(a.normalised).to.equal('坐下');
    expect(a.wake).to.equal('hey claudia');
    expect(a.language).to.equal('zh');
    const long = analyse('あ'.repeat(50), '', 10);
    expect(long.raw.length).to.equal(10);
  });

  it('boundText never splits a surrogate pair', () => {
    const r = boundText('ab🐶cd', 3);
    expect(r).to.deep.equal({ text: 'ab', truncated: true });
  });
});
