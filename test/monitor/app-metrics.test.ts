import { expect } from 'chai';
import { LATENCY_BUCKETS } from '../../src/monitor';
import type { AnswerRecord } from '../../src/pipeline/types';
import { startAppRig, type AppRig } from './app-rig';
import { delta, httpGet, parseProm, waitFor } from './helpers';

/**
 * The real app (reflexes, cache, scheduler, LLM decider against the Ollama SIMULATOR, safety
 * compiler, motion executor on the memory transport with a Go2 stand-in) feeding the monitor.
 */
describe('monitor /metrics with the real app', function () {
  this.timeout(30_000);
  let rig: AppRig;

  before(async () => {
    rig = await startAppRig({ llm: true });
  });
  after(() => rig?.close());

  const scrape = async () => parseProm((await httpGet(`${rig.url}/metrics`)).body);

  it('moves counters and histograms by exactly what a scripted mix of requests did', async () => {
    const before = await scrape();
    const handle = (text: string, extra: Partial<Parameters<AppRig['app']['pipeline']['handle']>[0]> = {}) => rig.app.pipeline.handle({ text, origin: 'cli', ...extra });
    const recs: AnswerRecord[] = [];
    recs.push(await handle('座って')); // reflex
    recs.push(await handle('お手')); // reflex
    recs.push(await handle('踊ってから座って')); // LLM (command), stored in the cache
    recs.push(await handle('踊ってから座って')); // memory cache hit
    recs.push(await handle('バク転して')); // reflex, blocked: high risk off
    recs.push(await handle('止まれ')); // emergency stop
    recs.push(await handle('今日はどんな一日だった？')); // LLM (dialog)
    recs.push(await handle('')); // refused input: fallback with an error
    expect(recs.map((r) => r.source)).to.deep.equal(['reflex', 'reflex', 'llm', 'cache', 'reflex', 'reflex', 'llm', 'fallback']);

    // Robot responses arrive after some answers (the stop's, for one): wait until none is pending.
    const motion = rig.app.statusSources.find((s) => s.component === 'motion');
    await waitFor(() => motion?.status().values['pending'] === 0, 5000, 'robot responses');
    const after = await scrape();
    const d = (k: string) => delta(before, after, k);

    expect(d('claudia_requests_total{outcome="ok",source="reflex"}')).to.equal(4);
    expect(d('claudia_requests_total{outcome="ok",source="llm"}')).to.equal(2);
    expect(d('claudia_requests_total{outcome="ok",source="cache"}')).to.equal(1);
    expect(d('claudia_requests_total{outcome="error",source="fallback"}')).to.equal(1);

    // Histograms: every record lands in exactly the buckets its latency allows.
    for (const source of ['reflex', 'llm', 'cache', 'fallback']) {
      const mine = recs.filter((r) => r.source === source);
      expect(d(`claudia_request_duration_seconds_count{source="${source}"}`), source).to.equal(mine.length);
      expect(d(`claudia_request_duration_seconds_sum{source="${source}"}`), source).to.be.closeTo(mine.reduce((a, r) => a + r.latencyMs / 1000, 0), 1e-9);
      for (const le of LATENCY_BUCKETS) {
        expect(d(`claudia_request_duration_seconds_bucket{le="${le}",source="${source}"}`), `${source} le=${le}`).to.equal(mine.filter((r) => r.latencyMs / 1000 <= le).length);
      }
    }
    expect(d('claudia_stage_duration_seconds_count{stage="total"}')).to.equal(8);
    const llm = recs.filter((r) => r.source === 'llm');
    expect(d('claudia_stage_duration_seconds_count{stage="queue_wait"}')).to.equal(2);
    expect(d('claudia_stage_duration_seconds_sum{stage="queue_wait"}')).to.be.closeTo(llm.reduce((a, r) => a + (r.detail.queueMs ?? 0) / 1000, 0), 1e-9);
    expect(d('claudia_stage_duration_seconds_count{stage="first_token"}')).to.equal(2);
    expect(d('claudia_stage_duration_seconds_count{stage="first_action"}')).to.equal(llm.filter((r) => r.detail.ttfaMs !== undefined).length);

    expect(d('claudia_cache_hits_total{tier="memory"}')).to.equal(1);
    expect(d('claudia_scheduler_enqueued_total{lane="high"}') + d('claudia_scheduler_enqueued_total{lane="medium"}')).to.equal(2);
    const host = new URL(rig.sim?.url() ?? '').host;
    expect(d(`claudia_llm_calls_total{host="${host}",outcome="ok"}`)).to.equal(2);
    expect(d('claudia_safety_blocks_total{action="back_flip",reason="high_risk_disabled"}')).to.equal(1);
    expect(d('claudia_emergency_stops_total')).to.equal(1);

    // Published commands, by action, as the records report them (StandUp inserted before sit/hello).
    const published = new Map<string, number>();
    for (const r of recs) for (const a of r.actions) if (a.verdict === 'ok' || a.verdict === 'inserted') published.set(a.name, (published.get(a.name) ?? 0) + 1);
    let total = 0;
    for (const [action, n] of published) {
      expect(d(`claudia_commands_published_total{action="${action}"}`), action).to.equal(n);
      total += n;
    }
    expect(recs.reduce((a, r) => a + r.publishedApiIds.length, 0)).to.be.at.most(total);
    // The stand-in answers every request with code 0.
    const codes = [...after.keys()].filter((k) => k.startsWith('claudia_robot_responses_total{')).reduce((a, k) => a + d(k), 0);
    expect(codes).to.equal(total);
    expect([...after.keys()].filter((k) => k.startsWith('claudia_robot_responses_total{') && !k.includes('code="0"')).every((k) => d(k) === 0)).to.equal(true);

    // Gauges from the real components' status: one healthy simulator host, idle queues, model loaded.
    expect(after.get(`claudia_ollama_host_up{host="${host}"}`)).to.equal(1);
    expect(after.get('claudia_ollama_model_loaded{model="qwen2.5:7b"}')).to.equal(1);
    expect(after.get('claudia_queue_depth{lane="high"}')).to.equal(0);
    expect(after.get(`claudia_ollama_in_flight{host="${host}"}`)).to.equal(0);
    expect(after.has('claudia_redis_connected')).to.equal(false); // Redis not configured
  });
});
