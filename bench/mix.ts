/**
 * The conversation mix, replayed against claudia_llm and against the seed design, on the
 * same simulated Jetson, the same seeded workload, and one virtual clock per run.
 *
 * Latency = arrival of the utterance -> its first effect (the first sport Request
 * published, or the complete answer when there is no motion): AnswerRecord.firstEffectMs,
 * measured the same way for both. "Complete" = the whole answer record (reply published
 * on the response topic, after the actions ran).
 *
 * Environment knobs (all optional): BENCH_MIX_SEED, BENCH_MIX_COUNT, BENCH_MIX_RATE
 * (utterances per second), BENCH_MIX_BURST (size of the burst).
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { createApp } from '../src/app';
import { configWith, type DeepPartial } from '../src/config/load';
import type { Config } from '../src/config/types';
import { JETSON_PROFILE } from '../src/llm/simulator';
import { createSeedSystem } from './seed/seed-system';
import { summarize } from './stats';
import type { BenchResult, BenchRow, Benchmark } from './types';
import { DEFAULT_MIX, generateMix, mixComposition, type ItemKind, type MixOptions, type WorkItem } from './workload/generator';
import { runMix, type MixEnv, type MixRun, type MixSystem } from './workload/run-mix';

export const MIX_KEYS = [
  'mix_mean_ms_ours',
  'mix_mean_ms_seed',
  'mix_p95_ms_ours',
  'mix_p95_ms_seed',
  'mix_llm_calls_ours',
  'mix_llm_calls_seed',
  'mix_mean_ms_ours_queue',
  'mix_p95_ms_ours_queue',
  'mix_superseded_ours',
];

/** What both configurations share: the simulator as the only Ollama host, no Redis (a fresh run must not see the previous run's entries), no metrics server. */
function commonConfig(simUrl: string, idleRobot = false): DeepPartial<Config> {
  return {
    ollama: { hosts: [simUrl], warmup: false },
    cache: { redis_enabled: false },
    metrics: { enabled: false },
    // The decision-only view: motions as short as the config allows, no settle or pause, so the robot is never busy.
    ...(idleRobot ? { robot: { settle_ms: 0, sequence_pause_ms: 0, move_default_duration_s: 0.1, move_max_duration_s: 0.1 } } : {}),
  };
}

export type Arbitration = Config['robot']['arbitration'];

export async function buildOurs(env: MixEnv, idleRobot = false, arbitration: Arbitration = 'newest_wins'): Promise<MixSystem> {
  const common = commonConfig(env.simUrl, idleRobot);
  const config = configWith({ ...common, robot: { ...common.robot, arbitration } });
  const app = await createApp(config, { clock: env.clock, logger: env.logger, graph: env.graph });
  await app.start();
  return {
    pipeline: app.pipeline,
    warmup: () => app.llm?.warmup?.() ?? Promise.resolve(),
    close: () => app.close(),
  };
}

export async function buildSeed(env: MixEnv, release: 'each' | 'batch' = 'each', idleRobot = false): Promise<MixSystem> {
  const seed = createSeedSystem({ config: commonConfig(env.simUrl, idleRobot), clock: env.clock, logger: env.logger, graph: env.graph, batch: { release } });
  return {
    pipeline: seed.pipeline,
    warmup: () => seed.llm.warmup(),
    close: () => seed.close(),
    facts: () => {
      const s = seed.llm.stats();
      return { batches: s.batches, largest_batch: s.largest };
    },
  };
}

export function mixOptions(quick: boolean, env: NodeJS.ProcessEnv = process.env): MixOptions {
  const num = (k: string, d: number) => (env[k] !== undefined && Number.isFinite(Number(env[k])) ? Number(env[k]) : d);
  return {
    ...DEFAULT_MIX,
    seed: num('BENCH_MIX_SEED', DEFAULT_MIX.seed),
    count: num('BENCH_MIX_COUNT', quick ? 40 : DEFAULT_MIX.count),
    ratePerS: num('BENCH_MIX_RATE', DEFAULT_MIX.ratePerS),
    burstSize: num('BENCH_MIX_BURST', quick ? 6 : DEFAULT_MIX.burstSize),
  };
}

