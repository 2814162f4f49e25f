import type { Command } from 'commander';

/** Where a command writes: injected so tests can capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** What main() hands a command besides its parsed arguments (injectable for tests). */
export interface CliEnv {
  /**
   * Resolves when a long-running command (run, sim-ollama, record, a query that is still
   * deciding or moving) should stop. Default: SIGINT or SIGTERM; `done` aborted: no longer wanted.
   */
  untilStopped?: (done?: AbortSignal) => Promise<void>;
  /** Standard input, for `query -` and `record` (memory). Default: process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Parse and validate only, run nothing (the README test checks every documented command line this way). */
  parseOnly?: boolean;
}

/** One invocation of a command, after commander has parsed and validated its argv. */
export interface CliRun<O> {
  /** Positional arguments in declaration order (a variadic one is the last, as an array). */
  args: unknown[];
  /** Options as commander parsed them (camelCase keys: `--dry-run` -> dryRun, `--no-llm` -> llm: false). */
  opts: O;
  /** The `--ros-args ... [--]` tokens (node-starting commands only; [] when none). */
  ros: string[];
  io: CliIo;
  env: Required<Pick<CliEnv, 'untilStopped' | 'stdin'>>;
}

/**
 * A CLI command. `define` declares its arguments and options (help and parsing come from
 * commander); `run` gets the parsed values and returns the exit code (see exit-codes.ts).
 */
export interface CliCommandSpec<O = Record<string, unknown>> {
  define(cmd: Command): void;
  run(run: CliRun<O>): Promise<number>;
  /** Takes ROS arguments (`--ros-args ...`), as every node-starting command does. */
  rosArgs?: boolean;
  /** Keeps running when stdout is closed (a node must shut down properly, not vanish mid-Move). */
  keepsRunningOnClosedPipe?: boolean;
}

export interface CommandEntry {
  /** Words that select it, e.g. ['eval', 'intents']. */
  words: string[];
  /** One line for `claudia-llm --help` and for the group's help (`claudia-llm eval --help`). */
  summary: string;
  /** Loaded on demand so `claudia-llm query` does not pay for the bag reader or the dashboard. */
  load: () => Promise<CliCommandSpec<never>>;
}
