import { createInterface, type Interface } from 'node:readline';
import type { Pipeline } from '../pipeline/pipeline';
import type { AnswerRecord, PipelineEvent } from '../pipeline/types';
import { terminalSafe } from '../util/terminal-text';
import { actionList, ms, summaryLine } from './format';
import { createScreen, type Screen } from './screen';

export interface ConsoleDeps {
  pipeline: Pipeline;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  /** A real terminal (raw mode, line editing, live lines); false for tests through plain streams. */
  terminal: boolean;
  /** The user wants out (:quit, Ctrl-D, or Ctrl-C after the stop); the caller shuts the node down. */
  onQuit(why: 'quit' | 'ctrl-c' | 'eof'): void;
}

export interface NodeConsole {
  /** A log line, shown above the prompt so it does not break the line being typed. */
  log(line: string): void;
  /** What Ctrl-C does: StopMove first, then quit. */
  interrupt(): void;
  /** Stops reading the terminal and gives it back in the mode it had (shutdown, :quit). */
  close(): void;
  /**
   * Stops reading the terminal without touching its mode: from the background, changing the
   * mode (tcsetattr) would itself stop the process with SIGTTOU. Node restores the mode at exit.
   */
  detach(): void;
}

const PROMPT = 'claudia> ';

const HELP = [
  'Type an utterance and press Enter (座って · 前に進んで · 坐下 · what can you do?).',
  'Each answer shows its source, every action with its verdict, the reply as it streams,',
  'the first effect (first command published, or the reply) and the total latency.',
  '  :stop   StopMove now (also Ctrl-C, which then quits)',
  '  :help   this text',
  '  :quit   shut the node down (also Ctrl-D)',
  'Up/Down recall earlier lines. Utterances go through the same pipeline as speech.',
].join('\n');

/**
 * The interactive console of `claudia-llm run` in the foreground of a terminal: one more
 * way in that calls the pipeline and knows nothing of the others. Several utterances may be
 * in flight (a stop typed during a dance is answered at once); each gets a number that its
 * output lines carry. Everything printed from outside (utterances echoed, replies, error
 * messages) goes through terminalSafe, so a reply cannot drive the terminal.
 */
export function openConsole(deps: ConsoleDeps): NodeConsole {
  const { pipeline, output } = deps;
  const rl: Interface = createInterface({ input: deps.input, output, terminal: deps.terminal, prompt: PROMPT, historySize: 500, removeHistoryDuplicates: true });
  const screen: Screen = createScreen(rl, output, deps.terminal);
  let closed = false;
  let seq = 0;

  const safe = (s: string) => terminalSafe(s);

  const stop = (what: string) => {
    const rec = pipeline.stop({ origin: 'console', text: what });
    screen.print(`■ StopMove published (${ms(rec.firstEffectMs)})`);
  };

  const ask = (text: string) => {
    const tag = `[${++seq}]`;
    let decided = false;
    screen.live(tag, `${tag} …`);
    const onEvent = (e: PipelineEvent) => {
      if (closed) return;
      if (e.type === 'reply') return screen.live(tag, `${tag} 「${safe(e.reply)}`);
      // The verdicts as soon as they are known, before the reply has finished streaming.
      if (e.stage === 'decided' && !decided && e.actions.length > 0) {
        decided = true;
        screen.print(`${tag} decided: ${safe(actionList(e.actions))}`, tag);
      }
    };
    pipeline.handle({ text, origin: 'console' }, { onEvent }).then(
      (rec) => done(tag, rec),
      (err: unknown) => screen.finish(tag, `${tag} error: ${safe(err instanceof Error ? err.message : String(err))}`),
    );
  };

  const done = (tag: string, rec: AnswerRecord) => {
    if (closed) return;
    screen.finish(tag, `${tag} ${rec.reply ? `「${safe(rec.reply)}」` : '(no reply)'}`);
    screen.print(`${tag} ${safe(summaryLine(rec))}`);
    if (rec.error) screen.print(`${tag} ${safe(rec.error)}`);
  };

  rl.on('line', (raw: string) => {
    const line = raw.trim();
    if (line === '') return rl.prompt();
    if (line.startsWith(':')) {
      const cmd = line.slice(1).toLowerCase();
      if (cmd === 'stop' || cmd === 's') stop(':stop');
      else if (cmd === 'help' || cmd === 'h' || cmd === '?') screen.print(HELP);
      else if (cmd === 'quit' || cmd === 'q' || cmd === 'exit') return deps.onQuit('quit');
      else screen.print(`unknown command ${safe(line)}; :help lists them (an utterance never starts with ':')`);
      return rl.prompt();
    }
    ask(raw);
    rl.prompt();
  });

  const interrupt = () => {
    if (closed) return;
    stop('Ctrl-C');
    deps.onQuit('ctrl-c');
  };
  rl.on('SIGINT', interrupt);
  // Ctrl-Z would put the node in the background, where reading its terminal stops it
  // (SIGTTIN): a robot node is never suspended by its console.
  rl.on('SIGTSTP', () => screen.print('Ctrl-Z is ignored: the node keeps running (:quit ends it)'));
  rl.on('close', () => {
    if (closed) return;
    closed = true;
    deps.onQuit('eof');
  });

  screen.print(`console: type an utterance, :help for commands, :stop to stop, :quit to end${deps.terminal ? '' : ' (no terminal)'}`);
  rl.prompt();

  return {
    log: (line) => {
      if (!closed) screen.print(safe(line));
    },
    interrupt,
    close() {
      if (closed) return;
      closed = true;
      screen.clearPrompt();
      rl.close();
    },
    detach() {
      if (closed) return;
      closed = true;
      rl.pause();
      deps.input.pause();
    },
  };
}

