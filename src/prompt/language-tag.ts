import type { Language } from '../lang/types';

/**
 * The reply language travels as the last line of the user message, after the utterance:
 * one system message per template stays byte-identical (Qwen's template allows only one,
 * at the start) and everything that varies sits at the end, after the shared KV prefix.
 */
const TAG_RE = /\n\n\[reply in: (ja|zh|en)\]$/u;

export function withLanguageTag(utterance: string, language: Exclude<Language, ''>): string {
  return `${utterance}\n\n[reply in: ${language}]`;
}

/** Splits a user message built by withLanguageTag back into the utterance and the language. */
export function splitLanguageTag(message: string): { utterance: string; language?: Exclude<Language, ''> } {
  const m = TAG_RE.exec(message);
  if (!m) return { utterance: message };
  return { utterance: message.slice(0, m.index), language: m[1] as Exclude<Language, ''> };
}
