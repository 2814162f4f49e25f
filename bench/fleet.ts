/**
 * A fleet of nodes sharing one Redis (127.0.0.1:6379, a fresh key prefix per fleet size)
 * and one Ollama SIMULATOR host (fast profile, scripted answers; not a real model).
 * N = 1, 2, 4, 8 whole nodes (createApp on the memory transport, dry-run) run in this
 * process; node i replays its own seeded conversation mix (bench/workload/generator.ts,
 * seed BASE_SEED + i) drawn from the one shared vocabulary, all nodes at once, each node's
 * utterances one after another with a seeded 2-8 ms pause. Keys:
 * - fleet_llm_calls_per_utt_N: generations the simulator served / utterances, fleet-wide.
 *   An answer one robot paid for is a cache hit for the others, so it falls as N grows.
 * - fleet_hit_rate_8: (memory + redis + semantic hits) / cache lookups over the 8 nodes.
 * - fleet_redis_hit_p99_ms_8: wall time of the lookups answered from Redis during the
 *   8-node run (histogram p99), under the load of 8 nodes and the simulator.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import * as os from 'node:os';
import { createApp, type App } from '../src/app';
import { configWith } from '../src/config/load';
import { createOllamaSimulator } from '../src/llm/simulator';
import type { CacheLookup } from '../src/pipeline/stages';
import type { Request } from '../src/pipeline/types';
import { MemoryGraph } from '../src/ros/memory-transport';
import { createSystemClock } from '../src/util/clock';
import { createSilentLogger } from '../src/util/logger';
import { deleteBenchKeys } from './cache';
import { histogramSummary, nowMs } from './stats';
import type { BenchRow, Benchmark } from './types';
import { generateMix, type WorkItem } from './workload/generator';
import { createRng } from './workload/rng';
import { scriptFor } from './workload/sim-script';

export const FLEET_SIZES = [1, 2, 4, 8] as const;
const BASE_SEED = 20261203;

export interface FleetRun {
  nodes: number;
  utterances: number;
  llmCalls: number;
  lookups: number;
  hits: number;
  redisHitMs: number[];
  /** Utterances (bad input aside) answered with the fallback reply: should be 0. */
  fallbacks: number;
  wallMs: number;
}

/** The per-node mixes: same generator and vocabulary, one seed each. */
export function fleetMixes(nodes: number, perNode: number): WorkItem[][] {
  return Array.from({ length: nodes }, (_, i) => generateMix({ seed: BASE_SEED + i, count: perNode, burstSize: 0 }));
}

