import type { Analysed, Language } from './types';
import { boundText, normaliseText } from './normalise';

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
/** Simplified-Chinese-only characters that are common in commands and chat; any one marks zh. */
const ZH_ONLY = /[们这个么吗呢说请转进过来还让给对时间门动东车话问们样么边坐站趴跳舞别没为点说谁]/u;
/** Characters that appear in Japanese but practically never in simplified Chinese. */
const JA_ONLY = /[々〆込辺働畑峠匂枠丼]/u;

export function detectLanguage(text: string, hint: string = ''): { language: Language; certain: boolean } {
  if (hint === 'ja' || hint === 'zh' || hint === 'en') return { language: hint, certain: true };
  if (KANA.test(text) || JA_ONLY.test(text)) return { language: 'ja', certain: true };
  const han = HAN.test(text);
  if (han) {
    if (ZH_ONLY.test(text)) return { language: 'zh', certain: true };
    // Kanji only: 停止, 起立 are both Japanese and Chinese.
    return { language: 'zh', certain: false };
  }
  if (LATIN.test(text)) return { language: 'en', certain: true };
  return { language: '', certain: false };
}

/** The front end every stage uses: bound, normalise, detect. */
export function analyse(text: string, hint = '', maxChars = 2000): Analysed {
  const raw = boundText(text, maxChars).text;
  const normalised = normaliseText(raw);
  const { language, certain } = detectLanguage(normalised || raw, hint);
  return { raw, normalised, language, languageCertain: certain };
}
