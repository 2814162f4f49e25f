import { expect } from 'chai';
import { configWith } from '../../src/config/load';
import { analyse } from '../../src/lang/detect-language';
import { shippedPhrasebook } from '../../src/lang/phrasebook';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';
import { createEnGrammar } from '../../src/reflex/en-grammar';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { createJaGrammar } from '../../src/reflex/ja-grammar';
import { createZhGrammar } from '../../src/reflex/zh-grammar';
import { loadCatalogue } from '../../src/robot/catalogue';

/**
 * The reflexes skip work on cheap tests (a hyphen before the hyphen-joining pass, one length
 * measure for all the short rules, a piece's first kana before squashing it, a request tail
 * before a form look-up, a phrase's first character). Each test sits at the edge of a skip:
 * the text that just still needs the work gets it.
 */
describe('reflex: work skipped on a cheap test is still done at its edge', () => {
  const l0 = createEmergencyReflex();
  const word = (t: string) => l0.match(t);

  it('L0: every hyphen the joining pass knows joins a word, and text without one is matched as it is', () => {
    expect(word('e-stop')).to.deep.equal({ word: 'estop', kind: 'stop' });
    expect(word('E-STOP')).to.deep.equal({ word: 'estop', kind: 'stop' });
    expect(word('a non-stop flight')).to.equal(undefined);
    expect(word('stop')).to.deep.equal({ word: 'stop', kind: 'stop' });
  });

  it('L0: one measure decides short (16 CJK characters, 6 words) and very short (10, 3) at their limits', () => {
    // stop_short: within SHORT only.
    expect(word('そこでちょっと待っていてほしいの')).to.deep.equal({ word: 'ちょっと待って', kind: 'stop' });
    expect(word('そこでちょっと待っていてほしいのよ')).to.equal(undefined);
    expect(word('wait a minute please ok then')).to.deep.equal({ word: 'wait', kind: 'stop' });
    expect(word('wait a minute please ok then go')).to.equal(undefined);
    // danger: within VERY_SHORT only.
    expect(word('ここ火事だよ気をつけ')).to.deep.equal({ word: '火事', kind: 'danger' });
    expect(word('ここ火事だよ気をつけて')).to.equal(undefined);
    expect(word('help me now')).to.deep.equal({ word: 'help', kind: 'danger' });
    expect(word('help me right now')).to.equal(undefined);
  });

  it('L0: a squashed exclamation is found behind spaces, long marks and small kana, and in katakana', () => {
    expect(word('ーいったーい')).to.deep.equal({ word: 'いたい', kind: 'danger' });
    expect(word('ぁいたい')).to.deep.equal({ word: 'いたい', kind: 'danger' });
    expect(word('イッテェ')).to.deep.equal({ word: 'いて', kind: 'danger' });
    expect(word('ッイテェ')).to.deep.equal({ word: 'いて', kind: 'danger' });
    expect(word('ねえ、あぶねえよ')).to.deep.equal({ word: 'あぶねえ', kind: 'danger' });
  });

  it('L0: text that is its own normal form is searched for stop words once; text one character off it is searched again', () => {
    expect(word('please stop now')).to.deep.equal({ word: 'stop', kind: 'stop' });
    expect(word('please sto\u200bp now')).to.deep.equal({ word: 'stop', kind: 'stop' });
    expect(word('ｓｔｏｐ')).to.deep.equal({ word: 'stop', kind: 'stop' });
    expect(word('please sit down')).to.equal(undefined);
  });

  it('L0: an alarm at the start is the longest listed one that ends there, found once for phrases that share their start', () => {
    expect(word("you're going to fall over there")).to.deep.equal({ word: "you're going to fall", kind: 'danger' });
    expect(word("you're going to fallen")).to.equal(undefined);
    expect(word("you're tired")).to.equal(undefined);
    expect(word('WATCH OUT THERE IS A STEP')).to.deep.equal({ word: 'watch out', kind: 'danger' });
    expect(word('watch outside the house')).to.equal(undefined);
    expect(word('アブナイ前見て')).to.deep.equal({ word: 'アブナイ', kind: 'danger' });
  });

  it('L0: the head and the unstretched text are still tried when the other foldings found nothing', () => {
    expect(word('ストーップ、何するの')).to.deep.equal({ word: 'ストップ', kind: 'stop' });
    expect(word('痛い！何するの')?.kind).to.equal('danger');
  });

  const book = shippedPhrasebook();
  const ja = createJaGrammar(book.ja.actions);
  const en = createEnGrammar(book.en.actions);
  const zh = createZhGrammar(book.zh.actions);

  it('ja: a form is looked up with each request tail, the longest included, and a stretched ending is folded', () => {
    expect(ja.parse('座っていただけないでしょうか')).to.deep.equal({ action: 'sit' });
    expect(ja.parse('座ってくれる')).to.deep.equal({ action: 'sit' });
    expect(ja.parse('座って')).to.deep.equal({ action: 'sit' });
    expect(ja.parse('座りなさーい')).to.deep.equal({ action: 'sit' });
    expect(ja.parse('座ってた')).to.equal(undefined);
    expect(ja.parse('ゆっくり前に進んで')).to.deep.equal({ action: 'forward', speed: 'slow' });
  });

  it('en: a cut-off command is completed from the phrases that begin as it does', () => {
    expect(en.parse('sit dow')).to.deep.equal({ action: 'sit' });
    expect(en.parse('stand u')).to.deep.equal({ action: 'stand_up' });
    expect(en.parse('please sit down now')).to.deep.equal({ action: 'sit' });
  });

  it('zh: a movement core is found among the cores that start with its first character', () => {
    expect(zh.parse('向左转')).to.deep.equal({ action: 'turn_left' });
    expect(zh.parse('往前走两米')).to.deep.equal({ action: 'forward', params: { distance_m: 2 } });
    expect(zh.parse('转一圈')).to.deep.equal({ action: 'turn_left', params: { angle_deg: 360 } });
  });

  it('L1: a mixed-language utterance is read per segment, a single-script one by its grammar', () => {
    const config = configWith();
    const l1 = createGrammarReflex({ catalogue: loadCatalogue(config.robot.actions_file), config });
    expect(l1.match(analyse('please お座り'))?.actions).to.deep.equal([{ name: 'sit' }]);
    expect(l1.match(analyse('2m 前に進んで'))?.actions).to.deep.equal([{ name: 'forward', params: { distance_m: 2 } }]);
    expect(l1.match(analyse('dance'))?.actions).to.deep.equal([{ name: 'dance1' }]);
  });
});
