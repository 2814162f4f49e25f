import { foldKana, normaliseText } from '../../lang/normalise';
import { shippedPhrasebook } from '../../lang/phrasebook';
import type { Language } from '../../lang/types';
import { createEnGrammar } from '../../reflex/en-grammar';
import type { LanguageGrammar } from '../../reflex/intent';
import { createJaGrammar } from '../../reflex/ja-grammar';
import { createZhGrammar } from '../../reflex/zh-grammar';

/**
 * A whole command folded to what it asks for: when the language's grammar (the same one L1
 * uses, precision first: it never reads a negation, a question or an unknown word) understands
 * the whole utterance, synonyms, word orders, contractions and kana spellings of one command
 * ("take a bow" = "bow", "two meters forward" = "forward two meters", 趴下 = 卧倒) get one key.
 * Stop phrases fold to `stop`. Undefined when the utterance is not one known command.
 */
let grammars: Record<Exclude<Language, ''>, LanguageGrammar> | undefined;
let stops: Record<Exclude<Language, ''>, Set<string>> | undefined;

export function foldIntent(normalised: string, language: Language, stripped = normalised): string | undefined {
  if (!language || !normalised || normalised.length > 48) return undefined;
  return foldOne(normalised, language) ?? (stripped && stripped !== normalised ? foldOne(stripped, language) : undefined);
}

function foldOne(normalised: string, language: Exclude<Language, ''>): string | undefined {
  const book = shippedPhrasebook();
  grammars ??= { ja: createJaGrammar(book.ja.actions), zh: createZhGrammar(book.zh.actions), en: createEnGrammar(book.en.actions) };
  stops ??= {
    ja: new Set([...book.ja.stop, ...book.ja.stop_exact].map((w) => foldKana(normaliseText(w)))),
    zh: new Set([...book.zh.stop, ...book.zh.stop_exact].map(normaliseText)),
    en: new Set([...book.en.stop].map(normaliseText)),
  };
  if (stops[language].has(language === 'ja' ? foldKana(normalised) : normalised)) return 'stop[]';
  const intent = grammars[language].parse(normalised);
  // hello is one robot action for several different requests (お手 and おかわり, a handshake
  // and a wave): their answers differ, so they do not share one.
  if (!intent || intent.action === 'hello') return undefined;
  const params = Object.entries(intent.params ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${intent.action}${JSON.stringify(params)}${intent.speed ?? ''}`;
}