export interface MixComparison {
  items: WorkItem[];
  /** robot.arbitration newest_wins (the default). */
  ours: MixRun;
  /** The same node with robot.arbitration queue: one plan after another, as before. */
  oursQueue: MixRun;
  seed: MixRun;
  /** The seed with whole-batch release (asyncio.gather), when run: shows how much the reading matters. */
  seedGather?: MixRun;
  /** Both again with a robot that is never busy: first effect = decision latency. */
  idle?: { ours: MixRun; seed: MixRun };
}

export async function compareMix(opts: MixOptions, log: (l: string) => void = () => undefined, variants = false): Promise<MixComparison> {
  const items = generateMix(opts);
  log(`mix: ${items.length} utterances, seed ${opts.seed}, ${opts.ratePerS}/s Poisson + burst of ${opts.burstSize}; ${JSON.stringify(mixComposition(items))}`);
  const ours = await runMix(items, JETSON_PROFILE, (env) => buildOurs(env));
  log(`ours: ${ours.llmCalls} LLM calls, ${(ours.virtualMs / 1000).toFixed(0)} s virtual in ${(ours.wallMs / 1000).toFixed(1)} s wall`);
  const oursQueue = await runMix(items, JETSON_PROFILE, (env) => buildOurs(env, false, 'queue'));
  log(`ours (arbitration queue): ${oursQueue.llmCalls} LLM calls in ${(oursQueue.wallMs / 1000).toFixed(1)} s wall`);
  const seed = await runMix(items, JETSON_PROFILE, (env) => buildSeed(env));
  log(`seed: ${seed.llmCalls} LLM calls, ${(seed.virtualMs / 1000).toFixed(0)} s virtual in ${(seed.wallMs / 1000).toFixed(1)} s wall`);
  if (!variants) return { items, ours, oursQueue, seed };
  const seedGather = await runMix(items, JETSON_PROFILE, (env) => buildSeed(env, 'batch'));
  log(`seed (whole-batch release): ${seedGather.llmCalls} LLM calls in ${(seedGather.wallMs / 1000).toFixed(1)} s wall`);
  const idle = {
    ours: await runMix(items, JETSON_PROFILE, (env) => buildOurs(env, true)),
    seed: await runMix(items, JETSON_PROFILE, (env) => buildSeed(env, 'each', true)),
  };
  log(`never-busy robot: ours ${idle.ours.llmCalls}, seed ${idle.seed.llmCalls} LLM calls`);
  return { items, ours, oursQueue, seed, seedGather, idle };
}

