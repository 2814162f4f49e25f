/**
 * emergency_p99_ms_loaded: a stop word arriving on the speech topic -> StopMove (1003)
 * published on /api/sport/request, while 200 LLM requests wait in the scheduler behind a
 * 1-slot simulated Jetson that is busy streaming. The whole real app (createApp) on the
 * memory transport, real time (this is the node's own reaction time, not a model's).
 * The same measurement without load is printed beside it.
 *
 * stop_8mb_ms / answer_8mb_ms: one 8 MB utterance (filler text in ja, zh or en) holding a stop
 * word at its start, middle or end, or disguised at its end (an invisible character inside,
 * fullwidth or halfwidth, spaces between CJK characters, stretched), handed to the pipeline: the
 * slowest time to StopMove seen by the Go2 stand-in over all of them, and to the answer (the
 * refusal of the over-long text, with the stop in it, or without a stop word). The text arrives
 * flat, as a transport decodes it; a row beside shows the plain cases as a rope.
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

const EIGHT_MB = 8 * 1024 * 1024;
const FILLERS: Record<Lang, string> = { ja: 'これは関係のない長い話です。', zh: '这是一段没有关系的很长的话。', en: 'this is a long ramble about nothing. ' };
const LONG_STOPS: Record<Lang, string> = { ja: '止まって', zh: '停下', en: 'stop' };
/** Invisible characters a recogniser or a keyboard leaves inside a word: zero-width space, soft hyphen, bidi mark, combining grapheme joiner, variation selector. */
const HIDDEN = ['\u200b', '\u00ad', '\u200e', '\u034f', '\ufe0f'];

/**
 * The stop word as recognisers and keyboards really deliver it, per kind (none where the kind
 * does not apply to the language): with an invisible character inside, in its fullwidth or
 * halfwidth form, with spaces between CJK characters, stretched.
 */
const DISGUISED: Record<string, Partial<Record<Lang, (hidden: string) => string>>> = {
  'an invisible character inside': { ja: (h) => `止${h}まって`, zh: (h) => `停${h}下`, en: (h) => `st${h}op` },
  'fullwidth or halfwidth': { ja: () => 'ｽﾄｯﾌﾟ', en: () => 'ＳＴＯＰ' },
  'spaces between CJK characters': { ja: () => '止 ま っ て', zh: () => '停 下' },
  stretched: { ja: () => 'ストーップ', en: () => 'stooop' },
};

/** 8 MB of filler (UTF-16 length: what the pipeline sees) with `word` at `where`. */
function eightMegabytes(lang: Lang, word: string, where: 'start' | 'middle' | 'end'): string {
  const filler = FILLERS[lang].repeat(Math.ceil(EIGHT_MB / FILLERS[lang].length)).slice(0, EIGHT_MB - word.length - 2);
  if (where === 'start') return `${word} ${filler}`;
  if (where === 'end') return `${filler} ${word}`;
  const half = Math.floor(filler.length / 2);
  return `${filler.slice(0, half)} ${word} ${filler.slice(half)}`;
}

/**
 * The text as a transport hands it over: decoded from the wire into one flat string (here JSON,
 * as the HTTP API parses a request), not the rope the concatenations above build in memory,
 * which V8 copies into a flat string (16 MB of UTF-16) on the pipeline's first read of it.
 */
function asDelivered(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * stop_8mb_ms is the slowest StopMove over every case: plain stop words at the start, middle and
 * end, and each disguised kind at the end (the whole text is read before it is found).
 */
export async function runLongInput(quick: boolean): Promise<BenchResult> {
  const rig = await startRig();
  const stopMs = new Map<string, number[]>();
  const ropeMs: number[] = [];
  const answerMs: number[] = [];
  const noStopMs: number[] = [];
  const hand = async (text: string): Promise<{ stop: number; answer: number }> => {
    const seen = rig.nextStop();
    const t0 = nowMs();
    const answered = rig.app.pipeline.handle({ text, origin: 'speech_text' });
    const stop = await seen;
    await answered;
    return { stop: stop - t0, answer: nowMs() - t0 };
  };
  const record = (kind: string, r: { stop: number; answer: number }) => {
    stopMs.set(kind, [...(stopMs.get(kind) ?? []), r.stop]);
    answerMs.push(r.answer);
  };
  try {
    const langs: Lang[] = quick ? ['en'] : ['ja', 'zh', 'en'];
    const wheres = quick ? (['end'] as const) : (['start', 'middle', 'end'] as const);
    const rounds = quick ? 1 : 3;
    for (let r = 0; r < rounds; r++) {
      for (const [l, lang] of langs.entries()) {
        const hidden = HIDDEN[(r * langs.length + l) % HIDDEN.length] as string;
        for (const where of wheres) {
          record('plain, at the start, middle or end', await hand(asDelivered(eightMegabytes(lang, LONG_STOPS[lang], where))));
          ropeMs.push((await hand(eightMegabytes(lang, LONG_STOPS[lang], where))).stop);
        }
        for (const [kind, make] of Object.entries(DISGUISED)) {
          const word = make[lang];
          if (word) record(`${kind}, at the end`, await hand(asDelivered(eightMegabytes(lang, word(hidden), 'end'))));
        }
        // No stop word at all: the answer only (the refusal of the over-long text).
        const text = asDelivered(FILLERS[lang].repeat(Math.ceil(EIGHT_MB / FILLERS[lang].length)).slice(0, EIGHT_MB));
        const t0 = nowMs();
        await rig.app.pipeline.handle({ text, origin: 'speech_text' });
        noStopMs.push(nowMs() - t0);
      }
    }
  } finally {
    await rig.close();
  }
  const row = (what: string, xs: number[]): BenchRow => {
    const s = summarize(xs);
    return { what, n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' };
  };
  const all = [...stopMs.values()].flat();
  return {
    rows: [
      ...[...stopMs].map(([kind, xs]) => row(`8 MB utterance, stop word ${kind} -> StopMove`, xs)),
      row('8 MB utterance, any of the above -> StopMove', all),
      row('8 MB utterance built in memory (a rope, flattened on the first read), plain stop word -> StopMove (not a key)', ropeMs),
      row('8 MB utterance with a stop word -> answer (refused as too long, stop in the record)', answerMs),
      row('8 MB utterance without a stop word -> answer (refused as too long)', noStopMs),
    ],
    keys: { stop_8mb_ms: Math.max(...all), answer_8mb_ms: Math.max(...answerMs, ...noStopMs) },
    notes: [
      'keys are the slowest sample over every case (position, disguise and language), not a percentile; filler text in ja, zh and en, the whole app on the memory transport',
      'the text is handed over flat, as a transport decodes it (JSON here); the rope row shows what V8 adds when it must first flatten a text concatenated in memory',
      `invisible characters used in turn: ${HIDDEN.map((h) => `U+${(h.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`).join(', ')}`,
    ],
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'emergency',
    keys: ['emergency_p99_ms_loaded'],
    run: (ctx) => runEmergency(ctx.quick, ctx.log),
  },
  {
    name: 'long-input',
    keys: ['stop_8mb_ms', 'answer_8mb_ms'],
    run: (ctx) => runLongInput(ctx.quick),
  },
];
