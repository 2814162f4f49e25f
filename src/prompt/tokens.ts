/**
 * A cheap token estimate for budgets (no tokenizer on the robot): Qwen spends about one
 * token per CJK character and about one per four ASCII characters.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

/**
 * Cuts text to a token budget and says so visibly: the model (and the audit log) must know
 * the input was cut, never silently.
 */
export function truncateToBudget(text: string, budgetTokens: number): { text: string; truncated: boolean; keptChars: number; totalChars: number } {
  const chars = Array.from(text);
  if (estimateTokens(text) <= budgetTokens) return { text, truncated: false, keptChars: chars.length, totalChars: chars.length };
  let used = 0;
  let asciiRun = 0;
  let kept = 0;
  for (const ch of chars) {
    if (ch.charCodeAt(0) < 0x80) {
      asciiRun++;
      if (asciiRun % 4 === 1) used++;
    } else used++;
    if (used > budgetTokens) break;
    kept++;
  }
  const cut = chars.slice(0, kept).join('');
  return { text: `${cut}…[truncated: kept ${kept} of ${chars.length} chars]`, truncated: true, keptChars: kept, totalChars: chars.length };
}
