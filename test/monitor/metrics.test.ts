import { expect } from 'chai';
import { configWith } from '../../src/config/load';
import { createMonitor, type Monitor } from '../../src/monitor';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry, type StatusSource, type Telemetry } from '../../src/util/telemetry';
import { answerRecord, delta, httpGet, parseProm, statusSource } from './helpers';

describe('monitor /metrics', () => {
  let monitor: Monitor;
  let telemetry: Telemetry;
  let url: string;
  let sources: StatusSource[];

  beforeEach(async () => {
    telemetry = createTelemetry();
    sources = [
      statusSource('ollama', { level: 'ok', message: 'ready', values: { host: 'http://127.0.0.1:11434', in_flight: 2, healthy: true, model_loaded: true, model: 'qwen2.5:7b' } }),
      statusSource('cache', { level: 'ok', message: 'memory + redis', values: { redis_connected: true, memory_entries: 12 } }),
      statusSource('scheduler', { level: 'ok', message: 'idle', values: { 'queue_depth.urgent': 0, 'queue_depth.high': 1, 'queue_depth.medium': 3, 'queue_depth.low': 5 } }),
    ];
    const config = configWith({ metrics: { port: 0 }, diagnostics: { enabled: false }, cache: { redis_enabled: true } });
    monitor = createMonitor({ config, telemetry, statusSources: () => sources, clock: createSystemClock(), logger: createSilentLogger() });
    const started = await monitor.start();
    url = started?.url ?? '';
  });

  afterEach(() => monitor.close());

  const scrape = async () => {
    const r = await httpGet(`${url}/metrics`);
    expect(r.status).to.equal(200);
    expect(String(r.headers['content-type'])).to.match(/^text\/plain/);
    return parseProm(r.body);
  };

  it('moves counters and histograms by exactly the scripted amounts', async () => {
    const before = await scrape();
    const emit = telemetry.emit.bind(telemetry);
    // 3 reflex answers at 0.4 ms
    for (let i = 0; i < 3; i++) emit({ type: 'answer', record: answerRecord({ source: 'reflex', latencyMs: 0.4, firstEffectMs: 0.3 }) });
    // 2 memory cache hits answered in 0.8 ms
    for (let i = 0; i < 2; i++) {
      emit({ type: 'cache_lookup', tier: 'memory', hit: true });
      emit({ type: 'answer', record: answerRecord({ source: 'cache', latencyMs: 0.8, firstEffectMs: 0.7 }) });
    }
    // 1 semantic hit after memory and redis misses
    emit({ type: 'cache_lookup', tier: 'memory', hit: false });
    emit({ type: 'cache_lookup', tier: 'redis', hit: false });
    emit({ type: 'cache_lookup', tier: 'semantic', hit: true, score: 0.91 });
    emit({ type: 'answer', record: answerRecord({ source: 'semantic_cache', latencyMs: 3, firstEffectMs: 2 }) });
    // 2 LLM answers (one coalesced onto the other), with per-stage timings
    emit({ type: 'sched', event: 'enqueued', lane: 'high' });
    emit({ type: 'sched', event: 'coalesced', lane: 'high' });
    for (let i = 0; i < 2; i++) {
      emit({ type: 'llm_call', host: 'http://127.0.0.1:11434', ok: true, ttftMs: 800, totalMs: 2000 });
      emit({
        type: 'answer',
        record: answerRecord({ source: 'llm', latencyMs: 2100, firstEffectMs: 950, detail: { queueMs: 100, ttftMs: 800, ttfaMs: 900, llmMs: 2000 } }),
      });
    }
    // 1 timeout answered with a fallback (error), 1 busy rejection, 1 superseded
    emit({ type: 'sched', event: 'timeout', lane: 'medium' });
    emit({ type: 'answer', record: answerRecord({ source: 'fallback', success: false, error: 'E_LLM_TIMEOUT: no answer within 20 s', latencyMs: 20_000, actions: [] }) });
    emit({ type: 'sched', event: 'rejected_busy', lane: 'low' });
    emit({ type: 'sched', event: 'superseded', lane: 'medium' });
    // safety blocks: reasons normalised to the closed enum; a hallucinated action name stays bounded
    emit({ type: 'safety_block', reason: 'high_risk_disabled', action: 'front_flip' });
    emit({ type: 'safety_block', reason: 'confidence 0.42 below 0.8', action: 'front_flip' });
    emit({ type: 'safety_block', reason: 'unknown action', action: 'Fly To The Moon!' });
    // published commands and robot codes
    for (let i = 0; i < 3; i++) emit({ type: 'command', action: 'sit', apiId: 1009 });
    emit({ type: 'robot_response', apiId: 1009, code: 0 });
    emit({ type: 'robot_response', apiId: 1009, code: 0 });
    emit({ type: 'robot_response', apiId: 1033, code: 3203 });
    emit({ type: 'robot_response', apiId: 1022, code: 'unknown' });
    emit({ type: 'robot_response', apiId: 1009, code: 424242 });
    emit({ type: 'stop', word: '止まれ', latencyMs: 0.2 });
    emit({ type: 'error', component: 'llm', code: 'E_LLM_UNAVAILABLE', message: 'connect ECONNREFUSED 127.0.0.1:11434 — with free text that must not become a label' });

    const after = await scrape();
    const d = (k: string) => delta(before, after, k);

    expect(d('claudia_requests_total{outcome="ok",source="reflex"}')).to.equal(3);
    expect(d('claudia_requests_total{outcome="ok",source="cache"}')).to.equal(2);
    expect(d('claudia_requests_total{outcome="ok",source="semantic_cache"}')).to.equal(1);
    expect(d('claudia_requests_total{outcome="ok",source="llm"}')).to.equal(2);
    expect(d('claudia_requests_total{outcome="error",source="fallback"}')).to.equal(1);

    // latency by source: counts, and the bucket each observation fell in
    expect(d('claudia_request_duration_seconds_count{source="reflex"}')).to.equal(3);
    expect(d('claudia_request_duration_seconds_bucket{le="0.0005",source="reflex"}')).to.equal(3);
    expect(d('claudia_request_duration_seconds_bucket{le="0.0005",source="cache"}')).to.equal(0);
    expect(d('claudia_request_duration_seconds_bucket{le="0.001",source="cache"}')).to.equal(2);
    expect(d('claudia_request_duration_seconds_bucket{le="2",source="llm"}')).to.equal(0);
    expect(d('claudia_request_duration_seconds_bucket{le="2.5",source="llm"}')).to.equal(2);
    expect(d('claudia_request_duration_seconds_sum{source="llm"}')).to.be.closeTo(4.2, 1e-9);
    expect(d('claudia_request_duration_seconds_bucket{le="15",source="fallback"}')).to.equal(0);
    expect(d('claudia_request_duration_seconds_bucket{le="20",source="fallback"}')).to.equal(1);
    expect(d('claudia_request_duration_seconds_bucket{le="60",source="fallback"}')).to.equal(1);

    // per stage
    expect(d('claudia_stage_duration_seconds_count{stage="total"}')).to.equal(9);
    expect(d('claudia_stage_duration_seconds_count{stage="first_effect"}')).to.equal(9);
    expect(d('claudia_stage_duration_seconds_count{stage="queue_wait"}')).to.equal(2);
    expect(d('claudia_stage_duration_seconds_sum{stage="queue_wait"}')).to.be.closeTo(0.2, 1e-9);
    expect(d('claudia_stage_duration_seconds_bucket{le="0.5",stage="first_token"}')).to.equal(0);
    expect(d('claudia_stage_duration_seconds_bucket{le="1",stage="first_token"}')).to.equal(2);
    expect(d('claudia_stage_duration_seconds_count{stage="first_action"}')).to.equal(2);
    expect(d('claudia_stage_duration_seconds_count{stage="llm"}')).to.equal(2);

    expect(d('claudia_cache_hits_total{tier="memory"}')).to.equal(2);
    expect(d('claudia_cache_misses_total{tier="memory"}')).to.equal(1);
    expect(d('claudia_cache_misses_total{tier="redis"}')).to.equal(1);
    expect(d('claudia_cache_hits_total{tier="semantic"}')).to.equal(1);

    expect(d('claudia_scheduler_enqueued_total{lane="high"}')).to.equal(1);
    expect(d('claudia_requests_coalesced_total{lane="high"}')).to.equal(1);
    expect(d('claudia_request_timeouts_total{lane="medium"}')).to.equal(1);
    expect(d('claudia_requests_rejected_busy_total{lane="low"}')).to.equal(1);
    expect(d('claudia_requests_superseded_total{lane="medium"}')).to.equal(1);
    expect(d('claudia_llm_calls_total{host="127.0.0.1:11434",outcome="ok"}')).to.equal(2);

    expect(d('claudia_safety_blocks_total{action="front_flip",reason="high_risk_disabled"}')).to.equal(1);
    expect(d('claudia_safety_blocks_total{action="front_flip",reason="low_confidence"}')).to.equal(1);
    expect(d('claudia_safety_blocks_total{action="other",reason="unknown_action"}')).to.equal(1);

    expect(d('claudia_commands_published_total{action="sit"}')).to.equal(3);
    expect(d('claudia_robot_responses_total{api_id="1009",code="0"}')).to.equal(2);
    expect(d('claudia_robot_responses_total{api_id="1033",code="3203"}')).to.equal(1);
    expect(d('claudia_robot_responses_total{api_id="1022",code="unknown"}')).to.equal(1);
    expect(d('claudia_robot_responses_total{api_id="1009",code="other"}')).to.equal(1);
    expect(d('claudia_emergency_stops_total')).to.equal(1);
    expect(d('claudia_emergency_stop_seconds_bucket{le="0.00025"}')).to.equal(1);
    expect(d('claudia_errors_total{code="E_LLM_UNAVAILABLE",component="llm"}')).to.equal(1);
  });

  it('reads gauges from the status sources at scrape time', async () => {
    let m = await scrape();
    expect(m.get('claudia_queue_depth{lane="medium"}')).to.equal(3);
    expect(m.get('claudia_queue_depth{lane="low"}')).to.equal(5);
    expect(m.get('claudia_ollama_in_flight{host="127.0.0.1:11434"}')).to.equal(2);
    expect(m.get('claudia_ollama_host_up{host="127.0.0.1:11434"}')).to.equal(1);
    expect(m.get('claudia_ollama_model_loaded{model="qwen2.5:7b"}')).to.equal(1);
    expect(m.get('claudia_redis_connected')).to.equal(1);
    expect(m.get('claudia_component_status{component="ollama"}')).to.equal(0);

    (sources[0] as ReturnType<typeof statusSource>).set({ level: 'error', message: 'unreachable', values: { host: 'http://127.0.0.1:11434', healthy: false, in_flight: 0 } });
    (sources[1] as ReturnType<typeof statusSource>).set({ level: 'warn', message: 'redis down', values: { redis: 'reconnecting' } });
    (sources[2] as ReturnType<typeof statusSource>).set({ level: 'warn', message: 'busy', values: { queue_medium: 8 } });
    m = await scrape();
    expect(m.get('claudia_ollama_host_up{host="127.0.0.1:11434"}')).to.equal(0);
    expect(m.get('claudia_ollama_in_flight{host="127.0.0.1:11434"}')).to.equal(0);
    expect(m.has('claudia_ollama_model_loaded{model="qwen2.5:7b"}')).to.equal(false);
    expect(m.get('claudia_redis_connected')).to.equal(0);
    expect(m.get('claudia_queue_depth{lane="medium"}')).to.equal(8);
    expect(m.has('claudia_queue_depth{lane="low"}')).to.equal(false);
    expect(m.get('claudia_component_status{component="ollama"}')).to.equal(2);
    expect(m.get('claudia_component_status{component="cache"}')).to.equal(1);
  });

  it('keeps label sets bounded whatever the components report', async () => {
    for (let i = 0; i < 300; i++) {
      telemetry.emit({ type: 'safety_block', reason: `free text reason number ${i} with 日本語`, action: `hallucinated_action_${i}` });
      telemetry.emit({ type: 'command', action: `made_up_${i}`, apiId: 5000 + i });
      telemetry.emit({ type: 'robot_response', apiId: 5000 + i, code: i });
      telemetry.emit({ type: 'llm_call', host: `http://evil-${i}.example:11434`, ok: false });
    }
    const text = (await httpGet(`${url}/metrics`)).body;
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).length;
    expect(series('claudia_safety_blocks_total')).to.be.at.most(65);
    expect(series('claudia_commands_published_total')).to.be.at.most(65);
    expect(series('claudia_robot_responses_total')).to.be.at.most(65 * 16);
    expect(series('claudia_llm_calls_total')).to.equal(1);
    expect(text).to.include('claudia_llm_calls_total{host="other",outcome="error"} 300');
    expect(text).not.to.match(/free text|日本語|evil-/);
  });

  it('exposes default process metrics and event-loop lag on its own registry', async () => {
    const text = (await httpGet(`${url}/metrics`)).body;
    expect(text).to.match(/^process_resident_memory_bytes \d+/m);
    expect(text).to.match(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(text).to.match(/^claudia_event_loop_lag_seconds\{quantile="0.99"\} /m);
    // A second monitor in the same process gets its own registry (no duplicate-metric error).
    const other = createMonitor({
      config: configWith({ metrics: { enabled: false }, diagnostics: { enabled: false } }),
      telemetry: createTelemetry(),
      statusSources: () => [],
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    expect(other.registry).not.to.equal(monitor.registry);
    expect(await other.start()).to.equal(undefined);
    await other.close();
  });

  it('counts superseded plans and Command goals by final status (closed label set)', async () => {
    const before = await scrape();
    telemetry.emit({ type: 'superseded', requestId: 'r-old', byRequestId: 'r-new' });
    telemetry.emit({ type: 'superseded', requestId: 'r-old2', byRequestId: 'r-new' });
    for (const status of ['succeeded', 'succeeded', 'canceled', 'aborted'] as const) telemetry.emit({ type: 'goal', status });
    telemetry.emit({ type: 'goal', status: 'exploded' as 'aborted' }); // not a status: lands in 'other', creates no series of its own
    const after = await scrape();
    expect(delta(before, after, 'claudia_plans_superseded_total')).to.equal(2);
    expect(delta(before, after, 'claudia_action_goals_total{status="succeeded"}')).to.equal(2);
    expect(delta(before, after, 'claudia_action_goals_total{status="canceled"}')).to.equal(1);
    expect(delta(before, after, 'claudia_action_goals_total{status="aborted"}')).to.equal(1);
    expect([...after.keys()].some((k) => k.includes('exploded'))).to.equal(false);
  });
});
