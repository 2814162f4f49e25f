/**
 * Cheap, allocation-light text folding shared by the reflexes and caches:
 * NFKC (full/half width, compatibility forms), lower case, punctuation and symbols
 * (incl. emoji) to spaces, whitespace collapsed, spaces between CJK characters removed
 * (recognisers insert them at random), wave dashes, repeated long-vowel marks, kana
 * iteration marks and small-kana/sokuon stutters folded.
 */
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}\p{Cc}\p{Co}\p{Cn}]+/gu;
/**
 * Characters a reader does not see: format characters (zero-width space and joiners, soft
 * hyphen, bidi marks, BOM), the combining grapheme joiner, variation selectors and the
 * Mongolian free variation selectors. Removed, not turned into spaces: "止\u200bまって" is
 * "止まって", and "st\u00adop" is "stop".
 */
// The class lists joiners and variation selectors on purpose.
// eslint-disable-next-line no-misleading-character-class
export const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;
/**
 * Combining marks left after NFKC (marks stacked on a letter, "s\u0336top", "ストップ\u0301"):
 * removed. The kana voicing marks (U+3099, U+309A) are kept; NFKC has composed them where a
 * precomposed kana exists.
 */
const COMBINING = /[\p{Mn}\p{Me}](?<![\u3099\u309a])/gu;

/**
 * Printable ASCII, the common CJK punctuation 、。「」, kana letters, ー and the CJK unified
 * ideographs: NFKC leaves each of them alone and none is invisible or combining, so text made
 * only of them (most utterances) skips the three Unicode passes. Full-width forms, the
 * ideographic space, iteration marks and everything else take them.
 */
export const FOLD_FREE = /^[\t\n\r\x20-\x7e\u3001\u3002\u300c\u300d\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]*$/;
/**
 * The same with the full-width ASCII forms and the ideographic space (！？，：, common in CJK
 * recogniser output): NFKC maps each of them to its ASCII character, alone and next to any
 * FOLD_FREE character.
 */
export const FOLD_FREE_OR_WIDE = /^[\t\n\r\x20-\x7e\u3000-\u3002\u300c\u300d\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\uff01-\uff5e]*$/;
const WIDE = /[\u3000\uff01-\uff5e]/g;
const narrow = (c: string) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0));

/** Invisible characters out, NFKC, stray combining marks out: what every matcher sees first. */
export function foldInvisible(text: string): string {
  if (FOLD_FREE.test(text)) return text;
  if (FOLD_FREE_OR_WIDE.test(text)) return text.replace(WIDE, narrow);
  return text.replace(INVISIBLE, '').normalize('NFKC').replace(COMBINING, '');
}
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー々〆';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');
/** Kana iteration marks (ゝゞヽヾ): expanded so "すゞめ" and "すずめ" fold alike. */
const ITERATION = /([\p{Script=Hiragana}\p{Script=Katakana}])([ゝゞヽヾ])/gu;
const WAVE_DASHES = /[~〜～]+/g;
const LONG_MARKS = /ー{2,}/g;
const SOKUON_RUN = /([っッ])[っッ]+/g;
/** Keep English contractions (don't) as one word: U+02BC is a letter, not punctuation. */
const CONTRACTION = /(?<=\p{L})['’](?=\p{L})/gu;
/** Decimal point: "1.5m" must not become "1 5m" (U+02B9 is a letter, so it survives). */
const DECIMAL_POINT = /(?<=\d)\.(?=\d)/g;
/** Degree sign: part of "90°", not punctuation. */
const DEGREE = /°/g;
const SPACES = /\s+/g;
/** A sokuon ending an exclamation: "止まれっ！" -> "止まれ". */
const FINAL_SOKUON = /(?<=\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Han})[っッ](?=\s|$)/gu;

// The passes below run on every utterance (several times: L0, the front end, the caches).
// Each costs a scan of the text with a Unicode-aware regex; a pass that cannot change the
// text is skipped on a cheaper test of the one character it needs.
const HAS_ITERATION_MARK = /[ゝゞヽヾ]/;
const HAS_SOKUON = /[っッ]/;
const HAS_APOSTROPHE = /['’]/;
/** A character that may be punctuation, a symbol, a control or unassigned (the rest are letters, digits and the space). */
export const NEEDS_PUNCTUATION_PASS = /[^ a-z0-9\u02b9\u02ba\u02bc\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]/;
const HAS_MARKER = /[\u02b9\u02ba\u02bc]/;
const MARKED_APOSTROPHE = /\u02bc/g;
const MARKED_POINT = /\u02b9/g;
const MARKED_DEGREE = /\u02ba/g;

export function normaliseText(text: string): string {
  let s = foldInvisible(text).toLowerCase();
  if (HAS_ITERATION_MARK.test(s)) s = s.replace(ITERATION, (_m, c: string, mark: string) => c + iterate(c, mark));
  s = s.replace(WAVE_DASHES, '').replace(LONG_MARKS, 'ー');
  // Nothing below adds a sokuon or removes the last one of a run.
  const sokuon = HAS_SOKUON.test(s);
  if (sokuon) s = s.replace(SOKUON_RUN, '$1');
  if (HAS_APOSTROPHE.test(s)) s = s.replace(CONTRACTION, '\u02bc');
  if (s.includes('.')) s = s.replace(DECIMAL_POINT, '\u02b9');
  s = s.replace(DEGREE, '\u02ba');
  if (NEEDS_PUNCTUATION_PASS.test(s)) s = s.replace(PUNCT_OR_SYMBOL, ' ');
  if (HAS_MARKER.test(s)) s = s.replace(MARKED_APOSTROPHE, "'").replace(MARKED_POINT, '.').replace(MARKED_DEGREE, '°');
  s = s.replace(SPACES, ' ').trim();
  if (s.includes(' ')) s = s.replace(SPACE_BETWEEN_CJK, '');
  return sokuon ? s.replace(FINAL_SOKUON, '') : s;
}

function iterate(prev: string, mark: string): string {
  if (mark === 'ゝ' || mark === 'ヽ') return prev;
  // Voiced iteration: the previous kana plus a dakuten, composed.
  return (prev + '\u3099').normalize('NFC');
}

/** Katakana to hiragana, so grammars and n-grams see one kana script (ダンス = だんす). */
const HAS_KATAKANA = /[\u30a1-\u30f6]/;

export function foldKana(text: string): string {
  // Most text has no katakana: no new string (this runs several times per utterance).
  if (!HAS_KATAKANA.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCodePoint(c - 0x60) : ch;
  }
  return out;
}

/** Bounds input before any heavier processing, so nothing blocks the loop in front of a stop. */
export function boundText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  // Do not split a surrogate pair.
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}
