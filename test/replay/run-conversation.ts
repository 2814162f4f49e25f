import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareExpectations, formatMismatches, parseExpectations, replayTopics, writeConversationBag, type ConversationTurn, type Expectations, type Mismatch, type ReplayResult } from '../../src/bag';
import { loadMessageRegistry } from '../../src/cdr';
import { runReplay } from '../../src/cli/replay';
import { configWith, type DeepPartial } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import type { SimScriptEntry } from '../../src/llm/simulator';
import { createSilentLogger } from '../../src/util/logger';

/** A scripted conversation file (test/replay/conversations/<name>.json). */
export interface ConversationFile {
  description: string;
  /** Config overrides (nested keys as in Config). */
  config?: DeepPartial<Config>;
  turns: ConversationTurn[];
  /** Answers of the Ollama SIMULATOR for the LLM path; absent = reflex-only node (no LLM). */
  sim_script?: SimScriptEntry[];
  rate?: number;
  tail_s?: number;
}

export const CONVERSATIONS = path.join(__dirname, 'conversations');

export function loadConversation(name: string): { conv: ConversationFile; expect: Expectations } {
  const conv = JSON.parse(readFileSync(path.join(CONVERSATIONS, `${name}.json`), 'utf8')) as ConversationFile;
  const file = path.join(CONVERSATIONS, `${name}.expect.jsonl`);
  return { conv, expect: parseExpectations(readFileSync(file, 'utf8'), file) };
}

export interface ConversationRun {
  result: ReplayResult;
  mismatches: Mismatch[];
  report: string;
}

/** Writes the conversation as a bag with the project's writer, replays it into a fresh node, checks the expectations. */
export async function replayConversation(conv: ConversationFile, expect: Expectations | undefined, dirs: { bag: string; out?: string }): Promise<ConversationRun> {
  const config = configWith(conv.config ?? {});
  writeConversationBag({ dir: dirs.bag, turns: conv.turns, registry: loadMessageRegistry(), topics: replayTopics(config) });
  const result = await runReplay({
    bagDir: dirs.bag,
    outDir: dirs.out,
    config,
    rate: conv.rate ?? 0,
    clock: 'virtual',
    tailMs: (conv.tail_s ?? 10) * 1000,
    llm: conv.sim_script ? { script: conv.sim_script } : 'none',
    robot: { latencyMs: 20 },
    logger: createSilentLogger(),
  });
  const mismatches = expect ? compareExpectations(expect, result.outcomes, result.sportApiIds) : [];
  const total = expect ? expect.utterances.length + (expect.sport ? 1 : 0) : 0;
  const report = [
    formatMismatches(mismatches, total),
    'outcomes:',
    ...result.outcomes.map((o) => `  #${o.index} ${JSON.stringify(o.text)} -> ${o.response ? `${o.response.source} [${o.response.actions.map((a) => `${a.name}:${a.verdict}`).join(', ')}] ${o.response.error}` : 'NO RESPONSE'}`),
    `sport: ${result.sportApiIds.join(' ')}`,
  ].join('\n');
  return { result, mismatches, report };
}
