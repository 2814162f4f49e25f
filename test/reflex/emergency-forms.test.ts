import { expect } from 'chai';
import { shippedPhrasebook, PHRASE_LANGUAGES } from '../../src/lang/phrasebook';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';

/**
 * L0 by the FORM of what people shout (issue 14, second round): any negation said twice with
 * particles or elongation between, elongated and colloquial pain/danger cries, Chinese
 * collision and falling results, English implicit warnings. Lines written for these rules,
 * not taken from any eval set.
 */
describe('reflex: emergency reflex by form of the exclamation', () => {
  const l0 = createEmergencyReflex();
  const fires = (lines: string[], kind?: 'stop' | 'danger') => {
    for (const t of lines) {
      const hit = l0.match(t);
      expect(hit, t).to.not.equal(undefined);
      if (kind) expect(hit?.kind, t).to.equal(kind);
    }
  };
  const silent = (lines: string[]) => {
    for (const t of lines) expect(l0.match(t), t).to.equal(undefined);
  };

  it('every repeated-negation word of the shipped phrasebook said twice stops, also when a longer one starts with it (やめ / やめや)', () => {
    const book = shippedPhrasebook();
    // Japanese and Chinese: words that run together without spaces (English repeats are tested below).
    const words = PHRASE_LANGUAGES.filter((l) => l !== 'en').flatMap((l) => book[l].stop_repeated);
    const prefixed = words.filter((w) => words.some((o) => o !== w && o.startsWith(w)));
    expect(prefixed, 'the phrasebook has such pairs (else this test proves nothing)').to.include('やめ');
    fires(words.map((w) => w + w), 'stop');
    fires(prefixed.map((w) => `${w}${w}！`), 'stop');
  });

  it('a dialect or colloquial negation said twice is a stop (Kansai あかん, いかん, ちゃう)', () => {
    fires(['あかんあかん', 'あかんて、あかん！', 'アカンアカンアカン', 'いかんいかん！', 'ちゃうちゃう', 'あかんあかんそっちちゃう'], 'stop');
  });

  it('a negation doubled with a particle or an elongation between or after it is a stop', () => {
    fires(['不要啦不要啦', '别啦别啦', '別呀別呀', '不行啦不行', '不可以不可以', '不准不准！', '不许不许啊', 'だめよだめ', 'だめーだめー', 'やだやだ', 'nah nah nah', "don't don't"], 'stop');
  });

  it('one negation, or a negation starting another word, is not an alarm', () => {
    silent(['不要紧', '不行吗', 'あかんかった？', 'やだなあ、もう', 'no, sit down', 'nah']);
  });

  it('elongated and colloquial pain and danger cries are folded before matching', () => {
    fires(['いったーい', 'いってぇ', 'いててっ', 'あぶねえ！', 'あぶねぇよ', 'あっぶなー', 'あぶなーい', 'いたぁい', 'イテェ', 'アブネー！'], 'danger');
  });

  it('the folded cries fire only as the whole piece or its head, never inside a word', () => {
    silent(['ここにいて', 'いてもいいよ', 'あぶないことはしないで']);
  });

  it('Chinese collision and falling results stop as exclamations', () => {
    fires(['撞墙了', '撞到了！', '摔倒了', '它撞到桌子了', '碰到了', '跌倒了', '要撞墙了', '哎呀摔了', '撞牆了'], 'danger');
  });

  it('English implicit warnings of imminent harm stop', () => {
    fires(['mind the cat', 'watch your head', 'careful there is glass', "you're stepping on my foot", "you're gonna fall", 'careful!', 'heads up', "you're about to hit the wall"], 'danger');
  });

  it('English phrases that only start like a warning do not fire', () => {
    silent(['watch this trick', 'mind if I ask something', 'I was careful to close the door yesterday evening with the key']);
  });
});
