import { distance } from 'fastest-levenshtein';
import { foldKana } from './normalise';

/**
 * The robot's name as a recogniser mishears it, beyond the spellings listed in the phrasebook:
 * a word that differs from one of the listed names (config/phrases/*.yaml `wake`) by one or two
 * letters, kana or characters, compared on a folded form. Latin names are folded by sound
 * (c/k/q, y/i, w/u, au/ou/o: "klowdya" = "claudia") and may be heard as two words ("cloud ya",
 * "claw dia"); kana without long marks and small kana (クラウデイア = クラウディア), Chinese
 * character by character. Longer names tolerate more.
 */
export interface NameMatcher {
  /** The length of a misheard name at the start of `text` (0 when there is none). */
  head(text: string): number;
  /** The length of a misheard name at the end of `text` (0 when there is none). */
  tail(text: string): number;
}

const LATIN_NAME = /^[a-z]{5,}$/;
const KANA_NAME = /^[\u3041-\u3096\u30a1-\u30fcー]{4,}$/;
const HAN_NAME = /^\p{Script=Han}{3,}$/u;
/** A Han character at the start / at the end: every Han name piece needs one there. */
const HAN_START = /^\p{Script=Han}/u;
const HAN_END = /\p{Script=Han}$/u;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const LATIN_HEAD = /^[a-z]+/;
const LATIN_TAIL = /[a-z]+$/;
const KATAKANA_HEAD = /^[\u30a1-\u30fcー]+/;
const KATAKANA_TAIL = /[\u30a1-\u30fcー]+$/;
/** The name heard as two words ("cloud ya", "claw dia"). */
const TWO_WORD_HEAD = /^([a-z]{2,}) ([a-z]{2,})(?= )/;
const TWO_WORD_TAIL = /(?<= )([a-z]{2,}) ([a-z]{2,})$/;

const PH = /ph/g;
const K_SOUNDS = /[ckq]+/g;
const Y = /y/g;
const W = /w/g;
const O_SOUNDS = /(au|ou|oa)/g;
const DOUBLED = /(.)\1+/g;
const SMALL_KANA = /[ーぁぃぅぇぉっゃゅょ]/g;

export function foldLatin(w: string): string {
  return w.replace(PH, 'f').replace(K_SOUNDS, 'k').replace(Y, 'i').replace(W, 'u').replace(O_SOUNDS, 'o').replace(DOUBLED, '$1');
}

function foldKanaName(w: string): string {
  return foldKana(w).replace(SMALL_KANA, '');
}

/** Edits allowed for a folded name of this length: one up to five, two from six. */
function allowed(len: number): number {
  return len >= 6 ? 2 : 1;
}

export function createNameMatcher(wakeWords: readonly string[]): NameMatcher {
  const latin = [...new Set(wakeWords.filter((w) => LATIN_NAME.test(w)).map(foldLatin))];
  const kana = [...new Set(wakeWords.filter((w) => KANA_NAME.test(w)).map(foldKanaName))];
  const han = [...new Set(wakeWords.filter((w) => HAN_NAME.test(w)))];
  const near = (folded: string, names: string[]) => names.some((n) => folded.length >= 3 && distance(folded, n) <= allowed(n.length));
  // A word's first sound depends on its first two letters only (ph, au/ou/oa): the first letters
  // that can begin a name's first sound; a word starting with another letter is no name, unfolded.
  const firstSounds = new Set(latin.map((n) => n.charAt(0)));
  const nameInitials = new Set<string>();
  for (const a of LETTERS) for (const b of LETTERS) if (firstSounds.has(foldLatin(a + b).charAt(0))) nameInitials.add(a);

  /** Same first and last sound as a name, one or two edits inside ("klowdya", not "cloudy" or "gloria"). */
  function latinWord(word: string): boolean {
    if (!LATIN_NAME.test(word) || !nameInitials.has(word.charAt(0))) return false;
    const f = foldLatin(word);
    return near(f, latin.filter((n) => n[0] === f[0] && n[n.length - 1] === f[f.length - 1]));
  }
  /** A kana run: the whole run must be near a name (クラウデイア, not the first kana of a longer word). */
  function kanaRun(run: string): boolean {
    return run.length >= 4 && near(foldKanaName(run), kana);
  }
  /** Han text: a prefix or suffix of a name's length (or one off) that differs in at most one character. */
  function hanAt(text: string, end: boolean): number {
    // The piece is the text's start or end, so the text must start or end with a Han character
    // (two code units at the end hold a whole surrogate pair).
    if (han.length === 0 || !(end ? HAN_END.test(text.slice(-2)) : HAN_START.test(text))) return 0;
    // A name's own length first, then one character short or long; one character may differ.
    for (const off of [0, -1, 1]) {
      for (const n of han) {
        const len = n.length + off;
        if (len < 3 || len > text.length - 1) continue;
        const piece = end ? text.slice(text.length - len) : text.slice(0, len);
        // Share the first or last character (a misheard syllable, not a different word).
        if (piece[0] !== n[0] && piece[piece.length - 1] !== n[n.length - 1]) continue;
        if (!HAN_NAME.test(piece)) continue;
        if (distance(piece, n) <= 1) return len;
      }
    }
    return 0;
  }

  return {
    head(text) {
      const m = LATIN_HEAD.exec(text);
      if (m && latinWord(m[0]) && text.length > m[0].length) return m[0].length;
      const two = TWO_WORD_HEAD.exec(text);
      if (two && latinWord((two[1] as string) + (two[2] as string))) return two[0].length;
      const k = KATAKANA_HEAD.exec(text)?.[0];
      if (k && kanaRun(k) && text.length > k.length) return k.length;
      return hanAt(text, false);
    },
    tail(text) {
      const m = LATIN_TAIL.exec(text);
      if (m && latinWord(m[0]) && text.length > m[0].length) return m[0].length;
      const two = TWO_WORD_TAIL.exec(text);
      if (two && latinWord((two[1] as string) + (two[2] as string))) return two[0].length;
      const k = KATAKANA_TAIL.exec(text)?.[0];
      if (k && kanaRun(k) && text.length > k.length) return k.length;
      return hanAt(text, true);
    },
  };
}