async function runFleet(nodes: number, perNode: number, redisUrl: string): Promise<FleetRun> {
  const mixes = fleetMixes(nodes, perNode);
  const sim = createOllamaSimulator({ profile: 'fast', script: scriptFor(mixes.flat()) });
  const simUrl = await sim.listen(0);
  const prefix = `claudia-bench-fleet:${process.pid}:${nodes}:`;
  const apps: App[] = [];
  const redisHitMs: number[] = [];
  const w0 = nowMs();
  try {
    for (let i = 0; i < nodes; i++) {
      const config = configWith({
        ollama: { hosts: [simUrl], warmup: false },
        cache: { redis_enabled: true, redis_url: redisUrl, redis_key_prefix: prefix },
        metrics: { enabled: false },
        robot: { settle_ms: 0, sequence_pause_ms: 0 },
      });
      const app = await createApp(config, { clock: createSystemClock(), logger: createSilentLogger(), graph: new MemoryGraph() });
      await app.start();
      const cache = app.cache;
      if (cache) {
        // Time the lookups the pipeline makes; keep those Redis answered.
        const lookup = cache.lookup.bind(cache);
        cache.lookup = async (req: Request): Promise<CacheLookup> => {
          const t0 = nowMs();
          const res = await lookup(req);
          if (res.tier === 'redis') redisHitMs.push(nowMs() - t0);
          return res;
        };
      }
      apps.push(app);
    }
    // Replay only once every node has seen the simulator host up (its first health probe
    // can be slow on a loaded machine; before that a node answers with the fallback).
    const deadline = nowMs() + 15_000;
    const hostUp = (app: App) => Number(app.statusSources.find((x) => x.component === 'ollama')?.status().values['hosts_up'] ?? 0) > 0;
    while (!apps.every(hostUp) && nowMs() < deadline) await new Promise((res) => setTimeout(res, 50));
    const before = sim.stats().chat;
    let fallbacks = 0;
    await Promise.all(
      apps.map(async (app, i) => {
        const rng = createRng(BASE_SEED * 31 + i);
        for (const item of mixes[i] as WorkItem[]) {
          // Robots are not spoken to in lock-step: a seeded pause of 2-8 ms between utterances.
          await new Promise((res) => setTimeout(res, 2 + Math.floor(rng.next() * 7)));
          const rec = await app.pipeline.handle({ text: item.text, origin: 'speech', language: item.language, dryRun: true });
          if (rec.source === 'fallback' && item.kind !== 'bad') fallbacks++;
        }
      }),
    );
    const llmCalls = sim.stats().chat - before;
    let lookups = 0;
    let hits = 0;
    for (const app of apps) {
      const v = app.statusSources.find((s) => s.component === 'cache')?.status().values ?? {};
      lookups += Number(v['lookups'] ?? 0);
      hits += Number(v['memory_hits'] ?? 0) + Number(v['redis_hits'] ?? 0) + Number(v['semantic_hits'] ?? 0);
    }
    return { nodes, utterances: nodes * perNode, llmCalls, lookups, hits, redisHitMs, fallbacks, wallMs: nowMs() - w0 };
  } finally {
    await Promise.allSettled(apps.map((a) => a.close()));
    await sim.close();
    await deleteBenchKeys(prefix, redisUrl).catch(() => undefined);
  }
}

async function redisUp(url: string): Promise<boolean> {
  const { default: Redis } = await import('ioredis');
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'fleet',
    keys: [...FLEET_SIZES.map((n) => `fleet_llm_calls_per_utt_${n}`), 'fleet_hit_rate_8', 'fleet_redis_hit_p99_ms_8'],
    async run(ctx) {
      const url = 'redis://127.0.0.1:6379/0';
      const keys: Record<string, number | null> = {};
      const rows: BenchRow[] = [];
      const notes = [`load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} cores`, 'LLM = the Ollama SIMULATOR (fast profile, scripted answers)'];
      if (!(await redisUp(url))) {
        for (const k of this.keys) keys[k] = null;
        return { rows, keys, notes: [...notes, 'no Redis at 127.0.0.1:6379: fleet not measured'] };
      }
      const perNode = ctx.quick ? 30 : 150;
      for (const n of FLEET_SIZES) {
        const r = await runFleet(n, perNode, url);
        const perUtt = r.llmCalls / r.utterances;
        keys[`fleet_llm_calls_per_utt_${n}`] = perUtt;
        rows.push({ what: `fleet of ${n}: LLM calls per utterance (${r.utterances} utterances)`, n: r.utterances, value: perUtt, unit: 'calls', simulated: true });
        rows.push({ what: `fleet of ${n}: cache hit rate (${r.lookups} lookups)`, n: r.lookups, value: r.lookups ? r.hits / r.lookups : 0, unit: 'ratio' });
        if (n === 8) {
          keys['fleet_hit_rate_8'] = r.lookups ? r.hits / r.lookups : null;
          const h = histogramSummary(r.redisHitMs);
          keys['fleet_redis_hit_p99_ms_8'] = r.redisHitMs.length ? h.p99 : null;
          rows.push({ what: 'fleet of 8: lookups answered by Redis', n: h.n, p50: h.p50, p99: h.p99, unit: 'ms' });
        }
        if (r.fallbacks) notes.push(`fleet of ${n}: ${r.fallbacks} utterances answered with the fallback reply (LLM path failed)`);
        ctx.log(`fleet ${n}: ${r.llmCalls} LLM calls for ${r.utterances} utterances, hit rate ${(r.hits / Math.max(1, r.lookups)).toFixed(3)}, ${Math.round(r.wallMs)} ms`);
      }
      return { rows, keys, notes };
    },
  },
];