function latencyRow(what: string, samples: number[]): BenchRow {
  const s = summarize(samples);
  return { what, n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms', simulated: true };
}

/** Utterances whose motion a newer command superseded (their reply counts as their first effect). */
export function supersededSeqs(r: MixRun): Set<number> {
  return new Set(r.outcomes.filter((o) => o.rec.supersededBy !== undefined).map((o) => o.item.seq));
}

export function mixResult(c: MixComparison): BenchResult {
  const rows: BenchRow[] = [];
  const fe = (r: MixRun, k?: ItemKind) => r.outcomes.filter((o) => !k || o.item.kind === k).map((o) => o.rec.firstEffectMs);
  const done = (r: MixRun) => r.outcomes.map((o) => o.rec.latencyMs);
  const superseded = supersededSeqs(c.ours);
  const kept = (r: MixRun) => r.outcomes.filter((o) => !superseded.has(o.item.seq)).map((o) => o.rec.firstEffectMs);
  for (const [name, run] of [['ours', c.ours], ['ours, arbitration queue', c.oursQueue], ['seed', c.seed]] as const) {
    rows.push(latencyRow(`mix first effect, ${name}`, fe(run)));
    rows.push(latencyRow(`mix complete answer, ${name}`, done(run)));
  }
  rows.push(latencyRow('mix first effect, not superseded in ours, ours', kept(c.ours)));
  rows.push(latencyRow('mix first effect, not superseded in ours, seed', kept(c.seed)));
  for (const k of ['repeat', 'paraphrase', 'novel', 'stop', 'bad'] as const) {
    for (const [name, run] of [['ours', c.ours], ['seed', c.seed]] as const) rows.push(latencyRow(`  first effect: ${k}, ${name}`, fe(run, k)));
  }
  if (c.seedGather) rows.push(latencyRow('mix first effect, seed releasing whole batches', fe(c.seedGather)));
  if (c.idle) {
    rows.push(latencyRow('mix first effect, robot never busy (decision latency), ours', fe(c.idle.ours)));
    rows.push(latencyRow('mix first effect, robot never busy (decision latency), seed', fe(c.idle.seed)));
  }
  const ours = summarize(fe(c.ours));
  const seed = summarize(fe(c.seed));
  rows.push({ what: 'mix LLM calls, ours', n: c.items.length, value: c.ours.llmCalls, unit: 'calls', simulated: true });
  rows.push({ what: 'mix LLM calls, seed', n: c.items.length, value: c.seed.llmCalls, unit: 'calls', simulated: true });
  rows.push({ what: 'mix mean first effect, seed / ours', n: c.items.length, value: seed.mean / ours.mean, unit: 'x', simulated: true });
  rows.push({ what: 'mix p95 first effect, seed / ours', n: c.items.length, value: seed.p95 / ours.p95, unit: 'x', simulated: true });
  const keptOurs = summarize(kept(c.ours));
  const keptSeed = summarize(kept(c.seed));
  rows.push({ what: 'mix mean first effect, not superseded, seed / ours', n: keptOurs.n, value: keptSeed.mean / keptOurs.mean, unit: 'x', simulated: true });
  rows.push({ what: 'mix p95 first effect, not superseded, seed / ours', n: keptOurs.n, value: keptSeed.p95 / keptOurs.p95, unit: 'x', simulated: true });
  const queue = summarize(fe(c.oursQueue));
  rows.push({ what: 'mix mean first effect, seed / ours with arbitration queue', n: c.items.length, value: seed.mean / queue.mean, unit: 'x', simulated: true });
  rows.push({ what: 'mix utterances whose motion was superseded, ours', n: c.items.length, value: superseded.size, unit: 'utterances', simulated: true });
  const notes = [
    `workload: ${c.items.length} utterances ${JSON.stringify(mixComposition(c.items))}; seeded, identical for both`,
    `simulator profile '${JETSON_PROFILE.name}' (${JETSON_PROFILE.note}); model warm before the mix (warm-up took ${(c.ours.warmupMs / 1000).toFixed(1)} s simulated, not counted)`,
    `virtual clock shared by node and simulator: the node's own CPU time is not in these numbers (see llm_overhead_p99_ms)`,
    `answers by source, ours: ${sources(c.ours)}; seed: ${sources(c.seed)}`,
    `seed batcher: ${c.seed.facts['batches'] ?? 0} batches, largest ${c.seed.facts['largest_batch'] ?? 0}; answers released per request as each finishes`,
    `errors (fallback replies), ours: ${errors(c.ours)}; seed: ${errors(c.seed)}`,
    `arbitration: ours runs robot.arbitration newest_wins (a newer command supersedes older plans' unpublished steps); 'ours, arbitration queue' is the same node running one plan after another; the seed runs queue`,
    `superseded: ${superseded.size} utterances of ours had their motion superseded (E_SUPERSEDED); each counts with its answer as its first effect, none is excluded from 'mix first effect, ours'; the 'not superseded' rows compare both systems on the other ${c.items.length - superseded.size}`,
  ];
  return {
    rows,
    notes,
    keys: {
      mix_mean_ms_ours: ours.mean,
      mix_mean_ms_seed: seed.mean,
      mix_p95_ms_ours: ours.p95,
      mix_p95_ms_seed: seed.p95,
      mix_llm_calls_ours: c.ours.llmCalls,
      mix_llm_calls_seed: c.seed.llmCalls,
      mix_mean_ms_ours_queue: queue.mean,
      mix_p95_ms_ours_queue: queue.p95,
      mix_superseded_ours: superseded.size,
    },
  };
}

function sources(r: MixRun): string {
  const n: Record<string, number> = {};
  for (const o of r.outcomes) n[o.rec.source] = (n[o.rec.source] ?? 0) + 1;
  return Object.entries(n).map(([k, v]) => `${k} ${v}`).join(', ');
}

function errors(r: MixRun): string {
  const n: Record<string, number> = {};
  // A superseded answer is not a fallback reply: it has its own row.
  for (const o of r.outcomes) if (o.rec.error && !o.rec.error.startsWith('E_SUPERSEDED')) n[o.rec.error.split(':')[0] as string] = (n[o.rec.error.split(':')[0] as string] ?? 0) + 1;
  return Object.entries(n).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

export const benchmarks: Benchmark[] = [
  {
    name: 'mix',
    keys: MIX_KEYS,
    async run(ctx) {
      const c = await compareMix(mixOptions(ctx.quick), ctx.log, !ctx.quick);
      return mixResult(c);
    },
  },
];
