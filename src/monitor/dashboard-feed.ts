import type { Config } from '../config/types';
import type { AnswerRecord } from '../pipeline/types';
import { excerpt } from '../util/logger';
import type { StatusSource, Telemetry, TelemetryEvent } from '../util/telemetry';
import type { EventLoopLag } from './event-loop-lag';
import type { InFlightTracker } from './in-flight';
import { LANES, SOURCES } from './labels';
import { percentiles } from '../util/percentile';
import { hostViews, laneDepth, readStatuses, type HostView, type ReadStatus } from './status-read';

/** One row of the last-utterances table. Text is a bounded excerpt; the page escapes it. */
export interface UtteranceRow {
  id: string;
  at: number;
  text: string;
  language: string;
  source: string;
  actions: Array<{ name: string; verdict: string }>;
  latencyMs: number;
  /** Arrival -> first command published (or the reply when nothing moved): the decision's speed, without the robot's acknowledgement. */
  firstEffectMs: number;
  /** Which way in: speech_text, speech, service, http, console, cli, replay. */
  origin: string;
  verdict: 'ok' | 'blocked' | 'dropped' | 'none';
  error: string;
}

export interface ErrorRow {
  at: number;
  component: string;
  code: string;
  message: string;
}

/** One point of the charts: what happened during one tick. */
export interface Tick {
  at: number;
  answers: number;
  bySource: Record<string, number>;
  /** Latency percentiles (ms) over the answers of the last `windowTicks` ticks. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Share of answers that needed the cache (all but reflex) that the cache served, over the window. */
  hitRate: number | null;
  /** The key-figure cards: latency percentiles over every answer the charts still show (the last HISTORY ticks), so a card has a value whenever its chart has points. */
  recent: { p50: number | null; p99: number | null; firstEffectP50: number | null; n: number };
  rps: number;
  queue: Record<string, number>;
  lagP99Ms: number;
  blocks: number;
}

export type FeedMessage =
  | { type: 'hello'; ticks: Tick[]; utterances: UtteranceRow[]; errors: ErrorRow[]; components: ComponentRow[]; hosts: HostView[]; totals: Record<string, number>; tickMs: number }
  | { type: 'tick'; tick: Tick; components: ComponentRow[]; hosts: HostView[]; totals: Record<string, number> }
  | { type: 'answer'; row: UtteranceRow }
  | { type: 'error'; row: ErrorRow };

export interface ComponentRow {
  component: string;
  level: string;
  message: string;
}

export interface DashboardFeed {
  hello(): FeedMessage;
  /** Closes the current tick; returns the message to broadcast. */
  tick(): FeedMessage;
  close(): void;
}

const MAX_ROWS = 50;
const MAX_ERRORS = 20;
const HISTORY = 180;
const WINDOW_TICKS = 10;
const MAX_WINDOW_SAMPLES = 5000;
/** Answers the key-figure cards are computed over at most (the newest ones). */
const MAX_RECENT = 2000;

