/**
 * A stand-in tokenizer: the simulator needs token counts for its latency model and token
 * boundaries for streaming, not a real vocabulary. Roughly like Qwen's BPE (~4 characters per token
 * in English prose): up to six ASCII letters/digits or three ASCII punctuation marks per
 * token (a leading space joins them, as in BPE), one token per CJK character or other symbol.
 */
const TOKEN_RE = / ?[A-Za-z0-9]{1,6}| ?[!-/:-@[-`{-~]{1,3}|\s+|[\s\S]/gu;

export function splitTokens(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

export function countTokens(text: string): number {
  let n = 0;
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.exec(text) !== null) n++;
  return n;
}

/** Length (in UTF-16 units, i.e. characters of the rendered prompt) of the common prefix. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
