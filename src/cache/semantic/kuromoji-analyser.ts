import * as path from 'node:path';
import { createKanaTable, katakanaToHiragana } from './kana';
import { createLightJapaneseAnalyser } from './ja-analyser';
import type { LanguageAnalyser, SkeletonToken } from './types';

/**
 * Optional Japanese analyser on kuromoji's dictionary (language.japanese_analyser:
 * kuromoji). Exact base forms (座らないで -> 座る + ない) instead of the light analyser's
 * candidate sets, at a price measured here: ~0.6-0.9 s to load and ~180 MB of dictionary
 * (process RSS ~390 MB), which is over the robot's 300 MB budget; hence not the default
 * and loaded only on demand. Politeness, fillers and kana spellings are stripped by the
 * light analyser's strip() first, so both analysers agree on what counts as politeness.
 */
interface KToken {
  surface_form: string;
  pos: string;
  pos_detail_1: string;
  basic_form: string;
  conjugated_form: string;
}
interface KTokenizer {
  tokenize(text: string): KToken[];
}
interface KuromojiModule {
  builder(o: { dicPath: string }): { build(cb: (err: Error | null, t: KTokenizer) => void): void };
}

/** Non-independent verbs that only make a request polite (座ってください, 立ってもらえる). */
const POLITE_VERBS = new Set(['くださる', 'なさる', 'くれる', 'もらう', 'もらえる', 'いただく', 'いただける', 'ちょうだい', 'ほしい']);
const PROGRESSIVE = new Set(['いる', 'てる', 'でる', 'おる']);
const DROPPED_PARTICLES = new Set(['を', 'は', 'が', 'も', 'ね', 'よ', 'か', 'ぞ', 'ぜ', 'わ', 'て', 'で', 'さ']);

export function loadKuromojiTokenizer(dicPath?: string): Promise<KTokenizer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kuromoji = require('kuromoji') as KuromojiModule;
  const dir = dicPath ?? path.join(path.dirname(require.resolve('kuromoji/package.json')), 'dict');
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: dir }).build((err, tokenizer) => (err ? reject(err) : resolve(tokenizer)));
  });
}

export function createKuromojiAnalyser(tokenizer: KTokenizer): LanguageAnalyser {
  const light = createLightJapaneseAnalyser();
  const kana = createKanaTable();

  function skeleton(stripped: string): SkeletonToken[] {
    const tokens = tokenizer.tokenize(stripped);
    const out: SkeletonToken[] = [];
    const lit = (text: string) => out.push({ kind: 'lit', text: katakanaToHiragana(text) });
    tokens.forEach((t, i) => {
      const prev = tokens[i - 1];
      const base = t.basic_form === '*' ? t.surface_form : t.basic_form;
      switch (t.pos) {
        case '記号':
          return;
        case '接頭詞':
          if (base === 'お' || base === 'ご') return;
          return void lit(base);
        case '助詞':
          // 進むな: the prohibitive な after a plain verb is a negation.
          if (base === 'な' && t.pos_detail_1 === '終助詞' && prev?.pos === '動詞') return void lit('〈neg〉');
          if (DROPPED_PARTICLES.has(base)) return;
          return void lit(base);
        case '助動詞':
          if (base === 'ない' || base === 'ぬ' || base === 'ん') return void lit('〈neg〉');
          if (base === 'た' || (base === 'だ' && prev?.pos === '動詞')) return void lit('〈past〉');
          if (base === 'たい') return void lit('〈want〉');
          return; // ます, です, う, よう, copula だ
        case '動詞':
          if (t.pos_detail_1 === '非自立' && POLITE_VERBS.has(base)) return;
          if (t.pos_detail_1 === '非自立' && PROGRESSIVE.has(base)) return void lit('〈prog〉');
          // The light verb after a verbal noun: ダンスする, お願いする.
          if (base === 'する' && prev && (prev.pos_detail_1 === 'サ変接続' || prev.pos === '名詞')) return;
          lit(base);
          // A plain dictionary form at the end (座る？, 座れる？) is a statement or question, not a request.
          if (t.conjugated_form === '基本形' && isEnd(tokens, i + 1)) lit('〈dict〉');
          return;
        case '名詞':
          // お座り / 座り: a kanji + i-row kana noun is a verb's masu stem used as a command
          // (the light strip() already dropped the honorific お): 座り -> 座る.
          return void lit(/^\p{Script=Han}+\p{Script=Hiragana}$/u.test(base) ? stemToVerb(base, kana) : base);
        default:
          return void lit(base);
      }
    });
    return out;
  }

  return { strip: light.strip, skeleton };
}

/** Nothing but punctuation and sentence-final particles (other than the prohibitive な) follows. */
function isEnd(tokens: KToken[], from: number): boolean {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k] as KToken;
    if (t.pos === '記号') continue;
    if (t.pos === '助詞' && t.pos_detail_1.includes('終助詞') && t.basic_form !== 'な') continue;
    return false;
  }
  return true;
}

function stemToVerb(noun: string, kana: ReturnType<typeof createKanaTable>): string {
  const chars = Array.from(noun);
  const last = chars[chars.length - 1] ?? '';
  const info = kana.get(last);
  if (chars.length < 2 || !info || info.vowel !== 'i') return noun;
  return chars.slice(0, -1).join('') + info.u;
}
