import { Option } from 'commander';
import { DEFAULT_CONFIG } from '../config/defaults';
import { createAnalysers } from '../cache/semantic/analysers';
import { createKuromojiAnalyser, loadKuromojiTokenizer } from '../cache/semantic/kuromoji-analyser';
import { evaluatePairs, parsePairs, summarisePairs } from '../cache/semantic/pair-eval';
import { asClaudiaError } from '../util/errors';
import { excerpt } from '../util/logger';
import { exitCodeFor } from './exit-codes';
import { numberIn } from './option-parsers';
import { readInputFile } from './read-input-file';
import type { CliCommandSpec, CliIo } from './types';
import { terminalSafe } from '../util/terminal-text';

/**
 * `claudia-llm eval pairs <file.jsonl> [--json]`: may the cached answer for `a` serve `b`?
 * One line per pair, then a summary; with --json the last line is the summary as JSON.
 */
export const spec: CliCommandSpec<{ json?: boolean; hint: boolean; threshold?: number; analyser: string }> = {
  define(cmd) {
    cmd
      .argument('<file>', 'pairs file, one {"a","b","same","kind"} object per line')
      .option('--json', 'also print the summary as JSON (last line)')
      .option('--no-hint', "ignore each pair's \"lang\" (text alone decides the language)")
      .option('--threshold <x>', `similarity threshold (default cache.semantic_threshold, ${DEFAULT_CONFIG.cache.semantic_threshold})`, numberIn(0, 1))
      .addOption(new Option('--analyser <name>', 'Japanese analyser').choices(['light', 'kuromoji']).default('light'));
  },
  run: ({ args, opts, io }) => evalPairs(args[0] as string, opts, io),
};

async function evalPairs(file: string, values: { json?: boolean; hint: boolean; threshold?: number; analyser: string }, io: CliIo): Promise<number> {
  const threshold = values.threshold ?? DEFAULT_CONFIG.cache.semantic_threshold;
  const analyser = values.analyser;
  try {
    const text = readInputFile(file, 'pass a .jsonl file of {"a","b","same","kind"} lines');
    const pairs = parsePairs(text, file);
    const analysers = createAnalysers(analyser === 'kuromoji' ? { japanese: createKuromojiAnalyser(await loadKuromojiTokenizer()) } : {});
    const outcomes = evaluatePairs(pairs, { analysers, threshold, useHint: values.hint });
    for (const o of outcomes) {
      const verdict = o.hit ? 'HIT ' : 'miss';
      const ok = o.hit === o.pair.same ? 'ok   ' : o.hit ? 'FALSE' : 'MISS ';
      io.out(terminalSafe(`${ok} ${verdict} ${o.pair.same ? 'same' : 'diff'} ${o.pair.kind.padEnd(16)} score=${o.score.toFixed(2)} guard=${o.guard ?? '-'}  ${excerpt(o.pair.a, 40)} => ${excerpt(o.pair.b, 40)}`));
    }
    const s = summarisePairs(outcomes);
    io.out(`pairs ${s.pairs}: same ${s.same}, hits on same ${s.hits_on_same} (hit rate ${fmt(s.hit_rate)}); different ${s.different}, false hits ${s.false_hits} (false hit rate ${fmt(s.false_hit_rate)})`);
    for (const [kind, c] of Object.entries(s.by_kind)) {
      io.out(`  ${kind.padEnd(16)} pairs ${c.pairs}  hits_on_same ${c.hits_on_same}/${c.same}  false_hits ${c.false_hits}/${c.different}`);
    }
    if (values.json) io.out(JSON.stringify(s));
    return 0;
  } catch (err) {
    const e = asClaudiaError(err, 'E_BAD_INPUT');
    io.err(`claudia-llm eval pairs: ${e.toField()}`);
    return exitCodeFor(e);
  }
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(4);
}
