import { expect } from 'chai';
import { normaliseText } from '../../src/lang';
import { shippedPhrasebook } from '../../src/lang/phrasebook';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';

describe('reflex: emergency reflex (L0)', () => {
  const l0 = createEmergencyReflex();

  it('fires on every stop word of the issue, in ja/zh/en', () => {
    for (const w of ['止まれ', '止まって', 'ストップ', '緊急停止', 'やめて', '停止', '停下', '别动', 'stop', 'halt', 'freeze', 'emergency', 'STOP', 'Stop!']) {
      const hit = l0.match(w);
      expect(hit, w).to.not.equal(undefined);
      expect(hit?.kind, w).to.equal('stop');
    }
  });

  it('reports danger words without a stop word as kind danger', () => {
    for (const w of ['危ない', '助けて', 'help!', 'Help me!', '危险', '救命']) {
      expect(l0.match(w), w).to.deep.include({ kind: 'danger' });
    }
  });

  it('a stop word inside a short utterance wins over the danger word', () => {
    expect(l0.match('危ない、止まって！')).to.deep.equal({ word: '止まって', kind: 'stop' });
    expect(l0.match('えっと、ちょっとストップして')).to.deep.include({ kind: 'stop' });
  });

  it('fires on partial ASR text (the recogniser has not finished the sentence)', () => {
    expect(l0.match('ねえクラウディア止まっ')).to.equal(undefined); // not a word yet
    expect(l0.match('ねえクラウディア止まって')).to.deep.include({ kind: 'stop' });
    expect(l0.match('okay robot stop')).to.deep.include({ kind: 'stop' });
    expect(l0.match('请你停下')).to.deep.include({ kind: 'stop' });
  });

  it('catches width, kana and spacing variants through the normalised pass', () => {
    for (const w of ['ＳＴＯＰ', 'ｽﾄｯﾌﾟ', 'すとっぷ', '止 ま っ て', 'トマレ', 'Ｈａｌｔ', 'ストーップ！', 'ストーーーップ', 'STOOOP', 'haaalt']) {
      expect(l0.match(w), w).to.deep.include({ kind: 'stop' });
    }
    // The caller may pass its own normalised text.
    expect(l0.match('ｽﾄｯﾌﾟ', normaliseText('ｽﾄｯﾌﾟ'))).to.deep.include({ kind: 'stop' });
  });

  it('does not fire on ordinary commands, negated commands or words that only contain the letters', () => {
    for (const w of ['座って', 'ジャンプはしないでね', '不要跳', "don't dance", '集まって', 'stopwatch', 'haltere', 'ダンスして', 'sit down please', 'stoop down']) {
      expect(l0.match(w), w).to.equal(undefined);
    }
  });

  it('danger and exclamation words only fire in short utterances', () => {
    expect(l0.match('can you help me with my homework tonight')).to.equal(undefined);
    expect(l0.match('停')).to.deep.include({ kind: 'stop' });
    expect(l0.match('停车场在哪里')).to.equal(undefined);
    // Answers to a question are not stops.
    for (const w of ['no', 'だめ', '不要']) expect(l0.match(w), w).to.equal(undefined);
  });

  it('a katakana stop word inside more katakana stops (said twice, in a compound, against the name); only the innocent words of the phrasebook do not', () => {
    for (const t of ['ストップストップ', 'ストップストップ！', 'さっきの話の続きなんだけど、あ、ストップストップ', 'エマージェンシーストップ', 'オールストップ', 'ストップクラウディア', 'クラウディアストップ', 'ｽﾄｯﾌﾟｽﾄｯﾌﾟ', 'ストップモーション']) {
      expect(l0.match(t), t).to.deep.include({ kind: 'stop' });
    }
    for (const t of ['ノンストップ', 'ノンストップで運転して', 'ストップウォッチを見せて', 'ﾉﾝｽﾄｯﾌﾟで', 'ワンストップで手続き']) expect(l0.match(t), t).to.equal(undefined);
    // The innocent word is blanked, not the text: a stop beside it still stops.
    for (const t of ['ノンストップで走って、ストップ！', 'ストップウォッチ止めて、じゃなくて止まって', 'ノンストップストップ']) expect(l0.match(t), t).to.deep.include({ kind: 'stop' });
    // Without the innocent list the innocent words stop too (the list is all that spares them).
    const book = structuredClone(shippedPhrasebook());
    book.ja.stop_innocent = [];
    expect(createEmergencyReflex({ phrases: book }).match('ノンストップで運転して')).to.deep.include({ kind: 'stop' });
  });

  it('takes its words from the phrasebook it is given', () => {
    const base = shippedPhrasebook();
    const empty = { stop: [], stop_short: [], stop_exact: [], stop_repeated: [], danger: [], alarm: [], hazard: [], warning: [], stop_innocent: [], wake: [], filler: [], politeness: [], particles: [], actions: {}, rewrite: {} };
    const custom = createEmergencyReflex({ phrases: { ...base, ja: empty, zh: empty, en: { ...empty, stop: ['abbruch'] } } });
    expect(custom.match('Abbruch!')).to.deep.equal({ word: 'abbruch', kind: 'stop' });
    expect(custom.match('stop')).to.equal(undefined);
  });

  it('is a no-op on empty input', () => {
    expect(l0.match('')).to.equal(undefined);
  });
});
