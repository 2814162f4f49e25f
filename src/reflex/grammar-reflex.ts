import type { Config } from '../config/types';
import { parseActionKey, shippedPhrasebook, type Phrasebook } from '../lang/phrasebook';
import { isAbilityQuestion } from '../lang/question';
import { createCodeSwitch, isMixed, type Reading } from './code-switch';
import type { Analysed, Language } from '../lang/types';
import type { ReflexGrammar } from '../pipeline/stages';
import type { Decision, Proposal } from '../pipeline/types';
import type { ActionCatalogue } from '../robot/catalogue';
import { createEnGrammar } from './en-grammar';
import type { LanguageGrammar, ParsedIntent } from './intent';
import { createJaGrammar } from './ja-grammar';
import { createZhGrammar } from './zh-grammar';

/** Commands are short; anything longer is a sentence for the LLM. */
const MAX_CHARS = 48;
const HAS_KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAS_HAN = /\p{Script=Han}/u;
const HAS_LATIN = /[a-z]/;

export interface GrammarReflexDeps {
  catalogue: ActionCatalogue;
  config: Config;
  /** Action phrases per language (config/phrases); the shipped phrasebook when absent. */
  phrases?: Phrasebook;
}

/**
 * L1: whole-utterance grammars (ja, zh, en). Precision first: an utterance becomes an
 * action only when one grammar understands all of it; when two grammars disagree (kanji
 * only text read as Japanese and as Chinese), or the action is not enabled in the
 * catalogue, the utterance is deferred.
 */
export function createGrammarReflex(deps: GrammarReflexDeps): ReflexGrammar {
  const { catalogue, config } = deps;
  const book = deps.phrases ?? shippedPhrasebook();
  const grammars: Record<Exclude<Language, ''>, LanguageGrammar> = {
    ja: createJaGrammar(book.ja.actions),
    zh: createZhGrammar(book.zh.actions),
    en: createEnGrammar(book.en.actions),
  };

  const codeSwitch = createCodeSwitch(book);
  const parseReading = (r: Reading) => {
    const i = grammars[r.language].parse(r.text);
    return i ? JSON.stringify([i.action, i.params ?? {}, i.speed ?? '']) : undefined;
  };

  function candidates(a: Analysed, mixed: boolean): Array<Exclude<Language, ''>> {
    const t = a.normalised;
    const kana = HAS_KANA.test(t);
    const cjk = kana || HAS_HAN.test(t);
    if (mixed) return [];
    if (!cjk) return HAS_LATIN.test(t) ? ['en'] : [];
    if (kana) return ['ja'];
    // Kanji only: trust a certain detection, else read it both ways.
    if (a.languageCertain && (a.language === 'ja' || a.language === 'zh')) return [a.language];
    return ['ja', 'zh'];
  }

  return {
    match(analysed) {
      const text = analysed.normalised;
      if (!text || text.length > MAX_CHARS) return undefined;
      // An ability or knowledge question is a question, never the action (data/README.md).
      if (isAbilityQuestion(text)) return undefined;
      let found: { intent: ParsedIntent; lang: Exclude<Language, ''> } | undefined;
      const readings: Array<Exclude<Language, ''>> = [];
      const mixed = isMixed(text);
      let langs = candidates(analysed, mixed);
      let source = analysed;
      if (mixed) {
        // Mixed languages: per segment; the command's own words decide the language.
        const r = codeSwitch.read(text, parseReading);
        if (!r) return undefined;
        langs = [r.language];
        source = { ...analysed, normalised: r.text, language: r.language, languageCertain: true, simplified: undefined };
      }
      for (const lang of langs) {
        // Kanji-only text that is also Japanese keeps its simplified form for the Chinese reading (請坐下).
        const intent = grammars[lang].parse(lang === 'zh' && source.simplified ? source.simplified : source.normalised);
        if (!intent) continue;
        if (found && !sameIntent(found.intent, intent)) return undefined;
        found ??= { intent, lang };
        readings.push(lang);
      }
      if (!found) return undefined;
      const key = parseActionKey(found.intent.action);
      const spec = catalogue.byName(key.name);
      if (!spec || !spec.enabled) return undefined;
      const language = replyLanguage(source, readings, config.language.default);
      const proposal: Proposal = { name: spec.name };
      const params = { ...key.params, ...toParams(found.intent, config) };
      if (Object.keys(params).length) proposal.params = params;
      const decision: Decision = {
        actions: [proposal],
        reply: spec.replies[language] ?? spec.replies[config.language.default],
        language,
        source: 'reflex',
        cacheable: false,
      };
      return decision;
    },
  };
}

/**
 * The utterance's language: a certain detection (or the ASR hint) wins. Kanji-only text
 * that several grammars read the same way (停止) is answered in language.default when
 * that is one of the readings (a Japanese-first robot answers 起立 in Japanese), else in
 * the detector's best guess.
 */
function replyLanguage(a: Analysed, readings: Array<Exclude<Language, ''>>, dflt: Exclude<Language, ''>): Exclude<Language, ''> {
  if (a.languageCertain && a.language) return a.language;
  if (readings.includes(dflt)) return dflt;
  if (a.language && readings.includes(a.language)) return a.language;
  return readings[0] ?? dflt;
}

function sameIntent(a: ParsedIntent, b: ParsedIntent): boolean {
  return a.action === b.action && JSON.stringify(a.params ?? {}) === JSON.stringify(b.params ?? {}) && a.speed === b.speed;
}

/** Speed words scale the configured default speed; the safety compiler clamps the result. */
function toParams(intent: ParsedIntent, config: Config): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(intent.params ?? {})) if (typeof v === 'number') out[k] = round(v);
  if (intent.speed === 'slow') out['speed'] = round(config.robot.move_default_speed * 0.5);
  if (intent.speed === 'fast') out['speed'] = round(config.robot.move_default_speed * 2);
  return Object.keys(out).length ? out : undefined;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
