/**
 * http_stop_p99_ms: `POST /v1/stop` written on an open keep-alive connection -> StopMove
 * (1003) published on the memory transport, while 200 LLM requests wait in the scheduler
 * behind a 1-slot simulated Jetson that is busy streaming. The whole real app (createApp)
 * with its HTTP server on loopback; the client is a raw socket in the same process, so the
 * figure is the node's own reaction time (parse, access check, route, stop), not a network.
 * The same measurement without load is printed beside it. Target: <= 1 ms on a quiet machine.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { connect, type Socket } from 'node:net';
import { queueLoad, startRig, type Rig } from './emergency';
import { nowMs, summarize } from './stats';
import type { BenchResult, BenchRow, Benchmark } from './types';

/** One keep-alive connection that sends POST /v1/stop and reads each answer in turn. */
async function openStopper(base: string): Promise<{ send(): number; answers(): number; close(): void }> {
  const url = new URL(base);
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect({ host: url.hostname, port: Number(url.port), noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
  const request = Buffer.from(`POST /v1/stop HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n`);
  let buf = '';
  let answered = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    // Each answer is one head and a JSON body of Content-Length bytes.
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /content-length: *(\d+)/i.exec(buf.slice(0, end));
      const len = Number(m?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      if (!buf.startsWith('HTTP/1.1 200')) throw new Error(`POST /v1/stop answered ${buf.slice(0, 40)}`);
      buf = buf.slice(end + 4 + len);
      answered++;
    }
  });
  return {
    send() {
      const t0 = nowMs();
      socket.write(request);
      return t0;
    },
    answers: () => answered,
    close: () => socket.destroy(),
  };
}

async function measure(rig: Rig, n: number, warmup: number): Promise<number[]> {
  const base = rig.app.monitorUrl();
  if (!base) throw new Error('the app serves no HTTP (metrics.enabled)');
  const stopper = await openStopper(base);
  const out: number[] = [];
  try {
    for (let i = 0; i < warmup + n; i++) {
      const seen = rig.nextStop();
      const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no StopMove within 2 s of POST /v1/stop')), 2000).unref());
      const before = stopper.answers();
      const t0 = stopper.send();
      const t1 = await Promise.race([seen, timeout]);
      if (i >= warmup) out.push(t1 - t0);
      // The next request only after this one's answer: one request at a time on the connection.
      const end = Date.now() + 2000;
      while (stopper.answers() === before && Date.now() < end) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    stopper.close();
  }
  return out;
}

export async function runHttpStop(quick: boolean, log: (l: string) => void): Promise<BenchResult> {
  const n = quick ? 10 : 1000;
  const warmup = quick ? 3 : 100;
  const rows: BenchRow[] = [];
  const notes: string[] = [];

  const idle = await startRig({ http: true });
  try {
    const s = summarize(await measure(idle, n, warmup));
    rows.push({ what: 'POST /v1/stop -> StopMove, no LLM load', n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' });
  } finally {
    await idle.close();
  }

  const rig = await startRig({ http: true });
  try {
    const before = await queueLoad(rig, log);
    const s = summarize(await measure(rig, n, warmup));
    rows.push({ what: `POST /v1/stop -> StopMove, ${before} LLM requests queued`, n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' });
    notes.push(`load: ${before} distinct questions queued in the scheduler behind a busy 1-slot simulator; ${rig.queued()} still queued at the end`);
    notes.push(`each sample: the request written on one open keep-alive loopback connection (raw socket, same process) -> unitree_api Request 1003 seen by a Go2 stand-in on the memory transport; ${warmup} warm-up stops not counted`);
    return { rows, notes, keys: { http_stop_p99_ms: s.p99 } };
  } finally {
    await rig.close();
  }
}

export const benchmarks: Benchmark[] = [{ name: 'http-stop', keys: ['http_stop_p99_ms'], run: (ctx) => runHttpStop(ctx.quick, ctx.log) }];
