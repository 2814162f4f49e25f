/**
 * The embedded backend on the REAL engine (llama.cpp through node-llama-cpp, CPU build) with
 * the project's tiny random-weight model: time to first token with a cold KV cache and with
 * the system prompt already in the sequence, and the node's own overhead around the engine.
 * Measured on the tiny model on this CPU: they show the mechanics (prefix reuse, overhead),
 * not the speed of Qwen2.5-7B on the Jetson, for which the simulator stays the latency model.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configWith } from '../src/config/load';
import { analyse } from '../src/lang';
import { createLlmDecider, type LlmBackend, type LlmRequest } from '../src/llm';
import { createEmbeddedBackend } from '../src/llm/embedded/embedded-backend';
import { findEngineEntry, INSTALL_COMMAND } from '../src/llm/embedded/engine-loader';
import { tinyModelGguf } from '../src/llm/embedded/tiny-model';
import { createPromptBuilder } from '../src/prompt';
import type { Request } from '../src/pipeline/types';
import { loadCatalogue } from '../src/robot/catalogue';
import { createSystemClock } from '../src/util/clock';
import { createSilentLogger } from '../src/util/logger';
import { nowMs, summarize } from './stats';
import type { Benchmark } from './types';

const CATALOGUE = loadCatalogue(`${__dirname}/../config/actions.yaml`);
const round = (v: number) => Math.round(v * 100) / 100;
const LABEL = 'measured on the tiny random model (claudia-llm tiny-model) on this CPU, 1 thread; not model quality or Jetson speed';

let seq = 0;
function req(text: string): Request {
  seq++;
  return { id: `e-${seq}`, utteranceId: `eu-${seq}`, origin: 'cli', analysed: analyse(text), confidence: -1, promptType: 'dialog', sessionId: '', priority: 0, dryRun: false, timeoutMs: 600_000, receivedAt: 0, epoch: 0 };
}

function tinyModelFile(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'claudia-bench-engine-')), 'tiny.gguf');
  writeFileSync(file, tinyModelGguf());
  return file;
}

const load = () => `load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`;

const ttft: Benchmark = {
  name: 'engine-ttft',
  keys: ['engine_ttft_ms_cold', 'engine_ttft_ms_prefix'],
  async run(ctx) {
    if (!findEngineEntry()) return { rows: [{ what: 'engine not installed', n: 0, unit: '' }], keys: { engine_ttft_ms_cold: null, engine_ttft_ms_prefix: null }, notes: [`node-llama-cpp is not installed: run \`${INSTALL_COMMAND}\``] };
    const config = configWith({ ollama: { num_ctx: 4096 } });
    const builder = createPromptBuilder({ config, catalogue: CATALOGUE });
    const backend = createEmbeddedBackend({ modelPath: tinyModelFile(), contextSize: 4096, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger: createSilentLogger() });
    try {
      await backend.warmup({ model: 'tiny', options: { num_ctx: 4096, num_batch: 512, num_gpu: 0 } }, AbortSignal.timeout(60_000));
      const first = async (r: LlmRequest) => {
        const t0 = nowMs();
        let at = -1;
        for await (const c of backend.chatStream(r, AbortSignal.timeout(60_000))) if (at < 0 && c.content) at = nowMs() - t0;
        return at;
      };
      const n = ctx.quick ? 1 : 8;
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < n; i++) {
        // A system prompt the sequence has not seen (its first line differs), then the same one again.
        const p = builder.build(req(`hello number ${i}`));
        const system = `Session ${i} ${Date.now()}.\n${p.messages[0]?.content ?? ''}`;
        const base = { model: 'tiny', format: p.format, options: p.options };
        cold.push(await first({ ...base, messages: [{ role: 'system', content: system }, { role: 'user', content: `hello number ${i}` }] }));
        warm.push(await first({ ...base, messages: [{ role: 'system', content: system }, { role: 'user', content: `and how are you today ${i}` }] }));
      }
      const c = summarize(cold);
      const w = summarize(warm);
      const systemBytes = Buffer.byteLength(builder.build(req('x')).messages[0]?.content ?? '');
      return {
        rows: [
          { what: `engine TTFT, cold KV cache (~${systemBytes}-byte system prompt, byte-level vocab)`, n: c.n, p50: round(c.p50), p95: round(c.p95), unit: 'ms' },
          { what: 'engine TTFT, system prompt already in the sequence (only the user turn evaluated)', n: w.n, p50: round(w.p50), p95: round(w.p95), unit: 'ms' },
        ],
        keys: { engine_ttft_ms_cold: round(c.p50), engine_ttft_ms_prefix: round(w.p50) },
        notes: [`${LABEL}; p50 of ${n}; ${load()}`],
      };
    } finally {
      await backend.close();
    }
  },
};

/** decide() wall time minus the engine's own stream time: prompt build, scheduler, parser, decision. */
const overhead: Benchmark = {
  name: 'engine-overhead',
  keys: ['engine_overhead_p99_ms'],
  async run(ctx) {
    if (!findEngineEntry()) return { rows: [{ what: 'engine not installed', n: 0, unit: '' }], keys: { engine_overhead_p99_ms: null }, notes: [`node-llama-cpp is not installed: run \`${INSTALL_COMMAND}\``] };
    const modelPath = tinyModelFile();
    const config = configWith({ llm: { backend: 'embedded', model_path: modelPath, threads: 1 }, ollama: { num_ctx: 4096, num_parallel: 1, warmup: false } });
    const inner = createEmbeddedBackend({ modelPath, contextSize: 4096, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger: createSilentLogger() });
    let engineMs = 0;
    // The same backend, timing its own stream: everything outside it is the node's overhead.
    const timed: LlmBackend = {
      ...inner,
      async *chatStream(r, signal) {
        const it = inner.chatStream(r, signal);
        try {
          for (;;) {
            const t0 = nowMs();
            const next = await it.next();
            engineMs += nowMs() - t0;
            if (next.done) return;
            yield next.value;
          }
        } finally {
          await it.return(undefined);
        }
      },
    };
    const llm = createLlmDecider({ config, catalogue: CATALOGUE, clock: createSystemClock(), logger: createSilentLogger(), makeBackend: () => timed });
    try {
      await inner.warmup({ model: 'tiny', options: { num_ctx: 4096, num_batch: 512, num_gpu: 0 } }, AbortSignal.timeout(60_000));
      const n = ctx.quick ? 3 : 60;
      const warmN = ctx.quick ? 1 : 5;
      const samples: number[] = [];
      for (let i = 0; i < n + warmN; i++) {
        engineMs = 0;
        const t0 = nowMs();
        await llm.decide(req(`tell me something nice ${i}`), { signal: AbortSignal.timeout(60_000) });
        const wall = nowMs() - t0;
        if (i >= warmN) samples.push(wall - engineMs);
      }
      const s = summarize(samples);
      return {
        rows: [{ what: 'node overhead around the engine: decide() wall - engine stream time, sequential', n: s.n, p50: round(s.p50), p95: round(s.p95), p99: round(s.p99), unit: 'ms' }],
        keys: { engine_overhead_p99_ms: round(s.p99) },
        notes: [`${LABEL}; ${load()}`],
      };
    } finally {
      await llm.close();
    }
  },
};

export const benchmarks: Benchmark[] = [ttft, overhead];
