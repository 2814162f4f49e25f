import { InvalidArgumentError, Option } from 'commander';
import { createOllamaSimulator, PROFILES, profileByName, SIM_MODES, type SimMode, type SimScriptEntry } from '../llm/simulator';
import { createConsoleLogger } from '../util/logger';
import { EXIT } from './exit-codes';
import { integerIn } from './option-parsers';
import { readSimScript } from './sim-script';
import type { CliCommandSpec, CliIo } from './types';


interface SimOpts {
  port: number;
  host: string;
  profile: string;
  slots?: number;
  queueMax?: number;
  model?: string;
  models?: string[];
  mode: SimMode;
  script?: SimScriptEntry[];
}

/** "qwen3:8b,llama3.2" -> names; empty items are refused so a stray comma is not a model. */
function modelList(v: string): string[] {
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError('a comma-separated list of model names, e.g. qwen3:8b,llama3.2');
  return names;
}

/** `claudia-llm sim-ollama`: runs the project's Ollama SIMULATOR (not a model) until SIGINT/SIGTERM. */
export const spec: CliCommandSpec<SimOpts> = {
  define(cmd) {
    cmd
      .option('--port <n>', 'port to listen on (0 = any free port)', integerIn(0, 65535), 11434)
      .option('--host <address>', 'address to bind', '127.0.0.1')
      .addOption(new Option('--profile <name>', 'latency profile').choices(Object.keys(PROFILES)).default('fast'))
      .option('--slots <n>', 'parallel slots (OLLAMA_NUM_PARALLEL)', integerIn(1, 1024))
      .option('--queue-max <n>', 'queued requests before 503 (OLLAMA_MAX_QUEUE)', integerIn(0, 1_000_000))
      .option('--model <name>', 'the main model it serves (default qwen2.5:7b)')
      .option('--models <a,b>', 'more models it serves; any other name is answered 404 "model \'X\' not found", as Ollama does', modelList)
      .addOption(new Option('--mode <mode>', 'fault mode to start in').choices([...SIM_MODES]).default('normal'))
      .option('--script <file.json>', 'scripted answers: a JSON array (or JSONL) of {"match"|"regex", "content"}', parseScript);
  },
  run: ({ opts, io, env }) => runSimOllama(opts, io, env.untilStopped),
};

function parseScript(file: string): SimScriptEntry[] {
  try {
    return readSimScript(file);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

async function runSimOllama(opts: SimOpts, io: CliIo, untilStopped: () => Promise<void>): Promise<number> {
  const { port, host } = opts;
  const sim = createOllamaSimulator({ profile: profileByName(opts.profile), slots: opts.slots, queueMax: opts.queueMax, model: opts.model, models: opts.models, script: opts.script ?? [], logger: createConsoleLogger({ write: (line) => io.err(line) }) });
  sim.setMode(opts.mode);
  let url: string;
  try {
    url = await sim.listen(port, host);
  } catch (err) {
    io.err(`claudia-llm sim-ollama: cannot listen on ${host}:${port}: ${(err as Error).message}`);
    return EXIT.FAILED;
  }
  io.out(`Ollama SIMULATOR (not a real model) at ${url}  profile=${sim.profile.name} (${sim.profile.note})`);
  io.out(`point the node at it with ollama.hosts: ['${url}'] (Ollama API at /api, OpenAI-compatible at /v1; Ctrl-C stops it)`);
  await untilStopped();
  await sim.close();
  const s = sim.stats();
  io.out(`simulator stopped: ${s.requests} requests, ${s.chat} chat, ${s.generate} generate, prefix reuse ${(s.prefixReuse * 100).toFixed(1)}%`);
  return EXIT.OK;
}
