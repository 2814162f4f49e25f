import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { toTraditionalForms } from '../../src/lang/chinese-script';
import { PHRASE_LANGUAGES, shippedPhrasebook, type Phrasebook } from '../../src/lang/phrasebook';
import { createEmergencyReflex, FULL_NORMALISE_MAX } from '../../src/reflex/emergency-reflex';
import { SCAN_CHUNK } from '../../src/reflex/stop-word-scan';
import { createOldLongStopPath } from './old-long-stop-path';

/**
 * L0 on text longer than the full normaliser takes (the one-pass stop word scan): every stop
 * word, however disguised, anywhere in it; everything the three regex passes it replaced found;
 * the same word boundaries; linear on hostile text.
 */
describe('reflex: the stop word scan of long text', function () {
  this.timeout(60_000);
  const l0 = createEmergencyReflex();
  const oldPath = createOldLongStopPath();
  const stops = (() => {
    const book = shippedPhrasebook();
    const words = PHRASE_LANGUAGES.flatMap((l) => book[l].stop);
    return [...new Set([...words, ...book.zh.stop.flatMap(toTraditionalForms)])];
  })();
  const fillers = ['これは関係のない長い話です。', '这是一段没有关系的很长的话。', 'this is a long ramble about nothing. ', '天気がいいので公園を散歩します ', 'lorem ipsum dolor sit amet, ', '12345 67890 😀 '];
  const fill = (n: number, i = 0) => (fillers[i % fillers.length] as string).repeat(Math.ceil(n / 10)).slice(0, n);
  /** Characters a reader does not see, one of each kind the fold drops. */
  const invisible = ['\u200b', '\u200c', '\u200d', '\u00ad', '\u200e', '\u200f', '\u202a', '\u202e', '\u2060', '\ufeff', '\u034f', '\ufe0f', '\ufe00', '\u{e0100}', '\u{e0041}', '\u180e', '\u0301', '\u0336', '\u20e3', '\u3164'];

  const isCjk = (ch: string) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch);
  const toKatakana = (w: string) => w.replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
  /** Katakana to halfwidth: from the NFKC of the halfwidth block, voiced kana as base + ﾞ/ﾟ. */
  const halfwidth = (() => {
    const map = new Map<string, string>();
    for (let c = 0xff66; c <= 0xff9d; c++) map.set(String.fromCharCode(c).normalize('NFKC'), String.fromCharCode(c));
    return (w: string) =>
      [...w]
        .map((ch) => {
          if (map.has(ch)) return map.get(ch) as string;
          const [base, mark] = [...ch.normalize('NFD')];
          return base && map.has(base) && mark ? (map.get(base) as string) + (mark === '\u3099' ? 'ﾞ' : 'ﾟ') : ch;
        })
        .join('');
  })();
  const fullwidth = (w: string) => w.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

  /** A stop phrase as recognisers and keyboards deliver it: one disguise of each kind, chosen at random. */
  const disguised = fc
    .record({
      word: fc.constantFrom(...stops),
      script: fc.constantFrom('as is', 'katakana', 'halfwidth', 'fullwidth', 'upper'),
      hidden: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...invisible)), { maxLength: 3 }),
      spaces: fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\u3000', '  ', '\t')), { maxLength: 2 }),
      stretch: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 3, max: 6 }))),
    })
    .map(({ word, script, hidden, spaces, stretch }) => {
      let chars = [...word];
      if (stretch) {
        // A Latin letter said three times or more ("stooop"), not one of a double ("freeze"); a long-vowel mark after a kana or kanji.
        const [at, times] = stretch;
        const i = at % chars.length;
        const ch = chars[i] as string;
        if (/[a-z]/.test(ch) && chars[i - 1] !== ch && chars[i + 1] !== ch) chars[i] = ch.repeat(times);
        else if (isCjk(ch)) chars[i] = ch + 'ー'.repeat(times - 2);
      }
      for (const [at, sp] of spaces) {
        const i = 1 + (at % Math.max(1, chars.length - 1));
        if (i < chars.length && isCjk((chars[i - 1] as string).slice(-1)) && isCjk((chars[i] as string)[0] as string)) chars[i] = sp + chars[i];
      }
      let w = chars.join('');
      if (script === 'katakana') w = toKatakana(w);
      else if (script === 'halfwidth') w = halfwidth(toKatakana(w));
      else if (script === 'fullwidth') w = fullwidth(w);
      else if (script === 'upper') w = w.toUpperCase();
      chars = [...w];
      for (const [at, h] of hidden) {
        const i = at % (chars.length + 1);
        chars.splice(i, 0, h);
      }
      return { word, text: chars.join('') };
    });

  it('stops on a disguised stop phrase anywhere in a long text (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(disguised, fc.nat({ max: 12_000 }), fc.nat({ max: 3000 }), fc.nat(), fc.constantFrom(' ', '\n', '。', '! ', ', '), ({ text }, before, after, f, sep) => {
        const pad = Math.max(0, FULL_NORMALISE_MAX + 1 - before - after - text.length);
        const t = fill(before + pad, f) + sep + text + sep + fill(after, f + 1);
        expect(t.length).to.be.greaterThan(FULL_NORMALISE_MAX);
        expect(l0.match(t), JSON.stringify(text)).to.deep.include({ kind: 'stop' });
      }),
      { seed: 20_251_014, numRuns: 400 },
    );
  });

  it('stops wherever the regex passes it replaced (raw, skeleton, unstretched) stopped (fast-check, fixed seed)', () => {
    const tricky = [...invisible, '\u3099', '\u309a', 'ﾞ', 'ﾟ', 'ー', 'ｰ', '-', '‐', '－', ' ', '\u3000', '\t', '\n', 'ﾄ', 'ｽ', 'ｯ', 'ﾌ', 'ｓ', 'Ｓ', 'ｐ', 'S', 'T', 'O', 'P', 'a', 'x', '1', 'ア', 'ノ', 'ン', 'ウ', 'ッ', 'っ', '止', 'ま', 'て', 'で', '停', '下', '。', '!', '™', 'ﬀ', '㍿', '㌀', 'ſ', 'é', '😀', '𝐬', '~', '〜', 'ゝ', '゛'];
    const mangled = fc.tuple(fc.constantFrom(...stops), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...tricky)), { maxLength: 4 }), fc.boolean()).map(([w, inserts, upper]) => {
      const chars = [...(upper ? w.toUpperCase() : w)];
      for (const [at, ch] of inserts) chars.splice(at % (chars.length + 1), 0, ch);
      return chars.join('');
    });
    let stopped = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(mangled, fc.constantFrom(...tricky)), { minLength: 1, maxLength: 8 }), fc.boolean(), (pieces, padFirst) => {
        const piece = pieces.join('');
        const pad = '\n'.repeat(FULL_NORMALISE_MAX + 1);
        const t = padFirst ? pad + piece : piece + pad;
        if (oldPath(t) === undefined) return;
        stopped++;
        expect(l0.match(t), JSON.stringify(piece)).to.not.equal(undefined);
      }),
      { seed: 1_014, numRuns: 3000 },
    );
    // The property must have had something to compare.
    expect(stopped).to.be.greaterThan(500);
  });

  it('finds a stop word at the very start and the very end, and split by each kind of invisible character', () => {
    const body = fill(FULL_NORMALISE_MAX + 500);
    for (const w of ['stop', 'halt', 'ストップ', '止まって', '停下', '別動', 'cut it out']) {
      // A Latin word needs a boundary: a kana or kanji next to it is a letter.
      expect(l0.match(`${w} ${body}`), `${w} at the start`).to.deep.include({ kind: 'stop' });
      expect(l0.match(`${body} ${w}`), `${w} at the end`).to.deep.include({ kind: 'stop' });
      const chars = [...w];
      for (const h of invisible) {
        for (let i = 1; i < chars.length; i++) {
          const split = chars.slice(0, i).join('') + h + chars.slice(i).join('');
          expect(l0.match(`${body} ${split}`), JSON.stringify(split)).to.deep.include({ kind: 'stop' });
          expect(l0.match(`${split} ${body}`), JSON.stringify(split)).to.deep.include({ kind: 'stop' });
        }
      }
    }
  });

  it('stops at the edge of the two paths: text of FULL_NORMALISE_MAX characters, one less and one more', () => {
    for (const w of ['stop', 'st\u200bop', 'ＳＴＯＰ', 'stooop', 'ｽﾄｯﾌﾟ', 'ストーップ', '止 ま っ て', '停\u00ad下']) {
      for (const n of [FULL_NORMALISE_MAX - 1, FULL_NORMALISE_MAX, FULL_NORMALISE_MAX + 1]) {
        const body = fill(n - w.length - 1, 2);
        const t = `${body} ${w}`;
        expect(t.length).to.equal(n);
        expect(l0.match(t), `${JSON.stringify(w)} in ${n}`).to.deep.include({ kind: 'stop' });
      }
    }
  });

  it('finds a phrase that straddles the edge of a chunk at every offset, plain, split by an invisible character or stretched there', () => {
    for (const w of ['stop', 'halt', 'abort', 'whoa', 'freeze', 'cut it out', 'ストップ', '止まって', '停下', '不要动']) {
      const forms = [w, w.toUpperCase(), [...w].join('\u200b'), w.replace(/o/, 'ooo'), fullwidth(w)];
      for (const form of forms) {
        for (let k = -form.length - 2; k <= 2; k++) {
          // The form starts k units before (or after) the chunk's edge; a space keeps a Latin word a word.
          const before = SCAN_CHUNK + k - 1;
          const t = `${'。'.repeat(before)} ${form} ${'。'.repeat(FULL_NORMALISE_MAX)}`;
          expect(l0.match(t), `${JSON.stringify(form)} at ${k} from the edge`).to.deep.include({ kind: 'stop' });
        }
      }
    }
  });

  it('the hot loop lets no phrase through on its third or fourth unit, and near misses there stay misses', () => {
    // Candidates whose first two, three or four units begin a phrase, then differ: nothing stops.
    for (const w of ['about', 'abor', 'halo', 'stoa', 'whom', 'freed', 'cut in', 'stand up', 'ストッキング', '止まり', '停车', '不要走']) {
      expect(l0.match(`${fill(FULL_NORMALISE_MAX + 10, 2)} ${w} ${fill(100, 2)}`), w).to.equal(undefined);
      expect(oldPath(`${fill(FULL_NORMALISE_MAX + 10, 2)} ${w} ${fill(100, 2)}`), w).to.equal(undefined);
    }
    // The same prefixes completed, with each unit after the second disguised: they stop.
    for (const w of ['abort', 'halt', 'stop', 'whoa', 'freeze', 'ストップ', '止まって']) {
      const cs = [...w];
      for (let i = 2; i < cs.length; i++) {
        for (const h of ['\u200b', '\u00ad', '\ufe0f']) {
          const t = `${fill(FULL_NORMALISE_MAX + 10, 2)} ${cs.slice(0, i).join('')}${h}${cs.slice(i).join('')} ${fill(100, 2)}`;
          expect(l0.match(t), JSON.stringify(t.slice(-120))).to.deep.include({ kind: 'stop' });
        }
      }
    }
  });

  it('keeps the word boundaries: Latin words that only contain a stop word and the innocent katakana words do not stop a long text', () => {
    const body = fill(FULL_NORMALISE_MAX + 100);
    for (const w of ['a non-stop flight', 'nonstop', 'unstoppable', 'stops', 'e-stopped', 'ストップウォッチ', 'ノンストップ', 'ワンストップ', 'haltingly', 'whoami']) {
      expect(l0.match(`${body} ${w} ${body}`), w).to.equal(undefined);
    }
    expect(l0.match(`${fill(5000)} stop ${fill(100)}`)).to.deep.include({ kind: 'stop', word: 'stop' });
  });

  it('a katakana stop word inside katakana stops a long text: said twice, in a compound, against the name; an innocent word spelled otherwise stops too', () => {
    const body = fill(FULL_NORMALISE_MAX + 100);
    for (const w of ['ストップストップ', 'エマージェンシーストップ', 'クラウディアストップ', 'ストップクラウディア', 'ｽﾄｯﾌﾟｽﾄｯﾌﾟ', 'ブストップ', 'ノンストーップ', 'ノンｽﾄｯﾌﾟ', 'ｽﾄｯﾌﾟｳｫｯﾁ']) {
      for (const t of [`${body} ${w} ${body}`, `${body}${w}`, `${w}${body}`]) expect(l0.match(t), w).to.deep.include({ kind: 'stop' });
    }
    // An innocent word and a real stop in one text: the innocent word is blanked, the stop still found.
    for (const [a, b] of [['ノンストップで運転', 'ストップ！'], ['ストップ！', 'ノンストップで運転'], ['ストップウォッチ', 'とまって']]) {
      expect(l0.match(`${body} ${a} ${body} ${b}`), `${a} ... ${b}`).to.deep.include({ kind: 'stop' });
    }
  });

  it('reads the phrasebook it is given on long text too', () => {
    const book = structuredClone(shippedPhrasebook()) as Phrasebook;
    book.en.stop.push('banana split');
    const own = createEmergencyReflex({ phrases: book });
    expect(own.match(`${fill(5000)} BANANA\u200b   SPLIT`)).to.deep.include({ kind: 'stop', word: 'banana split' });
    expect(l0.match(`${fill(5000)} banana split`)).to.equal(undefined);
  });

  it('brings no new false stop on the intents data (lines that do not expect a stop, inside a long text)', () => {
    const pad = '\n'.repeat(FULL_NORMALISE_MAX + 1);
    let n = 0;
    for (const file of ['data/intents.dev.jsonl', 'data/intents.realistic.jsonl', 'test/reflex/heldout-intents.jsonl']) {
      for (const line of readFileSync(path.join(__dirname, '..', '..', file), 'utf8').split('\n').filter(Boolean)) {
        const { text, expect: want, accept } = JSON.parse(line) as { text: string; expect: string; accept?: string[] };
        // A line that accepts a stop ("前に進むな") is no false stop.
        if (want === 'stop' || accept?.includes('stop')) continue;
        for (const t of [pad + text, text + pad]) {
          const hit = l0.match(t);
          if (hit?.kind === 'stop') expect(oldPath(t), `${file}: ${JSON.stringify(text)} stops (${hit.word})`).to.not.equal(undefined);
          n++;
        }
      }
    }
    expect(n).to.be.greaterThan(400);
  });

  it('reads 8 MB of hostile text to its end (invisible characters, combining marks, one letter, stretches)', () => {
    const MB8 = 8 * 1024 * 1024;
    expect(l0.match('\u200b'.repeat(MB8))).to.equal(undefined);
    expect(l0.match('\u0301'.repeat(MB8))).to.equal(undefined);
    expect(l0.match('o'.repeat(MB8))).to.equal(undefined);
    expect(l0.match('s\u200b'.repeat(MB8 / 2))).to.equal(undefined);
    expect(l0.match('ー'.repeat(MB8))).to.equal(undefined);
    expect(l0.match('\u3000'.repeat(MB8))).to.equal(undefined);
    // ...and still finds the stop word at the end of each.
    expect(l0.match(`${'\u200b'.repeat(MB8)}stop`)).to.deep.include({ kind: 'stop' });
    expect(l0.match(`${'s'.repeat(MB8)}top`)).to.deep.include({ kind: 'stop' });
    expect(l0.match(`${'s\u200b'.repeat(MB8 / 2)}top`)).to.deep.include({ kind: 'stop' });
    expect(l0.match(`${'ま '.repeat(MB8 / 2)}止 ま っ て`)).to.deep.include({ kind: 'stop' });
  });
});
