import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { createMemoryTransport, type MemoryGraph } from '../../src/ros/memory-transport';
import { MSG, type DiagnosticArrayMsg } from '../../src/ros/messages';
import { createSilentLogger } from '../../src/util/logger';
import { startAppRig, type AppRig } from './app-rig';
import { waitFor } from './helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throw-away redis-server (nothing on disk); resolves once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * /diagnostics from the real components (decider with the Ollama SIMULATOR, scheduler, cache
 * with a real redis-server, safety, motion), as a ROS peer on the graph receives it.
 */
describe('monitor /diagnostics with the real components', function () {
  this.timeout(30_000);
  let rig: AppRig;
  let redis: ChildProcess | undefined;
  const received: DiagnosticArrayMsg[] = [];

  before(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    rig = await startAppRig({
      llm: true,
      overrides: {
        metrics: { enabled: false },
        diagnostics: { rate_hz: 10 },
        cache: { redis_enabled: true, redis_url: `redis://127.0.0.1:${port}`, redis_key_prefix: `claudia-monitor-test-${process.pid}:`, redis_command_timeout_ms: 200 },
        ollama: { num_parallel: 1 },
        sched: { lane_max_medium: 1 },
      },
    });
    const graph = (rig.app.transport as unknown as { graph: MemoryGraph }).graph;
    const peer = createMemoryTransport({ graph, namespace: '/', clock: rig.app.clock, logger: createSilentLogger() });
    peer.createSubscription<DiagnosticArrayMsg>(MSG.DiagnosticArray, '/diagnostics', (m) => received.push(m));
  });

  after(async () => {
    await rig?.close();
    redis?.kill('SIGKILL');
  });

  const levelsNow = () => {
    const last = received[received.length - 1];
    return Object.fromEntries((last?.status ?? []).map((s) => [s.name.replace('claudia_llm: ', ''), Number(s.level)]));
  };
  const until = (what: string, pred: (l: Record<string, number>) => boolean) => waitFor(() => pred(levelsNow()), 10_000, what);

  it('goes from all OK to WARN for a full queue, WARN for Redis down and ERROR for Ollama down', async () => {
    // All healthy once the model is warm and Redis is connected.
    await rig.app.pipeline.handle({ text: 'おはよう、元気？', origin: 'cli' });
    await until('all OK', (l) => l['ollama'] === 0 && l['cache'] === 0 && l['scheduler'] === 0 && l['safety'] === 0 && l['motion'] === 0);

    // Queue full: the simulator stalls, one call runs, one waits in the medium lane (max 1).
    rig.sim?.setMode('stall');
    const pending = ['今日は何の日？', '好きな食べ物は何？', '明日の予定は？'].map((text) => rig.app.pipeline.handle({ text, origin: 'cli', timeoutS: 4 }).catch(() => undefined));
    await until('scheduler WARN (lane full)', (l) => l['scheduler'] === 1);
    const sched = received[received.length - 1]?.status.find((s) => s.name === 'claudia_llm: scheduler');
    expect(sched?.message).to.match(/full/);
    expect(sched?.values.find((v) => v.key === 'queue_medium')?.value).to.equal('1');
    rig.sim?.setMode('normal');

    // Redis down: memory still serves, the cache says so.
    redis?.kill('SIGKILL');
    redis = undefined;
    await until('cache WARN (redis down)', (l) => l['cache'] === 1);
    expect(received[received.length - 1]?.status.find((s) => s.name === 'claudia_llm: cache')?.message).to.match(/redis/);

    // Ollama down: the simulator goes away; the health probe takes the host out.
    await rig.sim?.close();
    await until('ollama ERROR', (l) => l['ollama'] === 2);
    const last = received[received.length - 1] as DiagnosticArrayMsg;
    expect(last.status.find((s) => s.name === 'claudia_llm: ollama')?.message).to.match(/no Ollama host can serve .*unreachable/);
    for (const s of last.status) expect(s.hardware_id).to.equal('go2');
    await Promise.all(pending);
  });
});
