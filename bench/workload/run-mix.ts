import { createOllamaSimulator } from '../../src/llm/simulator';
import type { LatencyProfile, SimStats } from '../../src/llm/simulator/types';
import type { Pipeline } from '../../src/pipeline/pipeline';
import type { AnswerRecord, QueryInput } from '../../src/pipeline/types';
import { MemoryGraph } from '../../src/ros/memory-transport';
import { createSilentLogger, type Logger } from '../../src/util/logger';
import { nowMs } from '../stats';
import type { WorkItem } from './generator';
import { attachGo2StandIn } from './go2-standin';
import { SettlingClock, createSettler, driveUntil } from './settling-clock';
import { scriptFor } from './sim-script';

/** One configuration under test, built on the shared virtual clock, graph and simulator. */
export interface MixSystem {
  pipeline: Pipeline;
  /** Loads the model with the runner options inference uses (the mix runs warm). */
  warmup(): Promise<void>;
  close(): Promise<void>;
  /** Extra facts for the table (batches formed, ...). */
  facts?(): Record<string, number>;
}

export interface MixEnv {
  clock: SettlingClock;
  graph: MemoryGraph;
  simUrl: string;
  logger: Logger;
}

export interface MixOutcome {
  item: WorkItem;
  rec: AnswerRecord;
}

export interface MixRun {
  outcomes: MixOutcome[];
  /** Generations the simulator was asked for during the mix (warm-up excluded). */
  llmCalls: number;
  sim: SimStats;
  /** Virtual duration of the mix, ms. */
  virtualMs: number;
  wallMs: number;
  warmupMs: number;
  facts: Record<string, number>;
}

/**
 * Replays the mix against one configuration: a fresh simulator (same profile), a fresh
 * virtual clock, the Go2 stand-in on a memory graph; every utterance enters
 * `pipeline.handle()` at its arrival time, as the speech topic would hand it over.
 */
export async function runMix(
  items: WorkItem[],
  profile: LatencyProfile | 'jetson',
  build: (env: MixEnv) => Promise<MixSystem>,
  opts: { quietRounds?: number } = {},
): Promise<MixRun> {
  const w0 = nowMs();
  const clock = new SettlingClock();
  const settler = createSettler({ quietRounds: opts.quietRounds });
  const sim = createOllamaSimulator({ clock, profile, script: scriptFor(items) });
  const simUrl = await sim.listen(0);
  const graph = new MemoryGraph();
  const go2 = attachGo2StandIn(graph, clock);
  const logger = createSilentLogger();
  let system: MixSystem | undefined;
  try {
    system = await build({ clock, graph, simUrl, logger });
    const sys = system;
    let warm = false;
    const tw = clock.now();
    void sys.warmup().finally(() => (warm = true));
    await driveUntil(clock, settler, () => warm);
    const warmupMs = clock.now() - tw;
    const before = sim.stats();
    const start = clock.now();
    const outcomes: MixOutcome[] = new Array<MixOutcome>(items.length);
    let done = 0;
    for (const item of items) {
      clock.setTimeout(() => {
        const input: QueryInput = {
          text: item.text,
          origin: 'speech',
          language: item.language,
          confidence: 0.9,
          isFinal: true,
          utteranceId: `mix-${item.seq}`,
        };
        void sys.pipeline.handle(input).then((rec) => {
          outcomes[item.seq] = { item, rec };
          done++;
        });
      }, item.at);
    }
    await driveUntil(clock, settler, () => done === items.length);
    const after = sim.stats();
    const virtualMs = clock.now() - start;
    const facts = sys.facts?.() ?? {};
    let closed = false;
    void sys.close().finally(() => (closed = true));
    await driveUntil(clock, settler, () => closed).catch(() => undefined);
    system = undefined;
    return {
      outcomes,
      llmCalls: after.chat + after.generate - (before.chat + before.generate),
      sim: after,
      virtualMs,
      wallMs: nowMs() - w0,
      warmupMs,
      facts,
    };
  } finally {
    if (system) await Promise.race([system.close(), new Promise((r) => setTimeout(r, 2000))]);
    await go2.close();
    await sim.close();
    settler.close();
  }
}
