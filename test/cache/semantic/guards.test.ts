import { expect } from 'chai';
import { createAnalysers, createSemanticIndex } from '../../../src/cache/semantic';
import { analyse } from '../../../src/lang';

describe('cache/semantic guards', () => {
  const analysers = createAnalysers();
  /** Fresh index holding `a`; look up `b`. */
  const judge = (a: string, b: string, hint = '') => {
    const idx = createSemanticIndex<string>({ analysers, threshold: 0.86 });
    idx.add('a', analyse(a, hint), a);
    return idx.lookup(analyse(b, hint));
  };

  const refused: Array<[string, string, string, string]> = [
    ['座って', '座らないで', 'negation', ''],
    ['走って', '走るな', 'negation', ''],
    ['跳舞', '不要跳舞', 'negation', 'zh'],
    ['jump', "don't jump", 'negation', ''],
    ['左を向いて', '右を向いて', 'direction', ''],
    ['向前走', '向后走', 'direction', 'zh'],
    ['look up', 'look down', 'direction', ''],
    ['1メートル進んで', '2メートル進んで', 'number', ''],
    ['30度回って', '90度回って', 'number', ''],
    ['1メートル進んで', '1歩進んで', 'number', ''],
    ['jump twice', 'jump three times', 'number', ''],
    ['少し前に進んで', '前に進んで', 'number', ''],
    ['ゆっくり歩いて', '速く歩いて', 'speed', ''],
    ['walk slowly', 'walk fast', 'speed', ''],
    ['座ってから手を振って', '立ってから手を振って', 'action', ''],
    ['坐下', '趴下', 'action', 'zh'],
    ['今日の天気は', '明日の天気は', 'entity', ''],
    ['あなたは誰', '私は誰', 'entity', ''],
    ['好きな食べ物は', '好きな飲み物は', 'topic', ''],
    ['伏せて', 'lie down', 'language', ''],
    ['停止', '停下', 'language_uncertain', ''],
    ['do a backflip', 'can you do a backflip', 'question', ''],
    ['sit down', 'do you know how to sit down', 'question', ''],
    ['お手', 'お手ってできる？', 'question', ''],
    ['踊って', '踊れる？', 'question', ''],
    ['坐下', '你会坐下吗', 'question', 'zh'],
    ['你会伸懒腰吗', '伸懒腰', 'question', 'zh'],
  ];
  for (const [a, b, guard, hint] of refused) {
    it(`refuses ${a} -> ${b} (${guard})`, () => {
      const m = judge(a, b, hint);
      expect(m.hit).to.equal(false);
      expect(m.guard).to.equal(guard);
      expect(m.score).to.be.within(0, 1);
    });
  }

  it('hits on politeness, punctuation, width, kana and contraction variants with score 1', () => {
    for (const [a, b, hint] of [
      ['座ってください', '座って', ''],
      ['座りなさい', '座れ', ''],
      ['ｽﾄﾚｯﾁ', 'ストレッチ', ''],
      ['すわって', '座って', ''],
      ['请坐下', '坐下', 'zh'],
      ['would you mind lying down', 'lie down', ''],
      ["what's your name", 'what is your name', ''],
      ['1メートル進んで', '１メートル進んでください', ''],
      ['三回ジャンプして', '3回ジャンプ', ''],
    ] as const) {
      const m = judge(a, b, hint);
      expect(m.hit, `${a} -> ${b} (guard ${m.guard})`).to.equal(true);
      expect(m.score).to.equal(1);
    }
  });

  it('mixed-language text: wrapper words of any language say nothing, English number words are digits, a negation of any language counts', () => {
    expect(judge('please お座り', 'お座り please').hit).to.equal(true);
    expect(judge('handstand してみて', 'handstand して').hit).to.equal(true);
    expect(judge('往前走 two meters', '往前走 2 meters').hit).to.equal(true);
    expect(judge('hey claudia 比个心', 'hey claudia 比個心').hit).to.equal(true);
    expect(judge('你可以 sit down 吗', '你可以 sit down 嗎').hit).to.equal(true);
    // The language is still the detected one, the number still counts, the negation still refuses.
    expect(judge('please お座り', 'please sit')).to.include({ hit: false, guard: 'language' });
    expect(judge('handstand して', 'handstand')).to.include({ hit: false, guard: 'language' });
    expect(judge('往前走 two meters', '往前走 three meters').hit).to.equal(false);
    expect(judge('お座り please', "don't お座り")).to.include({ hit: false, guard: 'negation' });
  });

  it('folds the spoken variants of one phrase and keeps the near ones apart', () => {
    expect(judge('快点儿', '快一点', 'zh').hit).to.equal(true);
    expect(judge('快点儿', '慢点儿', 'zh')).to.include({ hit: false, guard: 'speed' });
    expect(judge('もっと速く', 'もっと早く', 'ja').hit).to.equal(true);
    // 早くない (not early) and 速くない (not fast) are two adjectives.
    expect(judge('早くない？', '速くない？', 'ja').hit).to.equal(false);
    expect(judge('手ぇ振って', '手を振って', 'ja').hit).to.equal(true);
    expect(judge('手振って', '足振って', 'ja').hit).to.equal(false);
    // A copula asking for agreement is not the command with よ.
    expect(judge('お座りだよ', 'お座りだよね', 'ja').hit).to.equal(false);
    expect(judge('ジャンプだよ', 'ジャンプだね', 'ja').hit).to.equal(false);
  });

  it('lets kanji-only text without a language hit only on identical text, unless only one language understands it', () => {
    expect(judge('停止', '停止').hit).to.equal(true);
    expect(judge('起立', '起立', 'ja').hit).to.equal(true);
    expect(judge('请停下', '停下', 'zh').hit).to.equal(true);
    // 前進, 起立 and 停止 are commands in Japanese and in Chinese: only the same text hits.
    expect(judge('前进', '前進')).to.include({ hit: false, guard: 'language_uncertain' });
    expect(judge('站起来', '起立')).to.include({ hit: false, guard: 'language_uncertain' });
    // 停下 and 比個心 are commands in Chinese only: they are Chinese, and meet the simplified spelling.
    expect(judge('请停下', '停下').hit).to.equal(true);
    expect(judge('比个心', '比個心').hit).to.equal(true);
    // Kanji-only text neither grammar reads stays uncertain: 天气 (zh?) never meets 天気 (ja).
    expect(judge('天気', '天气')).to.include({ hit: false, guard: 'language_uncertain' });
  });
});
