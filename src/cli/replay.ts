import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createApp } from '../app';
import {
  compareExpectations,
  formatExpectations,
  formatMismatches,
  readExpectations,
  replayBag,
  replayTopics,
  type ReplayConnection,
  type ReplayResult,
} from '../bag';
import { loadMessageRegistry } from '../cdr';
import type { Config } from '../config/types';
import { createOllamaSimulator, type SimScriptEntry } from '../llm/simulator';
import { createTransport } from '../ros/create-transport';
import { createMemoryTransport, MemoryGraph } from '../ros/memory-transport';
import { parseRosArgs } from '../ros/ros-args';
import type { RosTransport } from '../ros/types';
import type { Clock } from '../util/clock';
import { asClaudiaError, BadInputError, ClaudiaError } from '../util/errors';
import { createConsoleLogger, excerpt, jsonReplacer, type Logger } from '../util/logger';
import type { TelemetryEvent } from '../util/telemetry';
import { configFromFlags, parseNodeArgs } from './node-options';
import type { CliCommand } from './types';

const USAGE =
  'usage: claudia-llm replay <bag_dir> [--rate R] [--out DIR] [--expect FILE] [--params FILE] [--transport memory|dds|rclnodejs]\n' +
  '         [--clock virtual|system] [--tail S] [--sim-script FILE] [--no-llm] [--robot ack|none] [--robot-latency-ms N] [--write-expect FILE] [--json]\n' +
  '  --rate 0 = as fast as possible; --sim-script runs the project\'s Ollama SIMULATOR with that script (deterministic LLM path)';

export interface ReplayRun {
  bagDir: string;
  config: Readonly<Config>;
  rate: number;
  outDir?: string;
  clock: 'virtual' | 'system';
  tailMs: number;
  /** Robot stand-in acknowledging commands (code 0 after latencyMs), or none. */
  robot?: { latencyMs: number };
  /** The LLM: a simulator script (in-process simulator), 'none' (reflex-only), or 'config' (config.ollama as is). */
  llm: { script: SimScriptEntry[] } | 'none' | 'config';
  logger: Logger;
  /** Serve metrics/dashboard during the replay (config.metrics); off by default so replays never fight over the port. */
  metrics?: boolean;
}

/**
 * `claudia-llm replay`: plays a bag's speech topics into a fresh node, records its outputs into
 * an output bag and, with --expect, checks the decided actions per utterance (exit 1 + diff on
 * a mismatch).
 */
