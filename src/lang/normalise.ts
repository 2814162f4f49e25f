/**
 * Cheap, allocation-light text folding shared by the reflexes and caches:
 * NFKC (full/half width, compatibility forms), lower case, punctuation and symbols
 * (incl. emoji) to spaces, whitespace collapsed, spaces between CJK characters removed
 * (recognisers insert them at random), wave dashes and repeated long-vowel marks folded.
 */
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}\p{Cc}\p{Cf}\p{Co}\p{Cn}]+/gu;
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー々〆';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');

export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[~〜～]+/g, '')
    .replace(/ー{2,}/g, 'ー')
    .replace(/(?<=\p{L})['’](?=\p{L})/gu, '\u0000') // keep English contractions (don't) as one word
    .replace(PUNCT_OR_SYMBOL, ' ')
    .replace(/\u0000/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(SPACE_BETWEEN_CJK, '');
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
