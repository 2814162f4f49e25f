import { readFileSync } from 'node:fs';
import type { SimScriptEntry } from '../llm/simulator';
import { BadInputError } from '../util/errors';

/**
 * A simulator script file (sim-ollama --script, replay --sim-script): a JSON array of
 * `{"match"|"regex", "content"}` entries, or one entry per line (JSONL, `#` comments).
 */
export function readSimScript(file: string): SimScriptEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read simulator script ${file}: ${(err as Error).message}`);
  }
  let entries: unknown;
  try {
    entries = text.trimStart().startsWith('[')
      ? JSON.parse(text)
      : text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => JSON.parse(l) as unknown);
  } catch (err) {
    throw new BadInputError(`simulator script ${file} is not JSON or JSONL: ${(err as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new BadInputError(`simulator script ${file}: a JSON array of {"match"|"regex", "content"} entries, or one per line`);
  for (const [i, e] of entries.entries()) {
    const ok = typeof e === 'object' && e !== null && 'content' in e && (typeof e.match === 'string' || typeof e.regex === 'string');
    if (!ok) throw new BadInputError(`simulator script ${file}: entry ${i} needs "match" or "regex" (string) and "content"`);
  }
  return entries as SimScriptEntry[];
}
