import { readFileSync } from 'node:fs';
import { createOllamaSimulator, PROFILES, profileByName, type SimScriptEntry } from '../llm/simulator';
import { ClaudiaError } from '../util/errors';
import { createConsoleLogger } from '../util/logger';
import type { CliCommand, CliIo } from './types';

const USAGE = 'usage: claudia-llm sim-ollama [--port N] [--host H] [--profile fast|jetson|fixed] [--slots N] [--queue-max N] [--model NAME] [--script file.json]';

function intFlag(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) throw new ClaudiaError('E_BAD_INPUT', `${name} needs an integer >= ${min} (got ${v ?? 'nothing'})`);
  return n;
}

function readScript(file: string): SimScriptEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ClaudiaError('E_BAD_INPUT', `cannot read script ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new ClaudiaError('E_BAD_INPUT', `${file}: a script is a JSON array of {"match"|"regex", "content"} entries`);
  for (const [i, e] of doc.entries()) {
    const ok = typeof e === 'object' && e !== null && 'content' in e && (typeof e.match === 'string' || typeof e.regex === 'string');
    if (!ok) throw new ClaudiaError('E_BAD_INPUT', `${file}: entry ${i} needs "match" or "regex" (string) and "content"`);
  }
  return doc as SimScriptEntry[];
}

/** `claudia-llm sim-ollama`: runs the project's Ollama SIMULATOR (not a model) until SIGINT/SIGTERM. */
export const command: CliCommand = (argv, io) =>
  runSimOllama(argv, io, () => new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }));

/** The command with its stop condition injected (tests stop it without signals). */
export async function runSimOllama(argv: string[], io: CliIo, untilStopped: () => Promise<void>): Promise<number> {
  let port = 11434;
  let host = '127.0.0.1';
  let profile = 'fast';
  let slots: number | undefined;
  let queueMax: number | undefined;
  let model: string | undefined;
  let script: SimScriptEntry[] = [];
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const next = () => argv[++i];
      if (a === '--port') port = intFlag('--port', next(), 0);
      else if (a === '--host') host = next() ?? host;
      else if (a === '--profile') {
        profile = next() ?? '';
        if (!PROFILES[profile]) throw new ClaudiaError('E_BAD_INPUT', `--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
      } else if (a === '--slots') slots = intFlag('--slots', next(), 1);
      else if (a === '--queue-max') queueMax = intFlag('--queue-max', next(), 0);
      else if (a === '--model') model = next();
      else if (a === '--script') script = readScript(next() ?? '');
      else if (a === '--help' || a === '-h') {
        io.out(USAGE);
        return 0;
      } else throw new ClaudiaError('E_BAD_INPUT', `unknown option '${a}'`);
    }
  } catch (err) {
    io.err(`${err instanceof ClaudiaError ? err.toField() : String(err)}\n${USAGE}`);
    return 2;
  }
  const sim = createOllamaSimulator({ profile: profileByName(profile), slots, queueMax, model, script, logger: createConsoleLogger({ write: (line) => io.err(line) }) });
  let url: string;
  try {
    url = await sim.listen(port, host);
  } catch (err) {
    io.err(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
    return 1;
  }
  io.out(`Ollama SIMULATOR (not a real model) at ${url}  profile=${sim.profile.name} (${sim.profile.note})`);
  io.out(`point the node at it with ollama.hosts: ['${url}'] (Ctrl-C stops it)`);
  await untilStopped();
  await sim.close();
  const s = sim.stats();
  io.out(`simulator stopped: ${s.requests} requests, ${s.chat} chat, ${s.generate} generate, prefix reuse ${(s.prefixReuse * 100).toFixed(1)}%`);
  return 0;
}
