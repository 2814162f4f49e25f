/** Where a command writes: injected so tests can capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A CLI command: gets its own argv (after the command words), returns the exit code. */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

export interface CommandEntry {
  /** Words that select it, e.g. ['eval', 'intents']. */
  words: string[];
  summary: string;
  /** Loaded on demand so `claudia-llm query` does not pay for the bag reader or the dashboard. */
  load: () => Promise<CliCommand>;
}
