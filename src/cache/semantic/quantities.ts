import type { Language } from '../../lang/types';

/**
 * Numbers and units for the number guard: 2歩 vs 5歩, 转180度 vs 转90度, twice vs three
 * times, 1メートル vs 1歩. Values are parsed (三 = 3, 十五 = 15, 两 = 2, twice = 2) so 3回 and
 * 三回 agree; the result is a sorted list of "value" and "unit:<name>" items.
 */
const KANJI_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const KANJI_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };
const KANJI_NUMBER = /[〇零一二两三四五六七八九十百千万]+/gu;
/** Words with a numeral inside that are not quantities. */
const NOT_NUMBERS = /一緒|一番|一度も|一応|一体|一人で|一起|一样|一直|一定|万一|統一|唯一|一下子/gu;

const EN_NUMBERS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90, hundred: 100, half: 0.5, once: 1, twice: 2,
  thrice: 3, couple: 2, few: 3, several: 4, dozen: 12, single: 1, double: 2, triple: 3,
};
const UNITS: Array<[RegExp, string]> = [
  [/めーとる|米(?!饭)|\bm\b|\bmeters?\b|\bmetres?\b/gu, 'm'],
  [/せんち|厘米|\bcm\b|\bcentimet(?:er|re)s?\b/gu, 'cm'],
  [/度|\bdegrees?\b|°/gu, 'deg'],
  [/歩|步|\bsteps?\b|\bpaces?\b/gu, 'step'],
  [/回(?![転っりるれろら])|次|遍|\btimes\b|\bonce\b|\btwice\b|\bthrice\b/gu, 'times'],
  [/秒|\bseconds?\b|\bsecs?\b/gu, 's'],
  [/分(?!か)|分钟|\bminutes?\b|\bmins?\b/gu, 'min'],
  [/周|圈|\blaps?\b|\bcircles?\b/gu, 'lap'],
  [/きろ|公里|\bkm\b|\bkilomet(?:er|re)s?\b/gu, 'km'],
];

export function parseKanjiNumber(s: string): number {
  let total = 0;
  let current = 0;
  for (const ch of s) {
    const d = KANJI_DIGITS[ch];
    if (d !== undefined) {
      current = current * 10 + d;
      continue;
    }
    const unit = KANJI_UNITS[ch] as number;
    total += (current === 0 ? 1 : current) * unit;
    current = 0;
  }
  return total + current;
}

export function extractQuantities(text: string, language: Language): string[] {
  const items: string[] = [];
  const t = text.replace(NOT_NUMBERS, ' ');
  for (const m of t.matchAll(/\d+(?:\.\d+)?/g)) items.push(String(Number(m[0])));
  if (language !== 'en') {
    for (const m of t.matchAll(KANJI_NUMBER)) items.push(String(parseKanjiNumber(m[0])));
    for (const m of t.matchAll(/半/gu)) if (m[0]) items.push('0.5');
  }
  if (language === 'en' || language === '') {
    for (const w of t.split(/[^a-z]+/)) {
      // Own keys only: an utterance word such as "constructor" must not read Object.prototype.
      if (Object.hasOwn(EN_NUMBERS, w)) items.push(String(EN_NUMBERS[w]));
    }
  }
  for (const [re, unit] of UNITS) for (const _ of t.matchAll(re)) items.push(`unit:${unit}`);
  return items.sort();
}

/** Counters after which a kanji numeral is a quantity (三回 = 3回), so skeletons agree on digits. */
const COUNTED = /[〇零一二两三四五六七八九十百千万]+(?=回|歩|步|度|秒|分|個|个|つ|番|次|遍|米|圈|周|メートル|センチ|キロ|下(?!さい))/gu;

/** Writes counted kanji numerals as digits: 三回ジャンプ -> 3回ジャンプ, 走五步 -> 走5步. */
export function digitiseCounted(text: string): string {
  return text.replace(COUNTED, (m) => String(parseKanjiNumber(m)));
}

const EN_DIGITS = new Set(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'ninety', 'hundred']);

/** English number words as digits (jump two times = jump 2 times). */
export function digitiseEnglish(words: string[]): string[] {
  return words.map((w) => (EN_DIGITS.has(w) ? String(EN_NUMBERS[w]) : w));
}
