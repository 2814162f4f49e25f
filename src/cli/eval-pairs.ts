import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../config/defaults';
import { createAnalysers } from '../cache/semantic/analysers';
import { createKuromojiAnalyser, loadKuromojiTokenizer } from '../cache/semantic/kuromoji-analyser';
import { evaluatePairs, parsePairs, summarisePairs } from '../cache/semantic/pair-eval';
import { asClaudiaError } from '../util/errors';
import { excerpt } from '../util/logger';
import { readInputFile } from './read-input-file';
import type { CliCommand } from './types';

const USAGE = 'usage: claudia-llm eval pairs <file.jsonl> [--json] [--no-hint] [--threshold X] [--analyser light|kuromoji]';

/**
 * `claudia-llm eval pairs <file.jsonl> [--json]`: may the cached answer for `a` serve `b`?
 * One line per pair, then a summary; with --json the last line is the summary as JSON.
 */
export const command: CliCommand = async (argv, io) => {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  let values: { json?: boolean; 'no-hint'?: boolean; threshold?: string; analyser?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'no-hint': { type: 'boolean' }, threshold: { type: 'string' }, analyser: { type: 'string' } },
    }));
  } catch (err) {
    io.err(`claudia-llm eval pairs: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 1) {
    io.err(USAGE);
    return 2;
  }
  const file = positionals[0] as string;
  const threshold = values.threshold === undefined ? DEFAULT_CONFIG.cache.semantic_threshold : Number(values.threshold);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    io.err(`claudia-llm eval pairs: --threshold must be a number between 0 and 1 (got '${values.threshold}')`);
    return 2;
  }
  const analyser = values.analyser ?? 'light';
  if (analyser !== 'light' && analyser !== 'kuromoji') {
    io.err(`claudia-llm eval pairs: --analyser must be light or kuromoji (got '${analyser}')`);
    return 2;
  }
  try {
    const text = readInputFile(file, 'pass a .jsonl file of {"a","b","same","kind"} lines');
    const pairs = parsePairs(text, file);
    const analysers = createAnalysers(analyser === 'kuromoji' ? { japanese: createKuromojiAnalyser(await loadKuromojiTokenizer()) } : {});
    const outcomes = evaluatePairs(pairs, { analysers, threshold, useHint: !values['no-hint'] });
    for (const o of outcomes) {
      const verdict = o.hit ? 'HIT ' : 'miss';
      const ok = o.hit === o.pair.same ? 'ok   ' : o.hit ? 'FALSE' : 'MISS ';
      io.out(`${ok} ${verdict} ${o.pair.same ? 'same' : 'diff'} ${o.pair.kind.padEnd(16)} score=${o.score.toFixed(2)} guard=${o.guard ?? '-'}  ${excerpt(o.pair.a, 40)} => ${excerpt(o.pair.b, 40)}`);
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
    return e.code === 'E_BAD_INPUT' || e.code === 'E_INTERNAL' ? 2 : 1;
  }
};

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(4);
}
