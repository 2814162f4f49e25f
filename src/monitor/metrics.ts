import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/types';
import type { AnswerRecord } from '../pipeline/types';
import type { Telemetry, TelemetryEvent } from '../util/telemetry';
import type { EventLoopLag } from './event-loop-lag';
import type { InFlightTracker } from './in-flight';
import { CACHE_TIERS, GOAL_ENDS, LANES, SOURCES, createLabelGuard, hostLabel, normaliseSafetyReason, oneOf, robotCodeLabel } from './labels';
import { hostViews, laneDepth, levelRank, readStatuses, redisConnected, type ReadStatus } from './status-read';
import type { StatusSource } from '../util/telemetry';

/** Seconds; from sub-millisecond reflexes to the 60 s worst case of a cold 7B model. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 45, 60];
const STOP_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Extra gauges the app may add (value read at scrape time). */
export interface ExtraGauge {
  name: string;
  help: string;
  read: () => number | undefined;
}

export interface MetricsDeps {
  config: Readonly<Config>;
  telemetry: Telemetry;
  statusSources: () => StatusSource[];
  lag: EventLoopLag;
  inFlight: InFlightTracker;
  extraGauges?: ExtraGauge[];
}

export interface Metrics {
  readonly registry: Registry;
  /** Dashboard WebSocket bookkeeping (the hub reports here). */
  wsRejected(reason: WsRejectReason): void;
  wsDropped(reason: WsDropReason): void;
  setWsClients(n: number): void;
  auditDropped(n: number): void;
  close(): void;
}

export type WsRejectReason = 'auth' | 'capacity' | 'origin' | 'path';
export type WsDropReason = 'garbage' | 'slow_reader' | 'pong_timeout' | 'payload';

type Stage = 'queue_wait' | 'first_token' | 'first_action' | 'llm' | 'first_effect' | 'total';
const COMPONENTS = ['ollama', 'cache', 'scheduler', 'safety', 'motion', 'transport'] as const;

/**
 * Every claudia_ metric, on the monitor's own registry. Counters and histograms move on
 * telemetry events; gauges are read from the status sources at scrape time (collect()).
 */
