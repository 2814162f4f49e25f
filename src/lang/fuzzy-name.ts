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

function foldLatin(w: string): string {
  return w.replace(/ph/g, 'f').replace(/[ckq]+/g, 'k').replace(/y/g, 'i').replace(/w/g, 'u').replace(/(au|ou|oa)/g, 'o').replace(/(.)\1+/g, '$1');
}

function foldKanaName(w: string): string {
  return foldKana(w).replace(/[ーぁぃぅぇぉっゃゅょ]/g, '');
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

  /** Same first and last sound as a name, one or two edits inside ("klowdya", not "cloudy" or "gloria"). */
  function latinWord(word: string): boolean {
    if (!LATIN_NAME.test(word)) return false;
    const f = foldLatin(word);
    return near(f, latin.filter((n) => n[0] === f[0] && n[n.length - 1] === f[f.length - 1]));
  }
  /** A kana run: the whole run must be near a name (クラウデイア, not the first kana of a longer word). */
  function kanaRun(run: string): boolean {
    return run.length >= 4 && near(foldKanaName(run), kana);
  }
  /** Han text: a prefix or suffix of a name's length (or one off) that differs in at most one character. */
  function hanAt(text: string, end: boolean): number {
    // A name's own length first, then one character short or long; one character may differ.
    for (const off of [0, -1, 1]) {
      for (const n of han) {
        const len = n.length + off;
        if (len < 3 || len > text.length - 1) continue;
        const piece = end ? text.slice(text.length - len) : text.slice(0, len);
        if (!HAN_NAME.test(piece)) continue;
        // Share the first or last character (a misheard syllable, not a different word).
        if (piece[0] !== n[0] && piece[piece.length - 1] !== n[n.length - 1]) continue;
        if (distance(piece, n) <= 1) return len;
      }
    }
    return 0;
  }

  return {
    head(text) {
      const m = /^[a-z]+/.exec(text);
      if (m && latinWord(m[0]) && text.length > m[0].length) return m[0].length;
      // The name heard as two words ("cloud ya", "claw dia").
      const two = /^([a-z]{2,}) ([a-z]{2,})(?= )/.exec(text);
      if (two && latinWord((two[1] as string) + (two[2] as string))) return two[0].length;
      const k = /^[\u30a1-\u30fcー]+/.exec(text)?.[0];
      if (k && kanaRun(k) && text.length > k.length) return k.length;
      return hanAt(text, false);
    },
    tail(text) {
      const m = /[a-z]+$/.exec(text);
      if (m && latinWord(m[0]) && text.length > m[0].length) return m[0].length;
      const two = /(?<= )([a-z]{2,}) ([a-z]{2,})$/.exec(text);
      if (two && latinWord((two[1] as string) + (two[2] as string))) return two[0].length;
      const k = /[\u30a1-\u30fcー]+$/.exec(text)?.[0];
      if (k && kanaRun(k) && text.length > k.length) return k.length;
      return hanAt(text, true);
    },
  };
}
