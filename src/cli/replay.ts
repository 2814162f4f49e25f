import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
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
import type { RosTransport } from '../ros/types';
import type { Clock } from '../util/clock';
import { BadInputError, ClaudiaError } from '../util/errors';
import { createConsoleLogger, excerpt, jsonReplacer, type Logger } from '../util/logger';
import type { TelemetryEvent } from '../util/telemetry';
import { EXIT } from './exit-codes';
import { addNodeOptions, configFromOptions, rosArgsOf, type NodeOpts } from './node-options';
import { numberIn, seconds } from './option-parsers';
import { readSimScript } from './sim-script';
import type { CliCommandSpec } from './types';
import { terminalSafe } from '../util/terminal-text';

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

interface ReplayOpts extends NodeOpts {
  rate: number;
  out?: string;
  expect?: string;
  clock?: string;
  tail: number;
  simScript?: SimScriptEntry[];
  json?: boolean;
  robot: string;
  robotLatencyMs: number;
  writeExpect?: string;
}

/**
 * `claudia-llm replay`: plays a bag's speech topics into a fresh node, records its outputs into
 * an output bag and, with --expect, checks the decided actions per utterance (exit 1 + diff on
 * a mismatch).
 */
export const spec: CliCommandSpec<ReplayOpts> = {
  rosArgs: true,
  keepsRunningOnClosedPipe: true,
  define(cmd) {
    cmd
      .argument('<bag_dir>', 'a bag with speech_text / speech messages (ours or ros2 bag record)')
      .option('--rate <r>', 'playback rate (0 = as fast as possible)', numberIn(0, Infinity), 1)
      .option('--out <dir>', 'output bag (default: <bag_dir>_replay_N beside the input)')
      .option('--expect <file>', 'expectations to check (exit 1 with a diff on a mismatch)')
      .option('--write-expect <file>', 'write the outcomes as an expectations file (review before using it as a test)')
      .addOption(new Option('--clock <kind>', 'virtual (deterministic, memory only) or system (default: virtual when it can)').choices(['virtual', 'system']))
      .option('--tail <s>', 'keep recording this long after the last utterance', seconds, 10)
      .option('--sim-script <file>', "answer LLM calls with the project's Ollama SIMULATOR and this script (deterministic LLM path)", parseSimScript)
      .addOption(new Option('--robot <mode>', 'a robot stand-in that acknowledges commands (ack), or none').choices(['ack', 'none']).default('ack'))
      .option('--robot-latency-ms <n>', "the stand-in's answer latency", numberIn(0, Infinity), 20)
      .option('--json', 'print the outcomes as one JSON object');
    addNodeOptions(cmd, { transportDefault: 'memory' });
  },
  async run({ args, opts, ros, io }) {
    const bagDir = args[0] as string;
    const config = configFromOptions(opts, rosArgsOf(ros));
    const llm: ReplayRun['llm'] = opts.simScript ? { script: opts.simScript } : opts.llm === false || !config.ollama.enabled ? 'none' : 'config';
    const clockKind = (opts.clock as ReplayRun['clock'] | undefined) ?? (config.transport.kind === 'memory' && llm !== 'config' ? 'virtual' : 'system');
    if (clockKind === 'virtual' && config.transport.kind !== 'memory') throw new BadInputError('--clock virtual needs --transport memory: DDS peers live in real time');
    if (clockKind === 'virtual' && llm === 'config') {
      throw new BadInputError('--clock virtual cannot drive a real Ollama (its latency is real time); use --sim-script FILE, --no-llm, or --clock system');
    }
    const expectations = opts.expect ? readExpectations(opts.expect) : undefined;
    const outDir = opts.out ?? defaultOutDir(bagDir);
    const logger = createConsoleLogger({ level: opts.logLevel ? config.log.level : 'error', write: (l) => io.err(l) });

    const result = await runReplay({ bagDir, config, rate: opts.rate, outDir, clock: clockKind, tailMs: opts.tail * 1000, llm, logger, metrics: opts.metricsPort !== undefined, robot: opts.robot === 'ack' ? { latencyMs: opts.robotLatencyMs } : undefined });
    const mismatches = expectations ? compareExpectations(expectations, result.outcomes, result.sportApiIds) : [];
    if (opts.writeExpect) {
      const text = formatExpectations(result.outcomes, result.sportApiIds);
      writeFileSync(opts.writeExpect, text);
      const lines = text.split('\n').filter((l) => l.trim() !== '').length;
      io.err(`wrote ${lines} expectation line(s) to ${opts.writeExpect} (${result.outcomes.length} utterance(s), 1 sport request sequence): review them before using them as a test`);
    }
    if (opts.json) {
      io.out(JSON.stringify({ out: outDir, played: result.played, outcomes: result.outcomes, sport_api_ids: result.sportApiIds, mismatches }, jsonReplacer));
    } else {
      printSummary(result, outDir, (l) => io.out(terminalSafe(l, { newlines: true })));
      if (typeof llm === 'object') io.out(`  LLM answers: the project's Ollama SIMULATOR (${llm.script.length} scripted entries) — not a real model`);
      else if (llm === 'none') io.out('  LLM: none (reflex-only node)');
      if (expectations) {
        const total = expectations.utterances.length + (expectations.sport ? 1 : 0);
        if (mismatches.length) io.out(terminalSafe(formatMismatches(mismatches, total), { newlines: true }));
        else io.out(`expectations: all ${total} passed`);
      }
    }
    return mismatches.length ? EXIT.FAILED : EXIT.OK;
  },
};

function parseSimScript(file: string): SimScriptEntry[] {
  try {
    return readSimScript(file);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

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
