/**
 * emergency_p99_ms_loaded: a stop word arriving on the speech topic -> StopMove (1003)
 * published on /api/sport/request, while 200 LLM requests wait in the scheduler behind a
 * 1-slot simulated Jetson that is busy streaming. The whole real app (createApp) on the
 * memory transport, real time (this is the node's own reaction time, not a model's).
 * The same measurement without load is printed beside it.
 * (stop_8mb_ms / answer_8mb_ms: bench/long-input.ts, in a process of its own.)
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { createApp, type App } from '../src/app';
import { configWith } from '../src/config/load';
import { createOllamaSimulator, JETSON_PROFILE } from '../src/llm/simulator';
import type { LatencyProfile, OllamaSimulator } from '../src/llm/simulator/types';
import { MSG, type SpeechTextMsg, type StringMsg } from '../src/ros/messages';
import { createMemoryTransport, MemoryGraph } from '../src/ros/memory-transport';
import { createSystemClock } from '../src/util/clock';
import { createSilentLogger } from '../src/util/logger';
import type { Lane } from '../src/util/telemetry';
import { nowMs, summarize } from './stats';
import type { BenchResult, BenchRow, Benchmark } from './types';
import { attachGo2StandIn } from './workload/go2-standin';
import { createRng } from './workload/rng';
import { QUESTIONS, STOPS, TOPICS, type Lang } from './workload/vocabulary';

/** Warm (no load time), otherwise the Jetson assumptions: each held request takes seconds. */
const HOLDING_PROFILE: LatencyProfile = { ...JETSON_PROFILE, name: 'jetson-warm', loadMs: 0, note: `${JETSON_PROFILE.note}; model already loaded` };
export const LOAD = 200;
const STOP_API_ID = 1003;

export interface Rig {
  app: App;
  sim: OllamaSimulator;
  speak(text: string): void;
  /** A partial ASR result on the SpeechText topic (is_final false): only L0 sees it. */
  speakPartial(text: string): void;
  nextStop(): Promise<number>;
  queued(): number;
  close(): Promise<void>;
}

/** The whole app on the memory transport behind a busy 1-slot simulated Jetson; `http` serves its HTTP server on a free port. */
export async function startRig(opts: { http?: boolean } = {}): Promise<Rig> {
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const sim = createOllamaSimulator({ clock, profile: HOLDING_PROFILE });
  const url = await sim.listen(0);
  const config = configWith({
    ollama: { hosts: [url], warmup: false, request_timeout_s: 600 },
    // Room for all 200 in the lanes (the default lanes would answer "busy" beyond 32/64), and no deadline inside the run.
    sched: { lane_max_high: 256, lane_max_medium: 256, lane_max_low: 256, deadline_high_s: 600, deadline_medium_s: 600, deadline_low_s: 600 },
    cache: { redis_enabled: false },
    metrics: opts.http ? { enabled: true, port: 0 } : { enabled: false },
    robot: { response_timeout_s: 0.5 },
  });
  const graph = new MemoryGraph();
  const go2 = attachGo2StandIn(graph, clock, { responseMs: 5 });
  const app = await createApp(config, { clock, logger, graph });
  await app.start();
  const peer = createMemoryTransport({ graph, namespace: '/', clock, logger });
  const speech = peer.createPublisher<StringMsg>(MSG.String, app.transport.resolveName(config.topics.speech_text));
  const speechFull = peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, app.transport.resolveName(config.topics.speech));
  let partials = 0;
  let waiter: ((at: number) => void) | undefined;
  go2.onRequest((apiId) => {
    if (apiId !== STOP_API_ID || !waiter) return;
    const w = waiter;
    waiter = undefined;
    w(nowMs());
  });
  const llm = app.llm as (App['llm'] & { inspect?: () => { depth: Record<Lane, number> } }) | undefined;
  return {
    app,
    sim,
    speak: (text) => speech.publish({ data: text }),
    speakPartial: (text) =>
      speechFull.publish({ stamp: { sec: 0, nanosec: 0 }, utterance_id: `partial-${++partials}`, text, language: '', confidence: 0.6, is_final: false, source: 'bench' }),
    nextStop: () => new Promise<number>((resolve) => (waiter = resolve)),
    queued: () => {
      const d = llm?.inspect?.().depth;
      return d ? d.urgent + d.high + d.medium + d.low : -1;
    },
    async close() {
      await app.close();
      await peer.close();
      await go2.close();
      await sim.close();
    },
  };
}

