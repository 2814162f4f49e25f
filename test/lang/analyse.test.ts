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

describe('lang: realistic recogniser output (issue 14)', () => {
  it('removes format characters, the grapheme joiner and variation selectors instead of turning them into spaces', () => {
    for (const c of ['\u200b', '\u00ad', '\u200e', '\u200f', '\u2060', '\ufeff', '\u034f', '\ufe0f', '\u{e0100}', '\u202e']) {
      expect(normaliseText(`止${c}まって`), JSON.stringify(c)).to.equal('止まって');
      expect(normaliseText(`st${c}op`), JSON.stringify(c)).to.equal('stop');
    }
    // Stray combining marks go; composed kana voicing stays.
    expect(normaliseText('s\u0336t\u0336o\u0336p')).to.equal('stop');
    expect(normaliseText('か\u3099')).to.equal('が');
    expect(normaliseText('café')).to.equal('café');
  });

  it('converts traditional Chinese to simplified, never Japanese', () => {
    expect(analyse('請坐下來', 'zh')).to.include({ normalised: '请坐下来', language: 'zh', script: 'traditional' });
    expect(analyse('向右轉九十度')).to.include({ normalised: '向右转九十度', language: 'zh', script: 'traditional' });
    expect(analyse('动かないで').normalised).to.equal('动かないで');
    expect(analyse('動かないで')).to.include({ normalised: '動かないで', language: 'ja' });
    expect(analyse('前に進んで').normalised).to.equal('前に進んで');
    expect(analyse('座って', 'ja').script).to.equal(undefined);
    // Kanji that Japanese writes the same way keep both readings: Japanese as written, Chinese simplified.
    expect(analyse('今何時')).to.include({ normalised: '今何時', simplified: '今何时', languageCertain: false });
    expect(analyse('请坐下').script).to.equal(undefined);
    // 嗎, 們, 這 are kept by the Japanese converter but are not Japanese words: such text is Chinese.
    expect(analyse('你可以握手嗎')).to.include({ normalised: '你可以握手吗', language: 'zh', languageCertain: true, script: 'traditional' });
    expect(analyse('這裡')).to.include({ normalised: '这里', language: 'zh' });
    expect(analyse('一個')).to.include({ normalised: '一個', simplified: '一个', languageCertain: false });
  });

  it('strips fillers, hesitations, a repeated command, contractions and misheard wake words', () => {
    const n = (t: string) => analyse(t).normalised;
    expect(n('um, uh, sit down')).to.equal('sit down');
    expect(n('sit down uh')).to.equal('sit down');
    expect(n('えーと、あの、お座り')).to.equal('お座り');
    expect(n('那个…嗯…坐下吧')).to.equal('坐下吧');
    expect(n('sit sit')).to.equal('sit');
    expect(n('sit down sit down sit down')).to.equal('sit down');
    expect(n('お座りお座り')).to.equal('お座り');
    expect(n('坐下坐下')).to.equal('坐下');
    expect(n('gimme your paw')).to.equal('give me your paw');
    expect(n('座っといて')).to.equal('座っておいて');
    expect(analyse('Klaudia, lie down')).to.include({ wake: 'klaudia', normalised: 'lie down' });
    expect(analyse('クローディア おすわり')).to.include({ wake: 'クローディア', normalised: 'おすわり' });
    expect(analyse('克劳迪亚趴下')).to.include({ wake: '克劳迪亚', normalised: '趴下' });
    expect(analyse('sit, claudia')).to.include({ wake: 'claudia', normalised: 'sit' });
    // Words that only start like a filler or a wake word are kept.
    expect(n('umbrella')).to.equal('umbrella');
    expect(n('wellness')).to.equal('wellness');
    expect(n('heyday')).to.equal('heyday');
  });
});
