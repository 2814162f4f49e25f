/**
 * The dds transport's numbers (issue 9 keys), on loopback with the Cyclone configuration of
 * test/peer/cyclonedds-loopback.xml, against the independent C peer (test/peer):
 * - dds_reflex_p99_ms: the peer publishes SpeechText "止まって" on rt/claudia/speech and
 *   times (on its own clock) until the node's StopMove arrives on rt/api/sport/request: peer
 *   serialisation, DDS loopback both ways, the node's decode, emergency reflex, encode.
 *   The whole app (createApp, transport dds, reflex-only) runs in this process.
 * - dds_msgs_per_s_1kb: the node publishes N std_msgs/String of 1 KB (reliable, keep-all, so
 *   the writer is flow-controlled instead of dropping) to the peer, which counts them; the
 *   rate is N over the peer's first-to-last receive span, reported only when none was lost.
 * - action_first_feedback_p99_ms: the peer, as an rcl_action client of /claudia/command, sends
 *   a reflex command goal ("座って", dry run so the robot's state does not change between
 *   rounds) and times from the send_goal reply it receives to the first feedback it receives
 *   (the `deciding` stage), on its own clock; one goal after another.
 * All are null, with a note, when Cyclone DDS, the addon or the peer is absent.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, type App } from '../src/app';
import { configWith } from '../src/config/load';
import { ddsAddonPath } from '../src/ros/dds-addon';
import type { DdsTransport } from '../src/ros/dds-transport';
import { MSG, type StringMsg } from '../src/ros/messages';
import { createSystemClock } from '../src/util/clock';
import { createSilentLogger } from '../src/util/logger';
import { summarize } from './stats';
import type { BenchResult, Benchmark } from './types';

const ROOT = path.resolve(__dirname, '..');
const PEER = path.join(ROOT, 'test', 'peer', 'build', 'claudia_peer');
const LOOPBACK = path.join(ROOT, 'test', 'peer', 'cyclonedds-loopback.xml');

/** Builds the addon and the peer if needed; a reason string when they cannot be had. */
function prerequisites(): string | undefined {
  for (const [file, script] of [[ddsAddonPath(), 'build-dds-addon.sh'], [PEER, 'build-peer.sh']] as const) {
    if (existsSync(file)) continue;
    const r = spawnSync('sh', [path.join(ROOT, 'scripts', script)], { encoding: 'utf8', timeout: 240_000 });
    if (!existsSync(file)) return `${path.basename(file)} unavailable: ${(r.stdout + r.stderr).trim().split('\n').slice(-1)[0] ?? 'build failed'}`;
  }
  return undefined;
}

function peer(args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PEER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
      if (code !== 0) reject(new Error(`peer ${args[0]} exited ${code}: ${err.trim() || JSON.stringify(lines.at(-1))}`));
      else resolve(lines);
    });
  });
}