export function createDashboardFeed(deps: {
  config: Readonly<Config>;
  telemetry: Telemetry;
  statusSources: () => StatusSource[];
  lag: EventLoopLag;
  inFlight: InFlightTracker;
  wallMs: () => number;
  tickMs: number;
  /** Called for messages that go out at once (answers, errors). */
  push: (msg: FeedMessage) => void;
}): DashboardFeed {
  const rows: UtteranceRow[] = [];
  const errors: ErrorRow[] = [];
  const ticks: Tick[] = [];
  let cur = emptyAcc();
  /** Answers by source since the monitor started. */
  const totals: Record<string, number> = {};
  const window: Array<{ latencies: number[]; served: number; needed: number }> = [];
  const recent: Array<{ tick: number; ms: number; firstMs: number }> = [];
  let tickNo = 0;

  const pushRing = <T>(ring: T[], item: T, max: number) => {
    ring.push(item);
    if (ring.length > max) ring.splice(0, ring.length - max);
  };

  const onAnswer = (rec: AnswerRecord) => {
    const row = toRow(rec);
    pushRing(rows, row, MAX_ROWS);
    cur.answers++;
    const src = (SOURCES as readonly string[]).includes(rec.source) ? rec.source : 'fallback';
    cur.bySource[src] = (cur.bySource[src] ?? 0) + 1;
    totals[src] = (totals[src] ?? 0) + 1;
    if (cur.latencies.length < MAX_WINDOW_SAMPLES) cur.latencies.push(Math.max(0, rec.latencyMs));
    pushRing(recent, { tick: tickNo, ms: Math.max(0, rec.latencyMs), firstMs: Math.max(0, rec.firstEffectMs) }, MAX_RECENT);
    if (src !== 'reflex') cur.needed++;
    if (src === 'cache' || src === 'semantic_cache') cur.served++;
    deps.push({ type: 'answer', row });
    if (rec.error) addError({ at: row.at, component: 'pipeline', code: rec.error.split(':')[0] ?? '', message: rec.error });
  };

  const addError = (row: ErrorRow) => {
    const clean = { ...row, code: excerpt(row.code, 32), component: excerpt(row.component, 32), message: excerpt(row.message, 200) };
    pushRing(errors, clean, MAX_ERRORS);
    deps.push({ type: 'error', row: clean });
  };

  /** Last LLM call latency per host, for hosts whose status does not report one. */
  const lastCallMs = new Map<string, number>();
  const off = deps.telemetry.on((e: TelemetryEvent) => {
    if (e.type === 'answer') onAnswer(e.record);
    else if (e.type === 'llm_call' && typeof e.totalMs === 'number' && (lastCallMs.has(e.host) || lastCallMs.size < 64)) lastCallMs.set(e.host, e.totalMs);
    else if (e.type === 'error') addError({ at: deps.wallMs(), component: e.component, code: e.code, message: e.message });
    else if (e.type === 'safety_block') cur.blocks++;
  });

  const views = () => {
    const statuses = readStatuses(deps.statusSources);
    const hosts = hostViews(statuses, deps.config.ollama.hosts).map((h) => ({
      ...h,
      inFlight: h.inFlight ?? deps.inFlight.get(h.host) ?? 0,
      latencyMs: h.latencyMs ?? lastCallMs.get(h.host),
    }));
    return { statuses, components: statuses.map(componentRow), hosts };
  };

  return {
    hello() {
      const v = views();
      return { type: 'hello', ticks: [...ticks], utterances: [...rows], errors: [...errors], components: v.components, hosts: v.hosts, totals: { ...totals }, tickMs: deps.tickMs };
    },
    tick() {
      const v = views();
      pushRing(window, { latencies: cur.latencies, served: cur.served, needed: cur.needed }, WINDOW_TICKS);
      const lat = window.flatMap((w) => w.latencies);
      const [p50, p95, p99] = percentiles(lat, [50, 95, 99]);
      // The charts show HISTORY ticks, each point a WINDOW_TICKS window: the cards cover the same answers.
      tickNo++;
      while (recent.length > 0 && (recent[0]?.tick ?? 0) <= tickNo - HISTORY - WINDOW_TICKS) recent.shift();
      const [r50, r99] = percentiles(recent.map((r) => r.ms), [50, 99]);
      const [f50] = percentiles(recent.map((r) => r.firstMs), [50]);
      const needed = window.reduce((a, w) => a + w.needed, 0);
      const served = window.reduce((a, w) => a + w.served, 0);
      const tick: Tick = {
        at: deps.wallMs(),
        answers: cur.answers,
        bySource: cur.bySource,
        p50: p50 ?? null,
        p95: p95 ?? null,
        p99: p99 ?? null,
        hitRate: needed > 0 ? served / needed : null,
        recent: { p50: r50 ?? null, p99: r99 ?? null, firstEffectP50: f50 ?? null, n: recent.length },
        rps: cur.answers / (deps.tickMs / 1000),
        queue: queueDepths(v.statuses),
        lagP99Ms: deps.lag.last().p99Ms,
        blocks: cur.blocks,
      };
      pushRing(ticks, tick, HISTORY);
      cur = emptyAcc();
      return { type: 'tick', tick, components: v.components, hosts: v.hosts, totals: { ...totals } };
    },
    close: () => void off(),
  };
}

function emptyAcc() {
  return { answers: 0, bySource: {} as Record<string, number>, latencies: [] as number[], served: 0, needed: 0, blocks: 0 };
}

function queueDepths(statuses: ReadStatus[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) {
    if (s.component !== 'scheduler') continue;
    for (const lane of LANES) {
      const d = laneDepth(s.values, lane);
      if (d !== undefined) out[lane] = (out[lane] ?? 0) + d;
    }
  }
  return out;
}

function componentRow(s: ReadStatus): ComponentRow {
  const host = typeof s.values['host'] === 'string' ? ` ${s.values['host']}` : '';
  return { component: s.component + host, level: s.level, message: s.message };
}

export function toRow(rec: AnswerRecord): UtteranceRow {
  const actions = rec.actions.slice(0, 8).map((a) => ({ name: excerpt(String(a.name), 24), verdict: excerpt(String(a.verdict), 40) }));
  const verdicts = rec.actions.map((a) => String(a.verdict));
  const verdict = verdicts.length === 0 ? 'none' : verdicts.some((v) => v.startsWith('blocked')) ? 'blocked' : verdicts.some((v) => v.startsWith('dropped')) ? 'dropped' : 'ok';
  return {
    id: rec.requestId,
    at: rec.wallMs,
    text: excerpt(rec.text, 120),
    language: rec.language,
    source: rec.source,
    actions,
    latencyMs: Math.round(rec.latencyMs * 100) / 100,
    firstEffectMs: Math.round(rec.firstEffectMs * 100) / 100,
    origin: rec.origin,
    verdict,
    error: excerpt(rec.error, 120),
  };
}
