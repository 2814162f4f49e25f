/**
 * Replay throughput: a bag of 10,000 speech messages (written by the project's writer) played at
 * --rate 0 into a fresh node (memory transport, reflex-only, robot stand-in), outputs recorded into
 * an output bag. Also the storage layer alone (write, read) for reference.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openBag, replayTopics, writeConversationBag } from '../src/bag';
import { loadMessageRegistry } from '../src/cdr';
import { runReplay } from '../src/cli/replay';
import { configWith } from '../src/config/load';
import { createSilentLogger } from '../src/util/logger';
import { nowMs } from './stats';
import type { Benchmark, BenchContext, BenchResult } from './types';

/** The reflex-tier utterances of the dev data (stops, postures, moves, tricks), cycled. */
function utterances(): string[] {
  const file = path.resolve(__dirname, '..', 'data', 'intents.dev.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  return lines.map((l) => JSON.parse(l) as { text: string; tier: string }).filter((l) => l.tier === 'reflex').map((l) => l.text);
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 300 : 10_000;
  const gapMs = 100;
  const root = mkdtempSync(path.join(tmpdir(), 'claudia-bench-replay-'));
  try {
    const registry = loadMessageRegistry();
    const config = configWith({ ollama: { enabled: false } });
    const texts = utterances();
    const bag = path.join(root, 'in');
    const tw = nowMs();
    writeConversationBag({ dir: bag, registry, topics: replayTopics(config), turns: Array.from({ length: n }, (_, i) => ({ atMs: i * gapMs, text: texts[i % texts.length] as string })) });
    const writeMs = nowMs() - tw;

    const tr = nowMs();
    const reader = openBag(bag);
    let bytes = 0;
    for (const m of reader.messages()) bytes += m.data.byteLength;
    reader.close();
    const readMs = nowMs() - tr;

    const t0 = nowMs();
    const res = await runReplay({
      bagDir: bag,
      outDir: path.join(root, 'out'),
      config,
      rate: 0,
      clock: 'virtual',
      tailMs: 5000,
      llm: 'none',
      robot: { latencyMs: 20 },
      logger: createSilentLogger(),
    });
    const replayMs = nowMs() - t0;
    const answered = res.outcomes.filter((o) => o.response).length;
    const perS = (res.played / replayMs) * 1000;
    ctx.log(`replay: ${res.played} messages in ${(replayMs / 1000).toFixed(2)} s wall (${perS.toFixed(0)} msg/s), ${answered} answered, ${res.sportApiIds.length} sport requests, virtual span ${(res.spanMs / 1000).toFixed(0)} s`);

    // A second check on the output bag so the number cannot come from a replay that skipped work.
    const out = openBag(path.join(root, 'out'));
    const outCount = [...out.countByTopic().values()].reduce((a, b) => a + b, 0);
    out.close();
    return {
      rows: [
        { what: `replay --rate 0, ${n} speech msgs (virtual clock, reflex-only, robot stand-in)`, n: res.played, value: Math.round(perS), unit: 'msg/s' },
        { what: 'replay wall time', n: res.played, value: Math.round(replayMs), unit: 'ms' },
        { what: 'utterances answered', n: res.outcomes.length, value: answered, unit: 'count' },
        { what: 'output bag messages (inputs + outputs)', n: outCount, value: outCount, unit: 'count' },
        { what: 'bag write (encode + sqlite insert)', n, value: Math.round((n / writeMs) * 1000), unit: 'msg/s' },
        { what: `bag read (${bytes} bytes)`, n, value: Math.round((n / readMs) * 1000), unit: 'msg/s' },
      ],
      keys: { replay_msgs_per_s: Math.round(perS) },
      notes: ctx.quick ? ['quick mode: 300 messages (start-up dominates); the key is meant for the full 10,000'] : [`${n} messages, ${gapMs} ms apart in the recording; 10,000 in ${(replayMs / 1000).toFixed(1)} s`],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const benchmarks: Benchmark[] = [{ name: 'replay', keys: ['replay_msgs_per_s'], run }];