async function withNode<T>(domainId: number, fn: (app: App, env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  process.env.CYCLONEDDS_URI = `file://${LOOPBACK}`;
  const env = { ...process.env, ROS_DOMAIN_ID: String(domainId) };
  const config = configWith({
    transport: { kind: 'dds', dds_domain_id: domainId },
    ollama: { enabled: false },
    cache: { enabled: false },
    metrics: { enabled: false },
    robot: { settle_ms: 0, response_timeout_s: 0.2 },
  });
  const app = await createApp(config, { clock: createSystemClock(), logger: createSilentLogger(), llm: null, cache: null });
  await app.start();
  try {
    return await fn(app, env);
  } finally {
    await app.close();
  }
}

const domainId = () => 150 + (process.pid % 80);

export const benchmarks: Benchmark[] = [
  {
    name: 'dds reflex: speech on DDS -> StopMove on DDS (loopback, C peer)',
    keys: ['dds_reflex_p99_ms'],
    async run(ctx): Promise<BenchResult> {
      const missing = prerequisites();
      if (missing) return { rows: [], keys: { dds_reflex_p99_ms: null }, notes: [missing] };
      const n = ctx.quick ? 10 : 300;
      const lines = await withNode(domainId(), (_app, env) =>
        peer(['reflex-bench', '--text', '止まって', '--lang', 'ja', '--n', String(n), '--gap-ms', '5', '--timeout-ms', '10000'], env, 120_000),
      );
      const ms = (lines.find((l) => l.kind === 'latencies')?.ms ?? []) as number[];
      const s = summarize(ms);
      ctx.log(`dds reflex: n=${s.n} p50=${s.p50.toFixed(3)} ms p99=${s.p99.toFixed(3)} ms`);
      return {
        rows: [{ what: 'SpeechText -> StopMove over Cyclone DDS (loopback, peer-timed)', n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' }],
        keys: { dds_reflex_p99_ms: s.n === n ? s.p99 : null },
        notes: s.n === n ? [] : [`only ${s.n} of ${n} round trips completed`],
      };
    },
  },
  {
    name: 'dds action: send_goal reply -> first feedback (reflex command, loopback, C peer as client)',
    keys: ['action_first_feedback_p99_ms'],
    async run(ctx): Promise<BenchResult> {
      const missing = prerequisites();
      if (missing) return { rows: [], keys: { action_first_feedback_p99_ms: null }, notes: [missing] };
      const n = ctx.quick ? 10 : 300;
      const lines = await withNode(domainId(), (_app, env) =>
        peer(['action', '--text', '座って', '--lang', 'ja', '--dry-run', '1', '--n', String(n), '--gap-ms', '2', '--timeout-ms', '10000'], env, 180_000),
      );
      const ms = (lines.find((l) => l.kind === 'latencies')?.ms ?? []) as number[];
      const s = summarize(ms);
      ctx.log(`dds action first feedback: n=${s.n} p50=${s.p50.toFixed(3)} ms p99=${s.p99.toFixed(3)} ms`);
      return {
        rows: [{ what: 'Command goal: send_goal reply -> first feedback over Cyclone DDS (loopback, peer-timed)', n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' }],
        keys: { action_first_feedback_p99_ms: s.n === n ? s.p99 : null },
        notes: s.n === n ? ['target <= 5 ms (issue 16)'] : [`only ${s.n} of ${n} goals completed`],
      };
    },
  },
  {
    name: 'dds throughput: 1 KB std_msgs/String node -> peer without loss',
    keys: ['dds_msgs_per_s_1kb'],
    async run(ctx): Promise<BenchResult> {
      const missing = prerequisites();
      if (missing) return { rows: [], keys: { dds_msgs_per_s_1kb: null }, notes: [missing] };
      const n = ctx.quick ? 200 : 20_000;
      const data = 'x'.repeat(1024 - 9); // 1 KB on the wire with the length prefix, NUL and header
      const result = await withNode(domainId(), async (app, env) => {
        const t = app.transport as DdsTransport;
        const pub = t.createPublisher<StringMsg>(MSG.String, '/bench/load', { reliability: 'reliable', durability: 'volatile', depth: 0 });
        const sink = peer(['sink', '--in', 'rt/bench/load', '--count', String(n), '--depth', '0', '--timeout-ms', '60000'], env, 90_000);
        const end = Date.now() + 10_000;
        while (t.matched('/bench/load').writers === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 100));
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < n; i++) pub.publish({ data });
        const sendMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const lines = await sink;
        return { sendMs, done: lines.find((l) => l.kind === 'done') as { count: number; span_ms: number } };
      });
      const lossless = result.done.count === n;
      const rate = lossless ? n / (Math.max(result.done.span_ms, result.sendMs) / 1000) : null;
      ctx.log(`dds 1KB: ${result.done.count}/${n} received, span ${result.done.span_ms.toFixed(1)} ms, send ${result.sendMs.toFixed(1)} ms`);
      return {
        rows: [{ what: '1 KB messages/s, reliable keep-all, node -> C peer, none lost', n, value: rate ?? NaN, unit: 'msg/s' }],
        keys: { dds_msgs_per_s_1kb: rate },
        notes: lossless ? [] : [`lost ${n - result.done.count} of ${n}`],
      };
    },
  },
];
