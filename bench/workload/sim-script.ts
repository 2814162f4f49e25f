import type { SimScriptEntry } from '../../src/llm/simulator/types';
import type { WorkItem } from './generator';

const NOT_UNDERSTOOD = { ja: 'ごめんなさい、よく聞き取れませんでした。', zh: '对不起，我没听清楚。', en: 'Sorry, I did not catch that.' };

/**
 * What the simulated model answers for each utterance of the mix: the intended actions
 * and reply. The prompt builder sends the utterance first in the user message (a language
 * tag follows), so each entry matches the start of that message. Longer texts come first
 * so "sit" never answers for "sit down and then dance".
 */
export function scriptFor(items: WorkItem[]): SimScriptEntry[] {
  const byText = new Map<string, SimScriptEntry>();
  for (const it of items) {
    const text = it.text.trim();
    if (text === '' || byText.has(text)) continue;
    const meaning = it.meaning && it.kind !== 'bad' ? it.meaning : { actions: [], reply: NOT_UNDERSTOOD[guess(text)] };
    byText.set(text, { regex: new RegExp(`^${escapeRe(text)}(?:\\n|$)`, 'u'), content: { a: meaning.actions, r: meaning.reply } });
  }
  return [...byText.entries()].sort((a, b) => b[0].length - a[0].length).map(([, e]) => e);
}

function guess(text: string): 'ja' | 'zh' | 'en' {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  return 'en';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}