export const command: CliCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseNodeArgs(argv, {
      rate: { type: 'string' },
      out: { type: 'string' },
      expect: { type: 'string' },
      clock: { type: 'string' },
      tail: { type: 'string' },
      'sim-script': { type: 'string' },
      json: { type: 'boolean' },
      robot: { type: 'string' },
      'robot-latency-ms': { type: 'string' },
      'write-expect': { type: 'string' },
    });
  } catch (err) {
    io.err(`claudia-llm replay: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals, ros } = parsed;
  if (positionals.length !== 1) {
    io.err(USAGE);
    return 2;
  }
  const bagDir = positionals[0] as string;
  try {
    const config = configFromFlags({ ...values, transport: values.transport ?? 'memory' }, ros.length ? parseRosArgs(ros) : undefined);
    const rate = values.rate === undefined ? 1 : Number(values.rate);
    if (!Number.isFinite(rate) || rate < 0) throw new BadInputError(`--rate must be a number >= 0 (0 = as fast as possible), got '${String(values.rate)}'`);
    const tail = values.tail === undefined ? 10 : Number(values.tail);
    if (!Number.isFinite(tail) || tail < 0) throw new BadInputError(`--tail must be seconds >= 0, got '${String(values.tail)}'`);
    const simScript = values['sim-script'] as string | undefined;
    const llm: ReplayRun['llm'] = simScript ? { script: readSimScript(simScript) } : values['no-llm'] || !config.ollama.enabled ? 'none' : 'config';
    const clockKind = (values.clock as string | undefined) ?? (config.transport.kind === 'memory' && llm !== 'config' ? 'virtual' : 'system');
    if (clockKind !== 'virtual' && clockKind !== 'system') throw new BadInputError(`--clock must be virtual or system, got '${clockKind}'`);
    if (clockKind === 'virtual' && config.transport.kind !== 'memory') throw new BadInputError('--clock virtual needs --transport memory: DDS peers live in real time');
    if (clockKind === 'virtual' && llm === 'config') {
      throw new BadInputError('--clock virtual cannot drive a real Ollama (its latency is real time); use --sim-script FILE, --no-llm, or --clock system');
    }
    const robotMode = (values.robot as string | undefined) ?? 'ack';
    if (robotMode !== 'ack' && robotMode !== 'none') throw new BadInputError(`--robot must be ack or none, got '${robotMode}'`);
    const robotLatency = values['robot-latency-ms'] === undefined ? 20 : Number(values['robot-latency-ms']);
    if (!Number.isFinite(robotLatency) || robotLatency < 0) throw new BadInputError(`--robot-latency-ms must be >= 0, got '${String(values['robot-latency-ms'])}'`);
    const expectations = values.expect ? readExpectations(values.expect as string) : undefined;
    const outDir = (values.out as string | undefined) ?? defaultOutDir(bagDir);
    const logger = createConsoleLogger({ level: values['log-level'] ? config.log.level : 'error', write: (l) => io.err(l) });

    const result = await runReplay({ bagDir, config, rate, outDir, clock: clockKind, tailMs: tail * 1000, llm, logger, metrics: values['metrics-port'] !== undefined, robot: robotMode === 'ack' ? { latencyMs: robotLatency } : undefined });
    const mismatches = expectations ? compareExpectations(expectations, result.outcomes, result.sportApiIds) : [];
    const writeExpect = values['write-expect'] as string | undefined;
    if (writeExpect) {
      writeFileSync(writeExpect, formatExpectations(result.outcomes, result.sportApiIds));
      io.err(`wrote ${result.outcomes.length} expectation line(s) to ${writeExpect}: review them before using them as a test`);
    }
    if (values.json) {
      io.out(JSON.stringify({ out: outDir, played: result.played, outcomes: result.outcomes, sport_api_ids: result.sportApiIds, mismatches }, jsonReplacer));
    } else {
      printSummary(result, outDir, (l) => io.out(l));
      if (typeof llm === 'object') io.out(`  LLM answers: the project's Ollama SIMULATOR, script ${simScript} (${llm.script.length} entries) — not a real model`);
      else if (llm === 'none') io.out('  LLM: none (reflex-only node)');
      if (expectations) {
        const total = expectations.utterances.length + (expectations.sport ? 1 : 0);
        if (mismatches.length) io.out(formatMismatches(mismatches, total));
        else io.out(`expectations: all ${total} passed`);
      }
    }
    return mismatches.length ? 1 : 0;
  } catch (err) {
    io.err(`claudia-llm replay: ${asClaudiaError(err).toField()}`);
    return 1;
  }
};

/** Replays with a fresh node built by createApp; the simulator (when scripted) runs on the replay's clock. */
export async function runReplay(run: ReplayRun): Promise<ReplayResult> {
  const { config, logger } = run;
  const registry = loadMessageRegistry();
  const connect = async (clock: Clock): Promise<ReplayConnection> => {
    let cfg: Readonly<Config> = run.metrics ? config : { ...config, metrics: { ...config.metrics, enabled: false } };
    let sim: ReturnType<typeof createOllamaSimulator> | undefined;
    if (typeof run.llm === 'object') {
      sim = createOllamaSimulator({ clock, profile: 'fast', script: run.llm.script, logger });
      const url = await sim.listen(0, '127.0.0.1');
      // No warm-up and no periodic health probe: both are real HTTP racing virtual time, and the replay is about the conversation.
      cfg = { ...cfg, ollama: { ...cfg.ollama, enabled: true, hosts: [url], warmup: false, health_interval_s: 3600 } };
    }
    const realIo = run.llm !== 'none';
    const ioState = sim ? () => { const st = sim.stats(); return `${st.requests}/${st.completed}/${st.aborted}/${st.evalTokens}`; } : undefined;
    // LLM calls the node started (scheduler dispatch) and finished (llm_call), against what the
    // simulator received and finished: a difference is an HTTP request or answer on the wire.
    let llmSent = 0;
    let llmDone = 0;
    const countCalls = (e: TelemetryEvent) => {
      if (e.type === 'sched' && e.event === 'dispatched') llmSent++;
      else if (e.type === 'llm_call') llmDone++;
    };
    const ioBusy = sim
      ? () => {
          const st = sim.stats();
          return llmSent > st.chat + st.generate || st.completed + st.aborted + st.rejected503 > llmDone;
        }
      : undefined;
    try {
      if (config.transport.kind === 'memory') {
        const graph = new MemoryGraph();
        const app = await createApp(cfg, { clock, logger, graph, llm: run.llm === 'none' ? null : undefined });
        app.telemetry.on(countCalls);
        await app.start();
        const peer = createMemoryTransport({ graph, namespace: '/', clock, logger });
        return {
          peer,
          realIo,
          ioState,
          ioBusy,
          async close() {
            await app.close();
            await peer.close();
            await sim?.close();
          },
        };
      }
      const app = await createApp(cfg, { clock, logger, llm: run.llm === 'none' ? null : undefined });
      app.telemetry.on(countCalls);
      await app.start();
      const peer = await createTransport(config.transport.kind, { namespace: '/', nodeName: `${config.node.name}_replay`, clock, logger, config });
      return {
        peer,
        realIo,
        ioState,
        ioBusy,
        ready: (endpoints) => waitMatched(peer, endpoints, clock),
        async close() {
          await app.close();
          await peer.close();
          await sim?.close();
        },
      };
    } catch (err) {
      await sim?.close();
      throw err;
    }
  };
  return replayBag(
    { bagDir: run.bagDir, outDir: run.outDir, topics: replayTopics(config), rate: run.rate, clock: run.clock, tailMs: run.tailMs, robot: run.robot },
    { registry, logger, connect },
  );
}

