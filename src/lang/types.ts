/** '' = unknown. */
export type Language = 'ja' | 'zh' | 'en' | '';

/** One utterance after the cheap language front end. */
export interface Analysed {
  /** The text as received (bounded in length). */
  raw: string;
  /**
   * NFKC, width-folded, lower-cased, punctuation/whitespace folded, a leading wake word
   * ("クラウディア、", "hey claudia") removed; what caches and grammars key on.
   */
  normalised: string;
  /** Best language: the hint when given, else detected, else ''. */
  language: Language;
  /** False when the text alone cannot tell (e.g. kanji only, ja vs zh) and no hint was given. */
  languageCertain: boolean;
  /** The wake word removed from the front of `normalised` ('' or absent when none). */
  wake?: string;
  /** 'traditional' when the user wrote traditional Chinese (`normalised` is simplified; the reply goes back in traditional). */
  script?: 'traditional';
  /**
   * Kanji-only text that reads as Japanese as well as traditional Chinese (請坐下, 今何時):
   * `normalised` keeps it as written, this is its simplified form for the Chinese reading.
   */
  simplified?: string;
}
