import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { COMMANDS, GROUPS } from './commands';
import { asClaudiaError } from '../util/errors';
import { EXIT, exitCodeFor } from './exit-codes';
import { splitRosArgs } from './node-options';
import type { CliCommandSpec, CliEnv, CliIo, CliRun, CommandEntry } from './types';

/** A command line, parsed and validated by commander: what to run and with what. */
export interface ParsedCommandLine {
  entry: CommandEntry;
  spec: CliCommandSpec<Record<string, unknown>>;
  args: unknown[];
  opts: Record<string, unknown>;
  ros: string[];
}

/** Outcome of parsing: a command to run, or an exit code (help shown, or a usage error reported). */
export type ParseOutcome = { parsed: ParsedCommandLine } | { exit: number };

function packageVersion(): string {
  // src/cli and dist/cli are both two levels below the package root.
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The longest table entry whose words start argv. */
export function matchEntry(argv: readonly string[]): CommandEntry | undefined {
  return COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
}

/**
 * The root program with every command of the table registered by name and summary. Only the
 * selected command is loaded and defined in full (options, arguments), so `--help` and
 * parsing of that command are exact while the others cost nothing.
 */
function rootProgram(io: CliIo): Command {
  const program = new Command('claudia-llm')
    .description('ROS 2 language brain for the Unitree Go2: reflexes, caches and a local LLM in front of validated sport commands')
    .version(packageVersion(), '-V, --version')
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .exitOverride()
    .showHelpAfterError('(see: claudia-llm --help)')
    .helpCommand(false)
    .addHelpText('after', '\nExit codes: 0 ok, 1 the request failed, 2 usage or configuration error.\nEvery command has --help, e.g. claudia-llm query --help.');
  const groups = new Map<string, Command>();
  for (const entry of [...COMMANDS].sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')))) {
    let parent = program;
    for (const [i, word] of entry.words.entries()) {
      const key = entry.words.slice(0, i + 1).join(' ');
      let cmd = groups.get(key);
      if (!cmd) {
        cmd = parent
          .command(word)
          .helpCommand(false)
          .configureOutput({ outputError: (str, write) => write(`claudia-llm ${key}: ${str}`) })
          .showHelpAfterError(`(see: claudia-llm ${key} --help)`);
        const isLeaf = i === entry.words.length - 1;
        cmd.description(isLeaf ? entry.summary : (GROUPS[key] ?? ''));
        groups.set(key, cmd);
      }
      parent = cmd;
    }
  }
  return program;
}

function leafOf(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const w of words) {
    const next = cmd.commands.find((c) => c.name() === w);
    if (!next) throw new Error(`command table: no command '${words.join(' ')}'`);
    cmd = next;
  }
  return cmd;
}

/** Parses a command line as the real CLI does (help and usage errors are written to io). */
export async function parseCommandLine(argv: readonly string[], io: CliIo): Promise<ParseOutcome> {
  // `claudia-llm help eval pairs` is `claudia-llm eval pairs --help`.
  const words = argv[0] === 'help' ? [...argv.slice(1), '--help'] : [...argv];
  const program = rootProgram(io);
  const entry = matchEntry(words);
  let captured: { args: unknown[]; opts: Record<string, unknown> } | undefined;
  let spec: CliCommandSpec<Record<string, unknown>> | undefined;
  let own = words;
  let ros: string[] = [];
  if (entry) {
    spec = (await entry.load()) as CliCommandSpec<Record<string, unknown>>;
    const leaf = leafOf(program, entry.words);
    spec.define(leaf);
    if (spec.rosArgs) {
      const split = splitRosArgs(words.slice(entry.words.length));
      own = [...entry.words, ...split.own];
      ros = split.ros;
    }
    leaf.action(function (this: Command) {
      captured = { args: [...this.processedArgs], opts: this.opts() };
    });
  }
  try {
    await program.parseAsync(own, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
      return { exit: ok ? EXIT.OK : EXIT.USAGE };
    }
    throw err;
  }
  if (!entry || !spec || !captured) return { exit: EXIT.USAGE };
  return { parsed: { entry, spec, args: captured.args, opts: captured.opts, ros } };
}

/** Resolves on SIGINT or SIGTERM; `done` aborted removes the handlers (a short command that ended without one). */
function untilSignal(done?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    const stop = () => {
      off();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    done?.addEventListener('abort', off, { once: true });
  });
}

/**
 * Runs one command line and returns the exit code: 0 ok, 1 the request failed, 2 usage or
 * configuration (exit-codes.ts). Nothing here calls process.exit: the entry script does.
 */
export async function main(argv: readonly string[], io: CliIo, env: CliEnv & { onCommand?: (spec: CliCommandSpec<never>) => void } = {}): Promise<number> {
  const outcome = await parseCommandLine(argv, io);
  if ('exit' in outcome) return outcome.exit;
  const { entry, spec, args, opts, ros } = outcome.parsed;
  if (env.parseOnly) return EXIT.OK;
  env.onCommand?.(spec);
  const run: CliRun<Record<string, unknown>> = { args, opts, ros, io, env: { untilStopped: env.untilStopped ?? untilSignal, stdin: env.stdin ?? process.stdin } };
  try {
    return await spec.run(run);
  } catch (err) {
    io.err(`claudia-llm ${entry.words.join(' ')}: ${asClaudiaError(err).toField()}`);
    return exitCodeFor(err);
  }
}
