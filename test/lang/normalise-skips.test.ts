import { expect } from 'chai';
import { FOLD_FREE, FOLD_FREE_OR_WIDE, foldInvisible, INVISIBLE, NEEDS_PUNCTUATION_PASS, normaliseText } from '../../src/lang/normalise';

/** Every code point a character class (a one-class regex over the BMP) accepts. */
function members(re: RegExp): number[] {
  const out: number[] = [];
  for (let cp = 0; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) if (re.test(String.fromCharCode(cp))) out.push(cp);
  return out;
}

describe('lang: normaliseText skips the passes that cannot change the text', () => {
  it('text of FOLD_FREE characters only is left alone by NFKC, and holds nothing invisible or combining', () => {
    const free = members(FOLD_FREE);
    expect(free.length).to.be.greaterThan(20000);
    const changed = free.filter((cp) => {
      const c = String.fromCharCode(cp);
      INVISIBLE.lastIndex = 0;
      return c.normalize('NFKC') !== c || INVISIBLE.test(c) || /[\p{Mn}\p{Me}]/u.test(c);
    });
    expect(changed.map((cp) => cp.toString(16))).to.deep.equal([]);
    // The ideographic space, full-width forms and iteration marks are not in it: NFKC or the iteration pass changes them.
    for (const c of ['\u3000', 'Ｓ', '！', 'ｽ', 'ゝ', '\u200b', '\u0301']) expect(FOLD_FREE.test(c), c).to.equal(false);
  });

  it('the full-width ASCII forms and the ideographic space NFKC to ASCII, alone and beside any FOLD_FREE character', () => {
    const wide = members(FOLD_FREE_OR_WIDE).filter((cp) => !FOLD_FREE.test(String.fromCharCode(cp)));
    expect(wide.map((cp) => cp.toString(16))).to.deep.equal(['3000', ...Array.from({ length: 0x5e }, (_v, i) => (0xff01 + i).toString(16))]);
    const ascii = (cp: number) => (cp === 0x3000 ? ' ' : String.fromCharCode(cp - 0xfee0));
    const bad: string[] = [];
    // Beside every FOLD_FREE character outside the ideographs (those have no compositions at all), both ways round.
    const neighbours = members(FOLD_FREE).filter((cp) => cp < 0x4e00);
    for (const w of wide) {
      const c = String.fromCharCode(w);
      if (c.normalize('NFKC') !== ascii(w)) bad.push(c);
      for (const n of neighbours) {
        const x = String.fromCharCode(n);
        if ((x + c).normalize('NFKC') !== x + ascii(w) || (c + x).normalize('NFKC') !== ascii(w) + x) bad.push(x + c);
      }
    }
    expect(bad).to.deep.equal([]);
    expect(normaliseText('座って！')).to.equal('座って');
    expect(normaliseText('ｓｔｏｐ，ｐｌｅａｓｅ')).to.equal('stop please');
    expect(normaliseText('ＳＴＯＰ\u200b！')).to.equal('stop');
    expect(normaliseText('ｽﾄｯﾌﾟ！')).to.equal('ストップ');
  });

  it('text that is FOLD_FREE except for one character still takes the Unicode passes', () => {
    expect(foldInvisible('stop\u200b')).to.equal('stop');
    expect(normaliseText('sTOＰ')).to.equal('stop');
    expect(normaliseText('s\u0336top')).to.equal('stop');
    expect(normaliseText('止\u3000まって')).to.equal('止まって');
    expect(normaliseText('ストップ\u0301')).to.equal('ストップ');
    expect(normaliseText('ｽﾄｯﾌﾟして')).to.equal('ストップして');
  });

  it('characters outside NEEDS_PUNCTUATION_PASS are never punctuation, symbols, controls or unassigned', () => {
    const plain: number[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCharCode(cp);
      if (!NEEDS_PUNCTUATION_PASS.test(c)) plain.push(cp);
    }
    expect(plain.length).to.be.greaterThan(20000);
    const punct = plain.filter((cp) => /[\p{P}\p{S}\p{Cc}\p{Co}\p{Cn}]/u.test(String.fromCharCode(cp)));
    expect(punct.map((cp) => cp.toString(16))).to.deep.equal([]);
  });

  it('one punctuation mark, control, apostrophe, decimal point or sokuon in otherwise plain text still takes its pass', () => {
    expect(normaliseText('sit down!')).to.equal('sit down');
    expect(normaliseText('sit\tdown')).to.equal('sit down');
    expect(normaliseText('座って。')).to.equal('座って');
    expect(normaliseText("sit'")).to.equal('sit');
    expect(normaliseText("don't")).to.equal("don't");
    expect(normaliseText('don’t')).to.equal("don't");
    expect(normaliseText('rock ’n roll')).to.equal('rock n roll');
    expect(normaliseText('go 1.5 m.')).to.equal('go 1.5 m');
    expect(normaliseText('止まれっ')).to.equal('止まれ');
    expect(normaliseText('ストッップ')).to.equal('ストップ');
    expect(normaliseText('止 ま っ て')).to.equal('止まって');
    expect(normaliseText('すゞめ')).to.equal('すずめ');
  });
});
