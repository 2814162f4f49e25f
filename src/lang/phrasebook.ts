import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { ConfigError } from '../util/errors';
import { foldKana, normaliseText } from './normalise';

/**
 * The phrasebook: every word claudia_llm listens for, per language, as data in
 * config/phrases/{ja,zh,en}.yaml (stop, danger, wake, filler and action phrases). The grammar
 * engine that uses them stays code. Loaded and validated at start: a mistake is E_CONFIG
 * naming the file and the line.
 */
export type PhraseLanguage = 'ja' | 'zh' | 'en';
export const PHRASE_LANGUAGES: readonly PhraseLanguage[] = ['ja', 'zh', 'en'];

/** The sections of one language's file, in file order (docs/robot.md describes each). */
export const STOP_SECTIONS = ['stop', 'stop_short', 'stop_exact', 'stop_repeated', 'danger', 'alarm', 'hazard', 'warning'] as const;
export type StopSection = (typeof STOP_SECTIONS)[number];
/**
 * `stop_innocent`: the few words that hold a stop word and are no stop (ノンストップ, ストップウォッチ).
 * Not a floor: without them the robot only stops more often.
 */
const LIST_SECTIONS = [...STOP_SECTIONS, 'stop_innocent', 'wake', 'filler', 'politeness', 'particles'] as const;
type ListSection = (typeof LIST_SECTIONS)[number];

export interface LanguagePhrases extends Record<ListSection, string[]> {
  /** Extra whole-utterance phrases per action name. */
  actions: Record<string, string[]>;
  /** Spoken contractions said in full before matching ("gimme" -> "give me", "っといて" -> "っておいて"). */
  rewrite: Record<string, string>;
}

export type Phrasebook = Record<PhraseLanguage, LanguagePhrases>;

/** The package's shipped phrasebook folder (src/ under tsx, dist/ after a build). */
export function shippedPhrasesDir(): string {
  return path.resolve(__dirname, '..', '..', 'config', 'phrases');
}

let shipped: Phrasebook | undefined;

/** The shipped phrasebook (parsed once): the defaults, and the floor every phrasebook must keep. */
export function shippedPhrasebook(): Phrasebook {
  shipped ??= readPhrasebook(shippedPhrasesDir());
  return shipped;
}

/**
 * Loads `dir`/{ja,zh,en}.yaml and validates it: against the action names when given, and
 * against the shipped stop and danger phrases (a floor: a user may add stops, never remove one).
 */
export function loadPhrasebook(dir: string, actionNames?: Iterable<string>): Phrasebook {
  const book = readPhrasebook(dir, actionNames ? new Set(actionNames) : undefined);
  const floor = path.resolve(dir) === shippedPhrasesDir() ? book : shippedPhrasebook();
  for (const lang of PHRASE_LANGUAGES) {
    for (const section of STOP_SECTIONS) {
      const have = new Set(book[lang][section].map(key));
      const missing = floor[lang][section].filter((p) => !have.has(key(p)));
      if (missing.length) {
        throw new ConfigError(
          `${path.join(dir, `${lang}.yaml`)}: ${section} lacks the shipped phrase${missing.length > 1 ? 's' : ''} ${missing.map((m) => JSON.stringify(m)).join(', ')}; ` +
            'a phrasebook may add stop and danger phrases, never remove them',
        );
      }
    }
  }
  return book;
}

