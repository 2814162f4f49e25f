/**
 * Kana tables for the light Japanese analyser: which row and vowel a hiragana belongs to,
 * and the row's u-kana (the dictionary-form ending of a godan verb on that row).
 */
const ROWS = [
  'あいうえお', 'かきくけこ', 'がぎぐげご', 'さしすせそ', 'ざじずぜぞ', 'たちつてと', 'だぢづでど',
  'なにぬねの', 'はひふへほ', 'ばびぶべぼ', 'ぱぴぷぺぽ', 'まみむめも', 'や゛ゆ゛よ', 'らりるれろ', 'わ゛゛゛を',
];
const VOWELS = 'aiueo';

export interface KanaInfo {
  vowel: 'a' | 'i' | 'u' | 'e' | 'o';
  /** The u-kana of the row: godan dictionary ending (わ row -> う, as in 買わない / 買う). */
  u: string;
}

export function createKanaTable(): ReadonlyMap<string, KanaInfo> {
  const table = new Map<string, KanaInfo>();
  for (const row of ROWS) {
    const chars = Array.from(row);
    const u = row.startsWith('わ') ? 'う' : (chars[2] as string);
    chars.forEach((ch, i) => {
      if (ch === '゛') return;
      table.set(ch, { vowel: VOWELS[i] as KanaInfo['vowel'], u });
    });
  }
  return table;
}

/** Katakana to hiragana so ダンス and だんす fold alike in skeletons. */
export function katakanaToHiragana(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCodePoint(c - 0x60) : ch;
  }
  return out;
}
