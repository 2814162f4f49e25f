import * as cn2t from 'opencc-js/cn2t';
import * as t2cn from 'opencc-js/t2cn';

/**
 * One script for Chinese: traditional text is converted to simplified with opencc-js (the
 * OpenCC dictionaries, no hand-written table) before language detection, the grammar and the
 * cache, so 請坐下 and 请坐下 are one utterance; the reply is converted back for a user who
 * wrote traditional. Never applied to Japanese text, which shares kanji (動かないで must not
 * become 动かないで): the caller decides that the text is Chinese.
 */
let toCn: ((s: string) => string) | undefined;
let toT: ((s: string) => string) | undefined;

const HAS_HAN = /\p{Script=Han}/u;

/** Traditional (OpenCC standard, Taiwan and Hong Kong forms) to simplified. */
export function toSimplified(text: string): string {
  if (!HAS_HAN.test(text)) return text;
  toCn ??= t2cn.Converter({ from: 'tw', to: 'cn' });
  return toCn(text);
}

export function toTraditional(text: string): string {
  if (!HAS_HAN.test(text)) return text;
  toT ??= cn2t.Converter({ from: 'cn', to: 'tw' });
  return toT(text);
}

let toJp: ((s: string) => string) | undefined;
/**
 * Traditional characters the converter keeps as Japanese forms but Japanese text without kana
 * does not use: the question particle 嗎, 們, 這, 麼, 妳, 裡 (你可以握手嗎 is Chinese).
 */
const NOT_JAPANESE = /[嗎們這麼妳裡]/u;

/**
 * True when every character of the text is also written so in Japanese (請坐下, 今何時, 前進):
 * such kanji-only text may be Japanese, so it is not simply converted. 來, 轉, 險, 會 are not
 * Japanese forms (来, 転, 険, 会), and 嗎, 們, 這 not Japanese words, so text holding one is Chinese.
 */
export function isAlsoJapanese(text: string): boolean {
  if (!HAS_HAN.test(text)) return true;
  if (NOT_JAPANESE.test(text)) return false;
  toJp ??= cn2t.Converter({ from: 't', to: 'jp' });
  return toJp(text) === text;
}

/** The traditional spellings of a simplified phrase (none when it is spelled the same). */
export function toTraditionalForms(phrase: string): string[] {
  const t = toTraditional(phrase);
  return t === phrase ? [] : [t];
}