function readPhrasebook(dir: string, actionNames?: Set<string>): Phrasebook {
  const out = {} as Phrasebook;
  for (const lang of PHRASE_LANGUAGES) {
    const file = path.join(dir, `${lang}.yaml`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read phrasebook ${file}: ${(err as Error).message}; set language.phrases_dir`);
    }
    out[lang] = parsePhrases(text, file, lang, actionNames);
  }
  return out;
}

/** The form phrases are compared in: normalised, kana folded. */
function key(p: string): string {
  return foldKana(normaliseText(p));
}

/** Parses and validates one language's file; `where` is the file name used in errors. */
export function parsePhrases(text: string, where: string, lang: PhraseLanguage, actionNames?: Set<string>): LanguagePhrases {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (n: Node | null | undefined) => (n?.range ? `${where}:${lines.linePos(n.range[0]).line}` : where);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigError(`${where}:${e?.linePos?.[0]?.line ?? '?'}: ${e?.message.split('\n')[0] ?? 'not valid YAML'}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ConfigError(`${where}: expected a mapping with language, ${LIST_SECTIONS.join(', ')}, rewrite, actions`);
  const out: LanguagePhrases = {
    stop: [], stop_short: [], stop_exact: [], stop_repeated: [], danger: [], alarm: [], hazard: [], warning: [], stop_innocent: [], wake: [], filler: [], politeness: [], particles: [], actions: {}, rewrite: {},
  };
  /** Every phrase's key -> where it was given and for what (a stop section, or an action). */
  const seen = new Map<string, { line: string; what: string }>();
  const stopForms: Array<{ k: string; line: string; phrase: string }> = [];
  const innocentForms: Array<{ k: string; line: string; phrase: string }> = [];
  const actionPhrases: Array<{ k: string; line: string; phrase: string; action: string }> = [];

  const strings = (n: unknown, what: string): Array<{ value: string; line: string }> => {
    if (n === null || n === undefined) return [];
    if (!isSeq(n)) throw new ConfigError(`${at(n as Node)}: ${what} must be a list of phrases`);
    return n.items.map((item) => {
      const node = item as Node;
      if (!isScalar(node) || typeof node.value !== 'string' || normaliseText(node.value) === '') {
        throw new ConfigError(`${at(node)}: ${what}: every phrase must be non-empty text (quote words YAML reads otherwise, such as "no")`);
      }
      return { value: node.value, line: at(node) };
    });
  };

  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (name === 'language') {
      if (!isScalar(value) || value.value !== lang) throw new ConfigError(`${at(value ?? (pair.key as Node))}: language must be ${lang} in ${path.basename(where)}`);
      continue;
    }
    if ((LIST_SECTIONS as readonly string[]).includes(name)) {
      const section = name as ListSection;
      for (const { value: p, line } of strings(value, section)) {
        out[section].push(p);
        if ((STOP_SECTIONS as readonly string[]).includes(section)) stopForms.push({ k: key(p), line, phrase: p });
        if (section === 'stop_innocent') innocentForms.push({ k: key(p), line, phrase: p });
      }
      continue;
    }
    if (name === 'rewrite') {
      if (value === null || value === undefined) continue;
      if (!isMap(value)) throw new ConfigError(`${at(value)}: rewrite must map a spoken form to its full form`);
      for (const rp of value.items) {
        const from = isScalar(rp.key) ? rp.key.value : undefined;
        const to = isScalar(rp.value) ? rp.value.value : undefined;
        if (typeof from !== 'string' || typeof to !== 'string' || !normaliseText(from) || !normaliseText(to)) {
          throw new ConfigError(`${at(rp.key as Node)}: rewrite: both the spoken form and the full form must be non-empty text`);
        }
        out.rewrite[normaliseText(from)] = normaliseText(to);
      }
      continue;
    }
    if (name === 'actions') {
      if (value === null || value === undefined) continue;
      if (!isMap(value)) throw new ConfigError(`${at(value)}: actions must map action names to lists of phrases`);
      for (const ap of value.items) {
        const action = isScalar(ap.key) ? String(ap.key.value) : '';
        const fixed = ACTION_KEY.exec(action);
        if (!fixed) throw new ConfigError(`${at(ap.key as Node)}: '${action}' is no action key (an action name, then fixed parameters as name=number: "speed_level data=1")`);
        if (actionNames && !actionNames.has(fixed[1] as string)) {
          throw new ConfigError(`${at(ap.key as Node)}: unknown action '${action}' (not in the action catalogue, config/actions.yaml)`);
        }
        const list = (out.actions[action] ??= []);
        for (const { value: p, line } of strings(ap.value, `actions.${action}`)) {
          const k = key(p);
          const before = seen.get(k);
          if (before && before.what !== action) {
            throw new ConfigError(`${line}: the phrase ${JSON.stringify(p)} maps to two actions: '${before.what}' (${before.line}) and '${action}'`);
          }
          seen.set(k, { line, what: action });
          list.push(p);
          actionPhrases.push({ k, line, phrase: p, action });
        }
      }
      continue;
    }
    throw new ConfigError(`${at(pair.key as Node)}: unknown section '${name}' (expected language, ${LIST_SECTIONS.join(', ')}, rewrite, actions)`);
  }

  // A stop word inside an action phrase: L0 would stop the robot every time the phrase is said,
  // so the phrase could never do what it claims. Only the stop action may hold one.
  const anywhere = stopForms.filter((s) => out.stop.some((p) => key(p) === s.k));
  for (const ap of actionPhrases) {
    if (ap.action === 'stop') continue;
    const inside = anywhere.find((s) => containsWord(ap.k, s.k));
    if (inside) {
      throw new ConfigError(`${ap.line}: the action phrase ${JSON.stringify(ap.phrase)} (${ap.action}) holds the stop word ${JSON.stringify(inside.phrase)} (${inside.line}): it would always stop the robot`);
    }
  }
  // An innocent word is a longer word around a stop word; anything else would hide a stop.
  for (const inn of innocentForms) {
    if (anywhere.some((s) => s.k === inn.k)) throw new ConfigError(`${inn.line}: stop_innocent: ${JSON.stringify(inn.phrase)} is itself a stop word; a phrasebook may add stops, never remove one`);
    if (!anywhere.some((s) => containsWord(inn.k, s.k))) throw new ConfigError(`${inn.line}: stop_innocent: ${JSON.stringify(inn.phrase)} holds no stop word of this file's 'stop' list, so there is nothing for it to keep from stopping`);
  }
  return out;
}

/**
 * An `actions` key: the catalogue name, then any fixed parameters the phrases say
 * ("speed_level data=1": 走快点 is the fast level, whatever else is said).
 */
const ACTION_KEY = /^([a-z][a-z0-9_]*)((?: [a-z_][a-z0-9_]*=-?\d+(?:\.\d+)?)*)$/;

export function parseActionKey(key: string): { name: string; params: Record<string, number> } {
  const m = ACTION_KEY.exec(key);
  const params: Record<string, number> = {};
  if (!m) return { name: key, params };
  for (const kv of (m[2] as string).trim().split(' ').filter(Boolean)) {
    const [k, v] = kv.split('=') as [string, string];
    params[k] = Number(v);
  }
  return { name: m[1] as string, params };
}

/** Latin words match whole words; CJK words anywhere (as L0 matches them). */
function containsWord(text: string, word: string): boolean {
  if (!/^[a-z]/.test(word)) return text.includes(word);
  return ` ${text} `.includes(` ${word} `);
}