/** DDS discovery takes a moment: wait (bounded) until every endpoint of the peer sees the node. */
async function waitMatched(peer: RosTransport, endpoints: { publishing: string[]; subscribed: string[] }, clock: Clock): Promise<void> {
  const matched = (peer as RosTransport & { matched?: (name: string) => { writers: number; readers: number } }).matched;
  if (!matched) {
    // A transport that cannot tell (rclnodejs): give discovery a fixed moment instead.
    await clock.sleep(1500);
    return;
  }
  const deadline = clock.now() + 10_000;
  const ok = () => endpoints.publishing.every((t) => matched.call(peer, t).writers > 0) && endpoints.subscribed.every((t) => matched.call(peer, t).readers > 0);
  while (!ok()) {
    if (clock.now() > deadline) throw new ClaudiaError('E_TRANSPORT', `replay peer did not discover the node within 10 s on ${[...endpoints.publishing, ...endpoints.subscribed].join(', ')}; check the DDS domain and network interface`);
    await clock.sleep(20);
  }
}

/** A script file: a JSON array of entries, or one entry per line (JSONL). */
export function readSimScript(file: string): SimScriptEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BadInputError(`simulator script ${file} cannot be read; check --sim-script`);
  }
  try {
    const entries: unknown = text.trimStart().startsWith('[')
      ? JSON.parse(text)
      : text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => JSON.parse(l) as unknown);
    if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'object' && e !== null && 'content' in e && ('match' in e || 'regex' in e))) {
      throw new Error('each entry needs "content" and "match" or "regex"');
    }
    return entries as SimScriptEntry[];
  } catch (err) {
    throw new BadInputError(`simulator script ${file}: ${(err as Error).message}`);
  }
}

/** Like `ros2 bag record`'s default names: next to the input, never over an existing folder. */
function defaultOutDir(bagDir: string): string {
  const base = path.resolve(bagDir).replace(/\/+$/, '');
  for (let i = 1; ; i++) {
    const dir = `${base}_replay_${i}`;
    if (!existsSync(dir)) return dir;
  }
}

function printSummary(r: ReplayResult, outDir: string, out: (l: string) => void): void {
  out(`replayed ${r.played} message(s), ${r.outcomes.length} utterance(s), span ${(r.spanMs / 1000).toFixed(3)} s; output bag ${outDir}`);
  const shown = r.outcomes.length > 200 ? r.outcomes.slice(0, 200) : r.outcomes;
  for (const o of shown) {
    const resp = o.response;
    const acts = resp ? resp.actions.map((a) => `${a.name}${a.verdict === 'ok' ? '' : `(${a.verdict})`}`).join(', ') : '';
    out(`  #${o.index} ${JSON.stringify(excerpt(o.text, 40))} -> ${resp ? `${resp.source} [${acts}]${resp.error ? ` ${resp.error}` : ''}` : 'NO RESPONSE'}`);
  }
  if (shown.length < r.outcomes.length) out(`  … ${r.outcomes.length - shown.length} more (--json lists all)`);
  out(`  sport requests: ${r.sportApiIds.length} (${[...new Set(r.sportApiIds)].join(', ') || 'none'})`);
}
