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

/** Invisible characters out, NFKC, stray combining marks out: what every matcher sees first. */
export function foldInvisible(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFKC').replace(COMBINING, '');
}
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー々〆';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');
/** Kana iteration marks (ゝゞヽヾ): expanded so "すゞめ" and "すずめ" fold alike. */
const ITERATION = /([\p{Script=Hiragana}\p{Script=Katakana}])([ゝゞヽヾ])/gu;

export function normaliseText(text: string): string {
  return foldInvisible(text)
    .toLowerCase()
    .replace(ITERATION, (_m, c: string, mark: string) => c + iterate(c, mark))
    .replace(/[~〜～]+/g, '')
    .replace(/ー{2,}/g, 'ー')
    .replace(/([っッ])[っッ]+/g, '$1')
    .replace(/(?<=\p{L})['’](?=\p{L})/gu, '\u02bc') // keep English contractions (don't) as one word: U+02BC is a letter, not punctuation
    .replace(/(?<=\d)\.(?=\d)/g, '\u02b9') // decimal point: "1.5m" must not become "1 5m" (U+02B9 is a letter, so it survives)
    .replace(/°/g, '\u02ba') // degree sign: part of "90°", not punctuation
    .replace(PUNCT_OR_SYMBOL, ' ')
    .replace(/\u02bc/g, "'")
    .replace(/\u02b9/g, '.')
    .replace(/\u02ba/g, '°')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(SPACE_BETWEEN_CJK, '')
    // A sokuon ending an exclamation: "止まれっ！" -> "止まれ".
    .replace(/(?<=\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Han})[っッ](?=\s|$)/gu, '');
}

function iterate(prev: string, mark: string): string {
  if (mark === 'ゝ' || mark === 'ヽ') return prev;
  // Voiced iteration: the previous kana plus a dakuten, composed.
  return (prev + '\u3099').normalize('NFC');
}

/** Katakana to hiragana, so grammars and n-grams see one kana script (ダンス = だんす). */
export function foldKana(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCodePoint(c - 0x60) : ch;
  }
  return out;
}

/**
 * Wake words a speaker puts in front of a command ("クラウディア、座って", "hey claudia sit").
 * Matched on normalised text; the longest first so "hey claudia" beats "hey".
 */
const WAKE_WORDS = [
  'hey claudia', 'hi claudia', 'ok claudia', 'okay claudia', 'claudia', 'hey robot', 'hey dog', 'hey',
  'ねえくらうでぃあ', 'ねぇくらうでぃあ', 'くらうでぃあちゃん', 'くらうでぃあ', 'ねえねえ', 'ねえ', 'ねぇ', 'ねー', 'おい',
  '克劳迪娅', '克劳蒂亚', '嘿',
].sort((a, b) => b.length - a.length);

/**
 * Splits a leading wake word off normalised text. The rest must not be empty: "claudia"
 * alone is a call, not a command, and stays as it is.
 */
export function stripWakeWord(normalised: string): { wake: string; rest: string } {
  // Wake words are short: fold only the head, so a long utterance costs nothing here.
  const folded = foldKana(normalised.slice(0, 24));
  for (const w of WAKE_WORDS) {
    if (!folded.startsWith(w)) continue;
    const rest = normalised.slice(w.length);
    // A Latin wake word must end at a word boundary ("heyday" is not "hey").
    if (/^[a-z]/.test(w) && rest.length > 0 && !rest.startsWith(' ')) continue;
    const trimmed = rest.trim();
    if (trimmed.length === 0) return { wake: '', rest: normalised };
    return { wake: normalised.slice(0, w.length), rest: trimmed };
  }
  return { wake: '', rest: normalised };
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
