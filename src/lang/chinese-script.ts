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

/** The traditional spellings of a simplified phrase (none when it is spelled the same). */
export function toTraditionalForms(phrase: string): string[] {
  const t = toTraditional(phrase);
  return t === phrase ? [] : [t];
}
