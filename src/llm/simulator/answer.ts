import { splitLanguageTag } from '../../prompt/language-tag';
import { conformToSchema } from './schema-value';
import type { SimScriptEntry } from './types';

export type SimLanguage = 'ja' | 'zh' | 'en';

/** The simulator's own reply when nothing is scripted: it says what it is, never pretends to be a model. */
export const DEFAULT_REPLIES: Record<SimLanguage, string> = {
  ja: 'こちらはOllamaシミュレータです。本物のモデルではありません。',
  zh: '这是Ollama模拟器，不是真正的模型。',
  en: 'This is the Ollama simulator, not a real model.',
};

/** Garbage as a broken model produces it: prose, then JSON cut off in the middle. */
export const GARBAGE_CONTENT = 'SIMULATOR GARBAGE MODE: Sure! Here is the answer {"a": ["sit", ';

export function guessLanguage(text: string): SimLanguage {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  return 'en';
}

export interface CompiledEntry {
  entry: SimScriptEntry;
  re?: RegExp;
}

export function compileScript(script: SimScriptEntry[]): CompiledEntry[] {
  return script.map((entry) => ({
    entry,
    re: entry.regex === undefined ? undefined : entry.regex instanceof RegExp ? entry.regex : new RegExp(entry.regex, entry.flags ?? 'u'),
  }));
}

export function findScripted(script: CompiledEntry[], lastUser: string): SimScriptEntry | undefined {
  const text = lastUser.trim();
  for (const c of script) {
    if (c.entry.match !== undefined && c.entry.match.trim() === text) return c.entry;
    if (c.re && c.re.test(text)) return c.entry;
  }
  return undefined;
}

/**
 * The text the "model" generates for one request: scripted or default, serialised the way
 * the request's `format` demands (a JSON schema is honoured: the content validates).
 */
export function renderContent(opts: { script: CompiledEntry[]; lastUser: string; format: unknown; garbage: boolean }): string {
  if (opts.garbage) return GARBAGE_CONTENT;
  // The project's prompts end the user message with a [reply in: xx] line; scripts match the utterance.
  const { utterance, language } = splitLanguageTag(opts.lastUser);
  const reply = DEFAULT_REPLIES[language ?? guessLanguage(utterance)];
  const hit = findScripted(opts.script, utterance) ?? findScripted(opts.script, opts.lastUser);
  const format = opts.format;
  if (hit?.raw) return typeof hit.content === 'string' ? hit.content : JSON.stringify(hit.content);
  let value: unknown = hit ? hit.content : undefined;
  if (typeof value === 'string' && format !== undefined && format !== '' && format !== null) {
    try {
      value = JSON.parse(value);
    } catch {
      // A plain-text script answer under a JSON format becomes the reply string below.
    }
  }
  if (typeof format === 'object' && format !== null) {
    return JSON.stringify(conformToSchema(value ?? {}, format, typeof value === 'string' ? value : reply));
  }
  if (format === 'json') {
    if (value !== undefined && typeof value === 'object') return JSON.stringify(value);
    return JSON.stringify({ a: [], r: typeof value === 'string' ? value : reply });
  }
  if (value === undefined) return reply;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
