import { expect } from 'chai';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';

/** L0 on what recognisers and keyboards really deliver (issue 14): invisible characters, long text, shouted alarms. */
describe('reflex: emergency reflex on realistic input', () => {
  const l0 = createEmergencyReflex();
  const stops = ['止まって', 'ストップ', 'stop', 'halt', '停下', '别动', 'やめて'];
  // Format characters (Cf), the combining grapheme joiner and variation selectors.
  const invisible = ['\u200b', '\u200c', '\u200d', '\u00ad', '\u200e', '\u200f', '\u202a', '\u202e', '\u2060', '\ufeff', '\u034f', '\ufe0f', '\ufe00', '\u{e0100}', '\u180e'];

  it('stops on a stop word with an invisible character at any position inside it', () => {
    let n = 0;
    for (const w of stops) {
      const chars = [...w];
      for (let i = 1; i < chars.length; i++) {
        for (const c of invisible) {
          const text = chars.slice(0, i).join('') + c + chars.slice(i).join('');
          expect(l0.match(text), JSON.stringify(text)).to.not.equal(undefined);
          // ...and inside a longer sentence, and with several of them.
          expect(l0.match(`ねえ、${text}！`), JSON.stringify(text)).to.not.equal(undefined);
          n++;
        }
      }
      expect(l0.match(chars.join('\u200b')), w).to.not.equal(undefined);
    }
    expect(n).to.be.greaterThan(200);
  });

  it('stops on stop words carrying stray combining marks', () => {
    expect(l0.match('s\u0336t\u0336o\u0336p\u0336')).to.deep.include({ kind: 'stop' });
    expect(l0.match('ストップ\u0301')).to.deep.include({ kind: 'stop' });
    expect(l0.match('STOP\u20e3')).to.deep.include({ kind: 'stop' });
  });

  it('reads the whole text: a stop after 2,000, 100,000 or 5,000,000 characters of other text', () => {
    for (const n of [1999, 2000, 2001, 100_000, 5_000_000]) {
      const filler = 'lorem ipsum dolor '.repeat(Math.ceil(n / 18)).slice(0, n);
      expect(l0.match(`${filler} stop`), `plain after ${n}`).to.deep.include({ kind: 'stop' });
      expect(l0.match(`${filler}止\u200bまって`), `invisible after ${n}`).to.deep.include({ kind: 'stop' });
      expect(l0.match(`${filler} ｓｔｏｐ`), `full width after ${n}`).to.deep.include({ kind: 'stop' });
      expect(l0.match(`${filler} 止 ま っ て`), `spaced after ${n}`).to.deep.include({ kind: 'stop' });
      expect(l0.match(filler), `none in ${n}`).to.equal(undefined);
    }
  });

  it('repeated negations are an alarm; one alone is an answer', () => {
    for (const t of ['no no no', 'No, no, no!', 'no no', 'NO NO NO NO', 'nope nope', 'ダメダメ', 'だめだめだめ！', 'ダメ、ダメ', '駄目駄目', 'やだやだ', '不要不要', '不要不要不要', '别别别', '別別別', '不行不行', '不不不', 'no no no, not there', '不要不要不要过去']) {
      expect(l0.match(t), t).to.deep.include({ kind: 'stop' });
    }
    for (const t of ['no', 'No.', 'だめ', 'ダメ', '不要', 'no thanks', 'no no nonsense please tell me a story', 'nono is my cat']) {
      expect(l0.match(t), t).to.equal(undefined);
    }
  });

  it('pain, collision, falling and danger exclamations stop, in ja, zh (both scripts) and en', () => {
    const alarms = [
      '痛い！', 'いたっ', 'いてっ！', '痛い！何するの', 'いててて', 'ぶつかる！', 'ぶつかるぞ', '落ちる！', '落ちちゃう', '危ない！', 'あぶない前見て', '危険！',
      'ouch!', 'Ouch, you stepped on my foot', 'ow!', 'watch out!', 'Watch out there is a step', 'look out', 'careful!', 'help!', "you're going to fall",
      '小心！', '小心前面有台阶', '小心點', '危险！', '危險！', '救命', '疼！', '好痛', '要撞了', '要掉下去了', '當心',
      // Being stepped on: said once, or again and again.
      '踏んでる！', '踏んでる踏んでる', '足踏んでるよ', '踏んだ', "you're on my foot", '踩到我了',
    ];
    for (const t of alarms) expect(l0.match(t), t).to.not.equal(undefined);
  });

  it('fires on exclamations, not on every mention inside a sentence', () => {
    for (const t of [
      'can you help me with this', 'help me find my phone please when you have a moment', '危ないことはしないでね', 'a non-stop flight', 'ノンストップで運転', 'ストップウォッチを見せて',
      'the fire in the fireplace is warm tonight', '我昨天摔倒了但是现在没事了大家放心吧', 'i hurt my knee playing football last week so we should walk slowly', '集まってください',
      'wait for me at the door when i get home from work tonight', 'この前ガムを踏んでるのに気づかなかったんだよね',
    ]) {
      expect(l0.match(t), t).to.equal(undefined);
    }
  });

  it('traditional Chinese stop words and doubled colloquial stops', () => {
    for (const t of ['停下來', '別動！', '不要動', '不許動', '緊急停止', '煞車', '快停快停', '停停停', '打住打住', '別別別', '等等等等']) {
      expect(l0.match(t), t).to.deep.include({ kind: 'stop' });
    }
  });
});
