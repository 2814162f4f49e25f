import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { decodeMessage, encodeMessage, loadMessageRegistry } from '../../src/cdr';
import type { MessageRegistry } from '../../src/cdr/types';
import { configWith } from '../../src/config/load';
import { buildDiagnosticArray, createMonitor, type Monitor } from '../../src/monitor';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import { MSG, type DiagnosticArrayMsg } from '../../src/ros/messages';
import { VirtualClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry, type ComponentStatus, type StatusSource } from '../../src/util/telemetry';
import { statusSource } from './helpers';
import { fixturePath } from '../helpers/repo-data';

const FIXTURES = fixturePath('cdr', 'ros2-cyclonedds.jsonl');

describe('monitor /diagnostics', () => {
  let reg: MessageRegistry;
  before(() => {
    reg = loadMessageRegistry();
  });

  /** A node publishing through the memory transport, a peer decoding what arrives on /diagnostics as CDR bytes. */
  async function rig(sources: StatusSource[], rateHz = 1) {
    const clock = new VirtualClock();
    const logger = createSilentLogger();
    const graph = new MemoryGraph();
    const config = configWith({ metrics: { enabled: false }, diagnostics: { rate_hz: rateHz, hardware_id: 'go2-test' } });
    const node = createMemoryTransport({ graph, namespace: '/claudia', clock, logger });
    const peer = createMemoryTransport({ graph, namespace: '/', clock, logger });
    const pub = node.createPublisher<DiagnosticArrayMsg>(MSG.DiagnosticArray, config.topics.diagnostics);
    const received: DiagnosticArrayMsg[] = [];
    peer.createSubscription<DiagnosticArrayMsg>(MSG.DiagnosticArray, '/diagnostics', (msg) => {
      // Through the wire format, as a ROS 2 peer would see it.
      received.push(decodeMessage<DiagnosticArrayMsg>(reg, MSG.DiagnosticArray, encodeMessage(reg, MSG.DiagnosticArray, msg)));
    });
    const monitor = createMonitor({ config, telemetry: createTelemetry(), statusSources: () => sources, clock, logger, publishDiagnostics: (m) => pub.publish(m) });
    await monitor.start();
    return { clock, received, monitor };
  }

  const ok = (message: string, values: ComponentStatus['values'] = {}): ComponentStatus => ({ level: 'ok', message, values });
  const healthy = () => [
    statusSource('ollama', ok('qwen2.5:7b loaded', { host: 'http://127.0.0.1:11434', latency_ms: 412.5, model: 'qwen2.5:7b', model_loaded: true })),
    statusSource('cache', ok('memory + redis', { redis_connected: true, hit_rate: 0.93, memory_entries: 120 })),
    statusSource('scheduler', ok('idle', { 'queue_depth.high': 0, 'queue_depth.medium': 0, rejected_busy: 0 })),
    statusSource('safety', ok('0 blocks', { blocks: 0 })),
    statusSource('motion', ok('last: sit (1009) code 0', { last_action: 'sit', last_code: 0 })),
  ];

  const levels = (msg: DiagnosticArrayMsg | undefined) => Object.fromEntries((msg?.status ?? []).map((s) => [s.name, Number(s.level)]));

  let monitor: Monitor | undefined;
  afterEach(async () => {
    await monitor?.close();
    monitor = undefined;
  });

  it('publishes one status per component at rate_hz, all OK when healthy', async () => {
    const r = await rig(healthy());
    monitor = r.monitor;
    expect(r.received).to.have.length(0);
    await r.clock.advance(1000);
    expect(r.received).to.have.length(1);
    await r.clock.advance(2000);
    expect(r.received).to.have.length(3);
    const msg = r.received[2] as DiagnosticArrayMsg;
    expect(levels(msg)).to.deep.equal({
      'claudia_llm: ollama': 0,
      'claudia_llm: cache': 0,
      'claudia_llm: scheduler': 0,
      'claudia_llm: safety': 0,
      'claudia_llm: motion': 0,
      'claudia_llm: event_loop': 0,
    });
    for (const s of msg.status) expect(s.hardware_id).to.equal('go2-test');
    const ollama = msg.status.find((s) => s.name === 'claudia_llm: ollama');
    expect(ollama?.values).to.deep.include({ key: 'latency_ms', value: '412.5' });
    expect(ollama?.values).to.deep.include({ key: 'model_loaded', value: 'true' });
    expect(msg.status.find((s) => s.name === 'claudia_llm: event_loop')?.values.map((v) => v.key)).to.deep.equal(['lag_p50_ms', 'lag_p99_ms', 'lag_max_ms']);
    // stamp from the injected clock's wall time
    expect(msg.header.stamp.sec).to.equal(Number(r.clock.wallNs() / 1_000_000_000n));
  });

  it('follows rate_hz', async () => {
    const r = await rig(healthy(), 4);
    monitor = r.monitor;
    await r.clock.advance(2000);
    expect(r.received).to.have.length(8);
  });

  it('reports ERROR when Ollama is down', async () => {
    const sources = healthy();
    const r = await rig(sources);
    monitor = r.monitor;
    (sources[0] as ReturnType<typeof statusSource>).set({ level: 'error', message: 'unreachable: connect ECONNREFUSED', values: { host: 'http://127.0.0.1:11434', healthy: false } });
    await r.clock.advance(1000);
    const l = levels(r.received[0]);
    expect(l['claudia_llm: ollama']).to.equal(2);
    expect(l['claudia_llm: cache']).to.equal(0);
    expect(r.received[0]?.status.find((s) => s.name === 'claudia_llm: ollama')?.message).to.match(/unreachable/);
    // /healthz stays 200 (degraded): without Ollama the node still stops the robot and serves reflexes
    expect(r.monitor.health().healthy).to.equal(true);
    expect(r.monitor.health().body.status).to.equal('degraded');
  });

  it('reports WARN when Redis is down (memory still serves)', async () => {
    const sources = healthy();
    const r = await rig(sources);
    monitor = r.monitor;
    (sources[1] as ReturnType<typeof statusSource>).set({ level: 'warn', message: 'redis reconnecting; serving from memory', values: { redis_connected: false } });
    await r.clock.advance(1000);
    const l = levels(r.received[0]);
    expect(l['claudia_llm: cache']).to.equal(1);
    expect(l['claudia_llm: ollama']).to.equal(0);
    expect(r.received[0]?.status.find((s) => s.name === 'claudia_llm: cache')?.values).to.deep.include({ key: 'redis_connected', value: 'false' });
    const h = r.monitor.health();
    expect(h.healthy).to.equal(true);
    expect(h.body.status).to.equal('degraded');
  });

  it('reports the scheduler level when a queue is full', async () => {
    const sources = healthy();
    const r = await rig(sources);
    monitor = r.monitor;
    (sources[2] as ReturnType<typeof statusSource>).set({ level: 'warn', message: 'lane low full (8/8): rejecting busy', values: { 'queue_depth.low': 8, 'queue_max.low': 8, rejected_busy: 3 } });
    await r.clock.advance(1000);
    expect(levels(r.received[0])['claudia_llm: scheduler']).to.equal(1);
    (sources[2] as ReturnType<typeof statusSource>).set({ level: 'error', message: 'all lanes full', values: { 'queue_depth.high': 4, 'queue_max.high': 4 } });
    await r.clock.advance(1000);
    expect(levels(r.received[1])['claudia_llm: scheduler']).to.equal(2);
  });

  it('maps stale and broken components, and merges several Ollama hosts into one status', async () => {
    const sources: StatusSource[] = [
      statusSource('ollama', { level: 'ok', message: 'a ok', values: { host: 'http://a:11434', in_flight: 1 } }),
      statusSource('ollama', { level: 'stale', message: 'b not probed yet', values: { host: 'http://b:11434' } }),
      { component: 'motion', status: () => { throw new Error('executor gone'); } },
    ];
    const r = await rig(sources);
    monitor = r.monitor;
    await r.clock.advance(1000);
    const msg = r.received[0] as DiagnosticArrayMsg;
    expect(levels(msg)['claudia_llm: ollama']).to.equal(3);
    expect(levels(msg)['claudia_llm: motion']).to.equal(2);
    expect(msg.status.filter((s) => s.name === 'claudia_llm: ollama')).to.have.length(1);
    expect(msg.status.find((s) => s.name === 'claudia_llm: ollama')?.values).to.deep.include({ key: 'http://a:11434 in_flight', value: '1' });
    expect(msg.status.find((s) => s.name === 'claudia_llm: motion')?.message).to.match(/status\(\) failed: executor gone/);
  });

  it('is byte-exact with the DiagnosticArray a real ROS 2 stack put on the wire', () => {
    const line = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; hex: string })
      .find((l) => l.type === MSG.DiagnosticArray);
    expect(line, 'fixture line').to.not.equal(undefined);
    const built = buildDiagnosticArray({
      statuses: [
        { component: 'cache', level: 'ok', message: 'ok', values: { hit_rate: 0.93 } },
        { component: 'ollama', level: 'error', message: 'unreachable', values: {} },
      ],
      lag: { p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 },
      hardwareId: 'jetson',
      stamp: { sec: 5, nanosec: 6 },
    });
    built.status = built.status.filter((s) => s.name !== 'claudia_llm: event_loop');
    expect(Buffer.from(encodeMessage(reg, MSG.DiagnosticArray, built)).toString('hex')).to.equal(line?.hex);
  });
});
