/**
 * Removes polite openers and closers until none is left: each pass drops every `leading` word
 * the text starts with and every `trailing` word it ends with (in list order, so list longest
 * first), never the whole text, then applies `more` (a language's extra endings). `more` must
 * only remove text, so the loop ends. Shared by the Japanese and Chinese analysers.
 */
export function stripAffixes(
  text: string,
  leading: readonly string[],
  trailing: readonly string[],
  more?: (s: string) => string,
): string {
  let s = text;
  let before: string;
  do {
    before = s;
    for (const w of leading) if (s.startsWith(w) && s.length > w.length) s = s.slice(w.length);
    for (const w of trailing) if (s.endsWith(w) && s.length > w.length) s = s.slice(0, -w.length);
    if (more) s = more(s);
  } while (s !== before);
  return s;
}
