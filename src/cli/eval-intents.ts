import { configWith } from '../config';
import { analyse } from '../lang/detect-language';
import { createEmergencyReflex } from '../reflex/emergency-reflex';
import { createGrammarReflex } from '../reflex/grammar-reflex';
import { loadCatalogue } from '../robot/catalogue';
import { BadInputError, asClaudiaError } from '../util/errors';
import { exitCodeFor } from './exit-codes';
import { readInputFile } from './read-input-file';
import type { CliCommandSpec, CliIo } from './types';

/** One line of an intents file (format: data/README.md). */
export interface IntentLine {
  text: string;
  lang?: string;
  expect: string | string[];
  tier?: string;
  accept?: Array<string | string[]>;
  reject?: string[];
  /** What the line tests (optional; scored per kind in `by_kind`). Other unknown fields are ignored. */
  kind?: string;
}

/** null = deferred (the reflex layers made no decision). */
export type Outcome = string[] | null;

export interface Score {
  correct: boolean;
  wrong: boolean;
}

/**
 * Scoring as the data README defines it: correct when the outcome equals `expect` or an
 * `accept` item; for expect "chat" a deferral (or an empty action list) is correct, and
 * "chat" in `accept` makes a deferral correct; a non-deferred outcome that is not correct,
 * or that contains a `reject`ed action, is a wrong action.
 */
export function scoreOutcome(line: IntentLine, outcome: Outcome): Score {
  const items: Array<string | string[]> = [line.expect, ...(line.accept ?? [])];
  const deferralOk = items.some((i) => i === 'chat');
  const acts = outcome ?? [];
  const equals = (item: string | string[]) =>
    item === 'chat' ? acts.length === 0 : (typeof item === 'string' ? [item] : item).join('\u0000') === acts.join('\u0000') && acts.length > 0;
  const correct = outcome === null ? deferralOk : items.some(equals);
  const rejected = acts.some((a) => line.reject?.includes(a));
  const wrong = outcome !== null && (!correct || rejected);
  return { correct: correct && !rejected, wrong };
}

export function parseIntentsFile(text: string, where: string): IntentLine[] {
  const out: IntentLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new BadInputError(`${where}:${i + 1}: not valid JSON (${(err as Error).message}); one JSON object per line`);
    }
    const o = obj as Partial<IntentLine>;
    const expectOk = typeof o.expect === 'string' || (Array.isArray(o.expect) && o.expect.every((e) => typeof e === 'string'));
    if (!o || typeof o.text !== 'string' || !expectOk) {
      throw new BadInputError(`${where}:${i + 1}: needs "text" (string) and "expect" (action name, list of names, or "chat")`);
    }
    out.push(o as IntentLine);
  }
  return out;
}

/** `claudia-llm eval intents <file.jsonl>`: scores the reflex layers (L0 + L1 only) on an intents file. */
export const spec: CliCommandSpec<{ json?: boolean; langHint: boolean; actions?: string }> = {
  define(cmd) {
    cmd
      .argument('<file>', 'intents file, one JSON object per line (format: data/README.md)')
      .option('--json', 'also print the summary as JSON (last line)')
      .option('--no-lang-hint', "ignore each line's \"lang\" (detect the language from the text)")
      .option('--actions <actions.yaml>', 'action catalogue (default: robot.actions_file)');
  },
  run: async ({ args, opts, io }) => {
    const file = args[0] as string;
    return evalIntents(file, opts.json === true, opts.langHint, opts.actions, io);
  },
};

function evalIntents(file: string, json: boolean, hint: boolean, actionsFile: string | undefined, io: CliIo): number {
  try {
    const text = readInputFile(file, 'pass an intents .jsonl file');
    const lines = parseIntentsFile(text, file);
    const config = configWith();
    const catalogue = loadCatalogue(actionsFile ?? config.robot.actions_file);
    const emergency = createEmergencyReflex();
    const grammar = createGrammarReflex({ catalogue, config });
    const sum = {
      total: 0, reflex_tier: 0, reflex_correct: 0, reflex_recall: 0, deferred: 0, wrong_actions: 0, correct: 0, l0_stops: 0,
      stop_lines: 0, stop_recall: 0,
      by_kind: {} as Record<string, { total: number; correct: number; wrong_actions: number; deferred: number }>,
    };
    let stopped = 0;
    for (const line of lines) {
      const lang = hint && ['ja', 'zh', 'en'].includes(line.lang ?? '') ? (line.lang as string) : '';
      // Only the reflex layers: L0 on the raw text, then L1 on the analysed text.
      const hit = emergency.match(line.text);
      let outcome: Outcome = null;
      let shownParams = '';
      let via = '-';
      if (hit) {
        outcome = ['stop'];
        via = 'L0';
        sum.l0_stops++;
      } else {
        const d = grammar.match(analyse(line.text, lang, config.language.max_input_chars));
        if (d) {
          outcome = d.actions.map((p) => p.name);
          shownParams = d.actions.map((p) => (p.params ? JSON.stringify(p.params) : '')).join('');
          via = 'L1';
        }
      }
      const score = scoreOutcome(line, outcome);
      sum.total++;
      // A stop line: one whose expected outcome is the stop. stop_recall counts those L0 stopped.
      if (line.expect === 'stop' || (Array.isArray(line.expect) && line.expect.length === 1 && line.expect[0] === 'stop')) {
        sum.stop_lines++;
        if (via === 'L0') stopped++;
      }
      if (typeof line.kind === 'string' && line.kind) {
        const k = (sum.by_kind[line.kind] ??= { total: 0, correct: 0, wrong_actions: 0, deferred: 0 });
        k.total++;
        if (score.correct) k.correct++;
        if (score.wrong) k.wrong_actions++;
        if (outcome === null) k.deferred++;
      }
      if (outcome === null) sum.deferred++;
      if (score.correct) sum.correct++;
      if (score.wrong) sum.wrong_actions++;
      if (line.tier === 'reflex') {
        sum.reflex_tier++;
        if (score.correct) sum.reflex_correct++;
      }
      const mark = score.wrong ? 'WRONG' : score.correct ? 'ok' : outcome === null ? 'defer' : 'miss';
      const shown = outcome === null ? 'defer' : (outcome.join(',') || 'chat') + shownParams;
      io.out(`${mark.padEnd(5)} ${(line.tier ?? '-').padEnd(6)} ${via.padEnd(2)} ${JSON.stringify(line.text)} -> ${shown} (expect ${JSON.stringify(line.expect)})`);
    }
    sum.reflex_recall = sum.reflex_tier ? Math.round((sum.reflex_correct / sum.reflex_tier) * 10000) / 10000 : 0;
    // No stop lines: nothing was missed.
    sum.stop_recall = sum.stop_lines ? Math.round((stopped / sum.stop_lines) * 10000) / 10000 : 1;
    io.out(
      `total ${sum.total}, reflex tier ${sum.reflex_tier}, reflex correct ${sum.reflex_correct}, recall ${(sum.reflex_recall * 100).toFixed(1)}%, ` +
        `deferred ${sum.deferred}, wrong actions ${sum.wrong_actions}, stop recall ${(sum.stop_recall * 100).toFixed(1)}% of ${sum.stop_lines}`,
    );
    if (json) io.out(JSON.stringify(sum));
    return 0;
  } catch (err) {
    io.err(`claudia-llm eval intents: ${asClaudiaError(err).toField()}`);
    return exitCodeFor(err);
  }
}
