import { Option } from 'commander';
import { createApp, type App } from '../app';
import { createSystemClock } from '../util/clock';
import { asClaudiaError, BadInputError } from '../util/errors';
import { createConsoleLogger, jsonReplacer } from '../util/logger';
import type { TelemetryEvent } from '../util/telemetry';
import { EXIT } from './exit-codes';
import { startHeartbeat } from './heartbeat';
import { addNodeOptions, configFromOptions, rosArgsOf, type NodeOpts } from './node-options';
import { numberIn, integerIn, positiveSeconds } from './option-parsers';
import { readAll, readInputFile } from './read-input-file';
import type { CliCommandSpec, CliIo } from './types';
import { terminalSafe } from '../util/terminal-text';

interface QueryOpts extends NodeOpts {
  json?: boolean;
  file?: string;
  language?: string;
  promptType?: string;
  session?: string;
  priority?: number;
  dryRun?: boolean;
  timeout?: number;
  confidence?: number;
}

/** `claudia-llm query "<text>" [--json]`: one request through the full pipeline on an in-process node. */
export const spec: CliCommandSpec<QueryOpts> = {
  rosArgs: true,
  keepsRunningOnClosedPipe: true,
  define(cmd) {
    cmd
      .argument('[text]', 'the utterance; - reads it from stdin (any length)')
      .option('-f, --file <path>', 'read the utterance from a file (- = stdin)')
      .option('--json', 'print one JSON object with the LlmQuery response fields')
      .addOption(new Option('--language <lang>', 'language of the text (default: detect)').choices(['ja', 'zh', 'en']))
      .addOption(new Option('--prompt-type <type>', 'prompt template (default: auto)').choices(['auto', 'dialog', 'command', 'technical', 'emergency']))
      .option('--session <id>', 'session id (dialog history)')
      .option('--priority <n>', '0 auto, 1 urgent, 2 high, 3 medium, 4 low', integerIn(0, 4))
      .option('--dry-run', 'decide but publish nothing (a stop word still publishes StopMove)')
      .option('--timeout <s>', 'seconds to wait for a decision (default: the lane deadline)', positiveSeconds)
      .option('--confidence <c>', 'ASR confidence 0..1 (default: unscored, which blocks high-risk actions)', numberIn(0, 1))
      .addHelpText('after', '\nExamples:\n  npx claudia-llm query "座って" --dry-run --no-llm\n  echo "お手" | npx claudia-llm query - --json\n  npx claudia-llm query --file utterance.txt');
    addNodeOptions(cmd, { transportDefault: 'memory' });
  },
  async run({ args, opts, ros, io, env }) {
    const text = await utterance(args[0] as string | undefined, opts.file, env.stdin);
    const loaded = configFromOptions(opts, rosArgsOf(ros));
    // A one-shot query serves no dashboard unless asked (--metrics-port): it must not fight a running node for the port.
    const config = opts.metricsPort !== undefined ? loaded : { ...loaded, metrics: { ...loaded.metrics, enabled: false } };
    const quietLogger = createConsoleLogger({ level: opts.json ? 'error' : 'warn', write: (l) => io.err(l) });
    let app: App | undefined;
    let stage = 'starting the node';
    const heartbeat = startHeartbeat({ io, prefix: 'claudia-llm query', describe: (s) => `${stage} (${s} s so far)` });
    try {
      app = await createApp(config, { clock: createSystemClock(), logger: quietLogger });
      app.telemetry.on((e) => (stage = stageOf(e) ?? stage));
      await app.start();
      stage = 'deciding';
      // Ctrl-C (SIGINT/SIGTERM) while deciding or while a Move runs: stop the robot first
      // (StopMove on whatever transport this node publishes on), then end the request.
      const started = app;
      const cancel = new AbortController();
      let interrupted = false;
      void env.untilStopped(cancel.signal).then(() => {
        if (cancel.signal.aborted) return;
        interrupted = true;
        started.pipeline.stop({ origin: 'cli', text: 'Ctrl-C' });
        cancel.abort();
      });
      const handled = app.pipeline.handle({
        text,
        origin: 'cli',
        language: opts.language,
        promptType: opts.promptType,
        sessionId: opts.session,
        priority: opts.priority,
        dryRun: opts.dryRun === true,
        timeoutS: opts.timeout,
        confidence: opts.confidence,
      }, { signal: cancel.signal });
      const rec = await handled;
      heartbeat.stop();
      if (interrupted) {
        io.err('claudia-llm query: interrupted: StopMove published, the request was canceled');
        return EXIT.FAILED;
      }
      cancel.abort(); // the request is over: a later signal is not for it
      const out = {
        success: rec.success,
        reply: rec.reply,
        language: rec.language,
        actions: rec.actions.map((a) => ({ name: a.name, api_id: a.api_id, parameter: a.parameter, verdict: a.verdict })),
        source: rec.source,
        latency_ms: Math.round(rec.latencyMs * 1000) / 1000,
        error: rec.error,
      };
      if (opts.json) io.out(JSON.stringify(out, jsonReplacer));
      else printHuman(out, io);
      return rec.success ? EXIT.OK : EXIT.FAILED;
    } catch (err) {
      heartbeat.stop();
      const e = asClaudiaError(err);
      if (opts.json) io.out(JSON.stringify({ success: false, reply: '', language: '', actions: [], source: 'fallback', latency_ms: 0, error: e.toField() }));
      else io.err(terminalSafe(`claudia-llm query: ${e.toField()}`));
      return EXIT.FAILED;
    } finally {
      heartbeat.stop();
      await app?.close();
    }
  },
};

/** Exactly one of: the argument, `-` (stdin), --file. One trailing newline (from echo or an editor) is not part of it. */
async function utterance(arg: string | undefined, file: string | undefined, stdin: NodeJS.ReadableStream): Promise<string> {
  if (arg !== undefined && file !== undefined) throw new BadInputError("give the text either as an argument or with --file, not both");
  if (arg === undefined && file === undefined) throw new BadInputError('no text: give it as an argument ("座って"), - to read stdin, or --file PATH');
  if (arg !== undefined && arg !== '-') return arg;
  const text = file !== undefined && file !== '-' ? readInputFile(file, 'pass a UTF-8 text file with the utterance') : await readAll(stdin);
  return text.replace(/\r?\n$/, '');
}

function stageOf(e: TelemetryEvent): string | undefined {
  if (e.type === 'sched' && e.event === 'enqueued') return `queued for the LLM (${e.lane} lane)`;
  if (e.type === 'sched' && e.event === 'dispatched') return `waiting for the LLM${e.host ? ` at ${e.host}` : ''}`;
  if (e.type === 'llm_call') return e.ok ? 'executing' : 'the LLM call failed; answering without it';
  return undefined;
}

/** Human output: the reply and error come from the LLM or the user, so nothing in them may drive the terminal. */
function printHuman(out: { reply: string; actions: Array<{ name: string; api_id: number | bigint; parameter: string; verdict: string }>; source: string; language: string; latency_ms: number; error: string }, io: CliIo): void {
  const say = (line: string) => io.out(terminalSafe(line));
  say(`reply:   ${out.reply}`);
  say(`actions: ${out.actions.length ? out.actions.map((a) => `${a.name}(${a.api_id} ${a.parameter}) ${a.verdict}`).join(', ') : '(none)'}`);
  say(`source:  ${out.source}  language: ${out.language || '?'}  latency: ${out.latency_ms} ms`);
  if (out.error) say(`error:   ${out.error}`);
}
