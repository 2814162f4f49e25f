import type { Language } from '../lang/types';

const CANNOT_ANSWER: Record<Exclude<Language, ''>, string> = {
  ja: 'すみません、今はお答えできません。',
  zh: '抱歉，我现在无法回答。',
  en: "Sorry, I can't answer that right now.",
};

const ARE_YOU_OK: Record<Exclude<Language, ''>, string> = {
  ja: '止まりました。大丈夫ですか？',
  zh: '我已经停下了。你还好吗？',
  en: 'I have stopped. Are you okay?',
};

const BAD_INPUT: Record<Exclude<Language, ''>, string> = {
  ja: 'すみません、聞き取れませんでした。',
  zh: '抱歉，我没听清楚。',
  en: "Sorry, I didn't catch that.",
};

function pick(table: Record<Exclude<Language, ''>, string>, lang: Language, fallback: Exclude<Language, ''>): string {
  return table[lang === '' ? fallback : lang];
}

export const fallbackReply = (lang: Language, dflt: Exclude<Language, ''>) => pick(CANNOT_ANSWER, lang, dflt);
export const dangerReply = (lang: Language, dflt: Exclude<Language, ''>) => pick(ARE_YOU_OK, lang, dflt);
export const badInputReply = (lang: Language, dflt: Exclude<Language, ''>) => pick(BAD_INPUT, lang, dflt);
