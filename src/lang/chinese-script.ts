import * as cn2t from 'opencc-js/cn2t';
import * as t2cn from 'opencc-js/t2cn';
import type { DictGroup } from 'opencc-js/t2cn';

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

/** The conversion toSimplified makes (OpenCC's names: its `tw2s` configuration). */
const TO_SIMPLIFIED = { from: 'tw', to: 'cn', config: 'tw2s' } as const;

/** Traditional (OpenCC standard, Taiwan and Hong Kong forms) to simplified. */
export function toSimplified(text: string): string {
  if (!HAS_HAN.test(text) || !mayConvert(text)) return text;
  toCn ??= t2cn.Converter({ from: TO_SIMPLIFIED.from, to: TO_SIMPLIFIED.to });
  return toCn(text);
}

let witnesses: Uint8Array | undefined;

/**
 * Whether the converter may change the text. Every entry of its dictionaries that rewrites
 * (source and replacement differ) can only apply where all of its source is in the text, so one
 * character of each source, the first the replacement changes, is its witness: text holding no
 * witness comes back from opencc-js as it went in, and most simplified text skips its tens of
 * microseconds. Built from the converter's own dictionaries on first use; a character outside the
 * BMP is looked for by its high surrogate (a superset).
 */
export function mayConvert(text: string): boolean {
  witnesses ??= buildWitnesses();
  for (let i = 0; i < text.length; i++) if (witnesses[text.charCodeAt(i)]) return true;
  return false;
}

function buildWitnesses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const { from, to, configs } = t2cn.Locale;
  // Its typings leave out the normalisation chain (the compatibility ideographs) it has.
  const config = configs?.[TO_SIMPLIFIED.config] as { normalizationChain?: readonly DictGroup[]; conversionChain: readonly DictGroup[] } | undefined;
  // What the converter reads: the configuration when there is one, else the from and to
  // dictionaries; both, to be safe. Segmentation only cuts the text, it rewrites nothing.
  const groups = [...(from[TO_SIMPLIFIED.from] ?? []), ...(to[TO_SIMPLIFIED.to] ?? []), ...(config?.normalizationChain ?? []), ...(config?.conversionChain ?? [])];
  for (const group of groups) {
    for (const dict of group) {
      const entries = typeof dict === 'string' ? dict.split('|').map((line) => line.split(' ')) : dict;
      for (const [source = '', replacement] of entries) {
        if (source === replacement || !source) continue;
        const a = [...source];
        const b = [...(replacement ?? '')];
        let i = 0;
        while (i < a.length - 1 && a[i] === b[i]) i++;
        table[(a[i] as string).charCodeAt(0)] = 1;
      }
    }
  }
  return table;
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