export function createMetrics(deps: MetricsDeps): Metrics {
  const { config, telemetry } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const hosts = config.ollama.hosts;
  const actionLabel = createLabelGuard(64, /^[a-z][a-z0-9_]{0,31}$/);
  const apiIdLabel = createLabelGuard(64, /^-?\d{1,6}$/);
  const componentLabel = createLabelGuard(32, /^[a-z][a-z0-9_]{0,31}$/);
  const codeLabel = createLabelGuard(32, /^E_[A-Z_]{1,30}$/);
  const registers = [registry];

  const requestDuration = new Histogram({
    name: 'claudia_request_duration_seconds',
    help: 'Time from utterance arrival to the finished answer, by where the answer came from',
    labelNames: ['source'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const stageDuration = new Histogram({
    name: 'claudia_stage_duration_seconds',
    help: 'Per-stage latency: queue_wait, first_token (LLM), first_action (LLM), llm (whole call), first_effect (first motion command or reply), total',
    labelNames: ['stage'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const requests = new Counter({ name: 'claudia_requests_total', help: 'Answered requests by source and outcome', labelNames: ['source', 'outcome'], registers });
  const cacheHits = new Counter({ name: 'claudia_cache_hits_total', help: 'Cache lookups that hit, by tier', labelNames: ['tier'], registers });
  const cacheMisses = new Counter({ name: 'claudia_cache_misses_total', help: 'Cache lookups that missed, by tier', labelNames: ['tier'], registers });
  const cacheStores = new Counter({ name: 'claudia_cache_stores_total', help: 'Decisions stored, by tier', labelNames: ['tier'], registers });
  const schedEnqueued = new Counter({ name: 'claudia_scheduler_enqueued_total', help: 'Requests queued for the LLM, by lane', labelNames: ['lane'], registers });
  const coalesced = new Counter({ name: 'claudia_requests_coalesced_total', help: 'Requests answered by an identical in-flight LLM call', labelNames: ['lane'], registers });
  const superseded = new Counter({ name: 'claudia_requests_superseded_total', help: 'Requests cancelled by a newer command of the same session', labelNames: ['lane'], registers });
  const rejectedBusy = new Counter({ name: 'claudia_requests_rejected_busy_total', help: 'Requests refused because their lane was full', labelNames: ['lane'], registers });
  const timeouts = new Counter({ name: 'claudia_request_timeouts_total', help: 'Requests whose deadline expired (fallback reply)', labelNames: ['lane'], registers });
  const preempted = new Counter({ name: 'claudia_requests_preempted_total', help: 'LLM calls preempted for a more urgent lane', labelNames: ['lane'], registers });
  const llmCalls = new Counter({ name: 'claudia_llm_calls_total', help: 'LLM calls (Ollama, OpenAI-compatible or embedded engine) by host and outcome', labelNames: ['host', 'outcome'], registers });
  const safetyBlocks = new Counter({ name: 'claudia_safety_blocks_total', help: 'Actions refused by the safety compiler, by normalised reason', labelNames: ['reason', 'action'], registers });
  const commands = new Counter({ name: 'claudia_commands_published_total', help: 'Unitree sport requests published, by action', labelNames: ['action'], registers });
  const robotResponses = new Counter({ name: 'claudia_robot_responses_total', help: 'Unitree response codes (unknown = executor timeout)', labelNames: ['api_id', 'code'], registers });
  const stops = new Counter({ name: 'claudia_emergency_stops_total', help: 'Emergency stops by the L0 reflex', registers });
  const stopLatency = new Histogram({ name: 'claudia_emergency_stop_seconds', help: 'Time from utterance to StopMove for emergency stops', buckets: STOP_BUCKETS, registers });
  const errors = new Counter({ name: 'claudia_errors_total', help: 'Errors reported by components, by component and code', labelNames: ['component', 'code'], registers });
  const wsRejected = new Counter({ name: 'claudia_dashboard_ws_rejected_total', help: 'Dashboard WebSocket upgrades refused', labelNames: ['reason'], registers });
  const wsDropped = new Counter({ name: 'claudia_dashboard_ws_dropped_total', help: 'Dashboard WebSocket clients dropped', labelNames: ['reason'], registers });
  const wsClients = new Gauge({ name: 'claudia_dashboard_ws_clients', help: 'Connected dashboard WebSocket clients', registers });
  const plansSuperseded = new Counter({ name: 'claudia_plans_superseded_total', help: 'Plans whose unpublished steps a newer command superseded (robot.arbitration newest_wins)', registers });
  const goals = new Counter({ name: 'claudia_action_goals_total', help: 'Command action goals by final status', labelNames: ['status'], registers });
  const auditDropped = new Counter({ name: 'claudia_audit_dropped_total', help: 'Audit lines dropped because the writer fell behind or failed', registers });

  // Gauges read at scrape time from the status sources; one read serves every gauge of a
  // scrape (the collects of one scrape run in the same tick).
  let scrapeStatuses: ReadStatus[] | undefined;
  const statuses = () => {
    if (!scrapeStatuses) {
      scrapeStatuses = readStatuses(deps.statusSources);
      setImmediate(() => void (scrapeStatuses = undefined));
    }
    return scrapeStatuses;
  };

  new Gauge({
    name: 'claudia_queue_depth',
    help: 'Requests waiting for the LLM, by lane',
    labelNames: ['lane'],
    registers,
    collect() {
      this.reset();
      for (const s of statuses()) {
        if (s.component !== 'scheduler') continue;
        for (const lane of LANES) {
          const d = laneDepth(s.values, lane);
          if (d !== undefined) this.set({ lane }, d);
        }
      }
    },
  });
  new Gauge({
    name: 'claudia_ollama_in_flight',
    help: 'LLM calls in flight, by host (from the status source, else counted from scheduler events)',
    labelNames: ['host'],
    registers,
    collect() {
      this.reset();
      const fromStatus = new Set<string>();
      for (const h of hostViews(statuses(), hosts)) {
        if (h.inFlight === undefined) continue;
        const host = hostLabel(h.host, hosts);
        fromStatus.add(host);
        this.set({ host }, h.inFlight);
      }
      for (const [host, n] of deps.inFlight.entries()) if (!fromStatus.has(host)) this.set({ host }, n);
    },
  });
  new Gauge({
    name: 'claudia_ollama_host_up',
    help: '1 when the LLM host (server or embedded engine) is healthy, else 0',
    labelNames: ['host'],
    registers,
    collect() {
      this.reset();
      for (const h of hostViews(statuses(), hosts)) this.set({ host: hostLabel(h.host, hosts) }, h.healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: 'claudia_ollama_model_loaded',
    help: '1 when the configured model is loaded on at least one LLM host, 0 when cold or evicted (absent when unknown)',
    labelNames: ['model'],
    registers,
    collect() {
      this.reset();
      const known = hostViews(statuses(), hosts).filter((h) => h.modelLoaded !== undefined);
      if (known.length > 0) this.set({ model: config.ollama.model }, known.some((h) => h.modelLoaded) ? 1 : 0);
    },
  });
  // Registered only when Redis is configured: an unlabelled gauge is always exported, and
  // "0" must mean "Redis down", never "Redis not used".
  if (config.cache.enabled && config.cache.redis_enabled) {
    new Gauge({
      name: 'claudia_redis_connected',
      help: '1 when the cache reports Redis connected, else 0',
      registers,
      collect() {
        this.set(redisConnected(statuses()) ? 1 : 0);
      },
    });
  }
  new Gauge({
    name: 'claudia_component_status',
    help: 'Worst status level per component: 0 OK, 1 WARN, 2 ERROR, 3 STALE',
    labelNames: ['component'],
    registers,
    collect() {
      this.reset();
      const worst = new Map<string, number>();
      for (const s of statuses()) worst.set(s.component, Math.max(worst.get(s.component) ?? 0, levelRank(s.level)));
      for (const [component, level] of worst) this.set({ component: oneOf(component, COMPONENTS) }, level);
    },
  });
  new Gauge({
    name: 'claudia_event_loop_lag_seconds',
    help: 'Event-loop delay over the last diagnostics window (a stop is only as fast as the loop)',
    labelNames: ['quantile'],
    registers,
    collect() {
      const w = deps.lag.last();
      this.set({ quantile: '0.5' }, w.p50Ms / 1000);
      this.set({ quantile: '0.99' }, w.p99Ms / 1000);
      this.set({ quantile: '1' }, w.maxMs / 1000);
    },
  });
  for (const g of deps.extraGauges ?? []) {
    new Gauge({
      name: g.name,
      help: g.help,
      registers,
      collect() {
        const v = g.read();
        if (v !== undefined && Number.isFinite(v)) this.set(v);
      },
    });
  }

  const onAnswer = (rec: AnswerRecord) => {
    const source = oneOf(rec.source, SOURCES);
    requests.inc({ source, outcome: rec.success ? 'ok' : 'error' });
    const total = Math.max(0, rec.latencyMs) / 1000;
    requestDuration.observe({ source }, total);
    stageDuration.observe({ stage: 'total' }, total);
    stageDuration.observe({ stage: 'first_effect' }, Math.max(0, rec.firstEffectMs) / 1000);
    const d = rec.detail ?? {};
    const stage = (name: Stage, ms: number | undefined) => {
      if (typeof ms === 'number' && Number.isFinite(ms)) stageDuration.observe({ stage: name }, Math.max(0, ms) / 1000);
    };
    stage('queue_wait', d.queueMs);
    stage('first_token', d.ttftMs);
    stage('first_action', d.ttfaMs);
    stage('llm', d.llmMs);
  };

  const onEvent = (e: TelemetryEvent) => {
    switch (e.type) {
      case 'answer':
        return onAnswer(e.record);
      case 'cache_lookup': {
        const tier = oneOf(e.tier, CACHE_TIERS);
        return e.hit ? cacheHits.inc({ tier }) : cacheMisses.inc({ tier });
      }
      case 'cache_store':
        return cacheStores.inc({ tier: oneOf(e.tier, CACHE_TIERS) });
      case 'sched': {
        const lane = oneOf(e.lane, LANES);
        if (e.event === 'enqueued') schedEnqueued.inc({ lane });
        else if (e.event === 'coalesced') coalesced.inc({ lane });
        else if (e.event === 'superseded') superseded.inc({ lane });
        else if (e.event === 'rejected_busy') rejectedBusy.inc({ lane });
        else if (e.event === 'timeout') timeouts.inc({ lane });
        else if (e.event === 'preempted') preempted.inc({ lane });
        return;
      }
      case 'llm_call':
        return llmCalls.inc({ host: hostLabel(e.host, hosts), outcome: e.ok ? 'ok' : 'error' });
      case 'safety_block':
        return safetyBlocks.inc({ reason: normaliseSafetyReason(e.reason), action: actionLabel(e.action) });
      case 'command':
        return commands.inc({ action: actionLabel(e.action) });
      case 'robot_response':
        return robotResponses.inc({ api_id: apiIdLabel(e.apiId), code: robotCodeLabel(e.code) });
      case 'stop':
        stops.inc();
        return stopLatency.observe(Math.max(0, e.latencyMs) / 1000);
      case 'error':
        return errors.inc({ component: componentLabel(e.component), code: codeLabel(e.code) });
      case 'superseded':
        return plansSuperseded.inc();
      case 'goal':
        return goals.inc({ status: oneOf(e.status, GOAL_ENDS) });
    }
  };
  const off = telemetry.on(onEvent);

  return {
    registry,
    wsRejected: (reason) => wsRejected.inc({ reason }),
    wsDropped: (reason) => wsDropped.inc({ reason }),
    setWsClients: (n) => wsClients.set(n),
    auditDropped: (n) => auditDropped.inc(n),
    close() {
      off();
      registry.clear();
    },
  };
}