/** One stop word per iteration, the next only after the previous StopMove was seen. */
async function measureStops(rig: Rig, n: number, warmup: number, partial = false): Promise<number[]> {
  const rng = createRng(7);
  const langs: Lang[] = ['ja', 'zh', 'en'];
  const out: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const text = rng.pick(STOPS[rng.pick(langs)]);
    const seen = rig.nextStop();
    const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no StopMove within 2 s for "${text}"`)), 2000).unref());
    const t0 = nowMs();
    if (partial) rig.speakPartial(text);
    else rig.speak(text);
    const t1 = await Promise.race([seen, timeout]);
    if (i >= warmup) out.push(t1 - t0);
    // Let the rest of the stop's handling (reply, telemetry) finish, as between two real utterances.
    await new Promise((r) => setTimeout(r, 1));
  }
  return out;
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/**
 * Queues LOAD distinct questions that no reflex or cache answers (no coalescing: each needs
 * its own LLM call) behind the running one; returns how many wait in the scheduler.
 */
export async function queueLoad(rig: Rig, log: (l: string) => void): Promise<number> {
  const rng = createRng(11);
  const langs: Lang[] = ['ja', 'zh', 'en'];
  for (let i = 0; i < LOAD; i++) {
    const lang = rng.pick(langs);
    rig.speak(`${rng.pick(QUESTIONS[lang])(rng.pick(TOPICS[lang]))} (${i})`);
  }
  const full = await waitUntil(() => rig.queued() >= LOAD - 1, 10_000);
  const before = rig.queued();
  log(`${before} LLM requests queued behind the running one${full ? '' : ' (fewer than intended)'}`);
  return before;
}

export async function runEmergency(quick: boolean, log: (l: string) => void): Promise<BenchResult> {
  const n = quick ? 10 : 1000;
  const warmup = quick ? 3 : 100;
  const rows: BenchRow[] = [];
  const notes: string[] = [];

  const idle = await startRig();
  try {
    const s = summarize(await measureStops(idle, n, warmup));
    rows.push({ what: 'stop word -> StopMove, no LLM load', n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' });
  } finally {
    await idle.close();
  }

  const rig = await startRig();
  try {
    const before = await queueLoad(rig, log);
    const samples = await measureStops(rig, n, warmup);
    const s = summarize(samples);
    rows.push({ what: `stop word -> StopMove, ${before} LLM requests queued`, n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' });
    const p = summarize(await measureStops(rig, n, warmup, true));
    rows.push({ what: `partial ASR result (SpeechText, is_final false) -> StopMove, loaded`, n: p.n, p50: p.p50, p95: p.p95, p99: p.p99, mean: p.mean, unit: 'ms' });
    const after = rig.queued();
    notes.push(`load: ${LOAD} distinct questions published on the speech topic; ${before} queued in the scheduler (plus the one running) at the start, ${after} at the end; ${rig.sim.stats().chat} reached the simulator '${HOLDING_PROFILE.name}' (1 slot, busy streaming)`);
    notes.push(`each sample: std_msgs/String on the speech topic (memory transport) -> unitree_api Request 1003 seen by a Go2 stand-in; real time, ${warmup} warm-up stops not counted`);
    if (before < LOAD - 1) notes.push(`only ${before} of ${LOAD} requests were queued (lane limits or the scheduler's inspect() missing)`);
    return { rows, notes, keys: { emergency_p99_ms_loaded: s.p99 } };
  } finally {
    await rig.close();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'emergency',
    keys: ['emergency_p99_ms_loaded'],
    run: (ctx) => runEmergency(ctx.quick, ctx.log),
  },
];
