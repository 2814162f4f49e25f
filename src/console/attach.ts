import type { Pipeline } from '../pipeline/pipeline';
import { openConsole, type NodeConsole } from './console';
import { canOpenConsole } from './foreground';

/** Where log lines go: stderr, or above the console's prompt while the console is open. */
export interface LogSink {
  write(line: string): void;
  /** Sends lines to `target` (the console), or back to stderr when undefined. */
  to(target: ((line: string) => void) | undefined): void;
}

export function createLogSink(stderr: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): LogSink {
  let target: ((line: string) => void) | undefined;
  return {
    write: (line) => (target ?? stderr)(line),
    to: (t) => void (target = t),
  };
}

/**
 * Opens the console of `run` when it may: asked for (no `--no-console`), stdin and stdout a
 * terminal, and the process in that terminal's foreground. Otherwise nothing touches stdin
 * at all. Ctrl-C in the console stops motion, then `shutdown` ends the node as a signal would.
 */
export function attachConsole(opts: {
  pipeline: Pipeline;
  enabled: boolean;
  sink: LogSink;
  shutdown: (why: string) => void;
  say: (line: string) => void;
}): NodeConsole | undefined {
  if (!opts.enabled) return undefined;
  const can = canOpenConsole();
  if (!can.ok) {
    opts.say(`console off: ${can.why} (type into the dashboard or POST /v1/query instead)`);
    return undefined;
  }
  const con = openConsole({
    pipeline: opts.pipeline,
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    onQuit: (why) => {
      opts.sink.to(undefined);
      con.close();
      opts.shutdown(why === 'ctrl-c' ? 'Ctrl-C in the console' : why === 'eof' ? 'end of console input' : ':quit');
    },
  });
  opts.sink.to((line) => con.log(line));
  // A node stopped from outside (kill -STOP) and resumed in the background must not go on
  // reading its terminal, which would stop it again (SIGTTIN).
  const onCont = () => {
    if (canOpenConsole().ok) return;
    opts.sink.to(undefined);
    con.detach();
    opts.say('console closed: the node was resumed in the background; it keeps running');
  };
  process.on('SIGCONT', onCont);
  return {
    ...con,
    close() {
      process.off('SIGCONT', onCont);
      opts.sink.to(undefined);
      con.close();
    },
  };
}
