import type { Language } from '../lang/types';

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /\p{Script=Latin}{2,}/u;

/**
 * Catches the prototype's mixed-language failure: an English reply to Japanese speech, kana
 * in a Chinese reply, CJK in an English reply. Names like "Go2" or "ROS" inside a Japanese
 * or Chinese sentence are fine.
 */
export function replyFitsLanguage(reply: string, lang: Exclude<Language, ''>): boolean {
  switch (lang) {
    case 'ja':
      return KANA.test(reply) || HAN.test(reply);
    case 'zh':
      return HAN.test(reply) && !KANA.test(reply);
    case 'en':
      return !KANA.test(reply) && !HAN.test(reply) && (LATIN_WORD.test(reply) || reply.trim().length > 0);
  }
}
