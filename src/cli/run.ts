import { createApp, type App, type AppDeps } from '../app';
import { configSource } from '../config/load';
import type { Config } from '../config/types';
import { attachConsole, createLogSink } from '../console/attach';
import { MAX_TIMER_MS } from '../util/clock';
import { asClaudiaError } from '../util/errors';
import { createConsoleLogger, createJsonLogger, type Logger } from '../util/logger';
import { EXIT } from './exit-codes';
import { addNodeOptions, configFromOptions, rosArgsOf, type NodeOpts } from './node-options';
import { llmModelName } from '../llm/backends';
import { watchParent } from './parent-watch';
import { probeOllama } from './probe-ollama';
import type { CliCommandSpec } from './types';

interface RunOpts extends NodeOpts {
  jsonLog?: boolean;
  exitWithParent?: boolean;
  /** false with --no-console. */
  console?: boolean;
}

/**
 * `claudia-llm run`: starts the node and keeps it up until SIGINT, SIGTERM, SIGHUP or SIGQUIT. On the way out
 * (signal, uncaught error) the executor publishes StopMove if a Move stream is running.
 */
export const spec: CliCommandSpec<RunOpts> = {
  rosArgs: true,
  keepsRunningOnClosedPipe: true,
  define(cmd) {
    cmd
      .option('--json-log', 'log one JSON object per line (for journald or a log shipper)')
      .option('--no-console', 'no interactive console, even in the foreground of a terminal (stdin is never read)')
      .option('--exit-with-parent', 'shut down (StopMove first) when the process that started the node exits, e.g. ros2 launch or ros2 run ended by SIGTERM or SIGKILL (bin/claudia_llm_node sets it)')
      .addHelpText('after', '\nROS arguments may follow: --ros-args -r __ns:=/dog1 -p ollama.model:=qwen2.5:7b --params-file FILE\n\nExamples:\n  npm start\n  npx claudia-llm run --transport dds --ollama-host http://127.0.0.1:11434');
    addNodeOptions(cmd);
  },
  async run({ opts, ros, io }) {
    let config: Readonly<Config>;
    let remap: ReadonlyMap<string, string> | undefined;
    let rawRosArgs: string[] | undefined;
    try {
      const rosArgs = rosArgsOf(ros);
      config = configFromOptions(opts, rosArgs);
      remap = rosArgs?.remap;
      rawRosArgs = rosArgs?.raw;
    } catch (err) {
      io.err(`claudia-llm run: ${asClaudiaError(err).toField()}`);
      return EXIT.USAGE;
    }
    // Log lines go above the console's prompt while it is open, to stderr otherwise.
    const sink = createLogSink();
    const logger: Logger = opts.jsonLog ? createJsonLogger({ level: config.log.level, write: sink.write }) : createConsoleLogger({ level: config.log.level, write: sink.write });

    if (config.ollama.enabled && config.llm.backend === 'embedded') {
      // In-process engine: no server to probe; the model loads at start (ollama.warmup) or on the first call.
      logger.info(`LLM: embedded engine (node-llama-cpp), model ${config.llm.model_path}, ${config.ollama.num_parallel} sequence(s) of ${config.ollama.num_ctx} tokens`);
    } else if (config.ollama.enabled) {
      logger.info(`LLM hosts ${config.ollama.hosts.join(', ')} (set by ${configSource(config, 'ollama.hosts') ?? 'default'}; lowest first: default < OLLAMA_HOST < params file < -p / --ros-args -p < --ollama-host)`);
      const probe = await probeOllama(config.ollama.hosts, config.ollama.connect_timeout_s * 1000, config.llm.backend === 'openai' ? 'openai' : 'ollama');
      if (!probe.reachable) {
        logger.warn(`LLM unreachable at ${config.ollama.hosts.join(', ')} (${probe.error}): reflex-only mode until it answers (reflexes and cache still work)`);
      } else {
        logger.info(`${config.llm.backend === 'openai' ? 'OpenAI-compatible server' : 'Ollama'} at ${probe.host}${probe.simulator ? ' (SIMULATOR)' : ''}, version ${probe.version}; model ${llmModelName(config)}`);
      }
    } else {
      logger.warn('ollama.enabled is false: reflex-only mode');
    }

    try {
      const { app, done, shutdown } = await startNode(config, { logger, remap, rosArgs: rawRosArgs });
      const con = attachConsole({ pipeline: app.pipeline, enabled: opts.console !== false, sink, shutdown, say: (line) => logger.info(line) });
      const parent = opts.exitWithParent ? watchParent((pid) => shutdown(`the process that started the node (pid ${pid}) has exited`)) : undefined;
      const code = await done;
      parent?.stop();
      con?.close();
      return code;
    } catch (err) {
      logger.error(`start-up failed: ${asClaudiaError(err).toField()}`);
      return EXIT.FAILED;
    }
  },
};

/** Signals that end the node; each one shuts it down the same way (StopMove first when moving). */
export const TERMINATING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Starts the node and resolves `done` with the exit code once it has shut down after
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT or an uncaught error (bounded by
 * node.shutdown_timeout_s). Closing the app ends a running Move stream with
 * StopMove before the process goes.
 */
export async function startNode(config: Readonly<Config>, deps: AppDeps & { logger: Logger }): Promise<{ app: App; done: Promise<number>; shutdown: (why: string) => void }> {
  const { logger } = deps;
  const app = await createApp(config, deps);
  await app.start();

  let shutdownNow: (why: string) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    let stopping = false;
    // Every signal that ends a process: SIGHUP is the SSH session that dropped, SIGQUIT Ctrl-\.
    const handlers = TERMINATING_SIGNALS.map((sig) => [sig, () => shutdown(sig, 0)] as const);
    const onUncaught = (err: Error) => {
      logger.error(`uncaught error: ${err.stack ?? String(err)}`);
      shutdown('uncaught error', 1);
    };
    const off = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
      process.off('uncaughtException', onUncaught);
    };
    function shutdown(why: string, code: number) {
      // The handlers stay installed until shutdown has ended: a repeated signal must not kill
      // the process by the default action half way through (before StopMove went out).
      if (stopping) {
        logger.warn(`${why} during shutdown: already shutting down (at most node.shutdown_timeout_s ${config.node.shutdown_timeout_s} s)`);
        return;
      }
      stopping = true;
      logger.info(`shutting down (${why})`);
      const finish = (c: number) => {
        clearTimeout(hardExit);
        off();
        resolve(c);
      };
      const hardExit = setTimeout(() => {
        logger.error(`shutdown did not finish within node.shutdown_timeout_s (${config.node.shutdown_timeout_s} s); exiting anyway`);
        finish(code || 1);
      }, Math.min(MAX_TIMER_MS, config.node.shutdown_timeout_s * 1000));
      // The app closes the pipeline, then the executor (StopMove when a Move stream runs), then the rest.
      app.close().then(
        () => {
          logger.info('shut down');
          finish(code);
        },
        (err: unknown) => {
          logger.error(`shutdown error: ${String(err)}`);
          finish(code || 1);
        },
      );
    }
    for (const [sig, h] of handlers) process.on(sig, h);
    process.on('uncaughtException', onUncaught);
    shutdownNow = (why) => shutdown(why, 0);
  });
  // Announce only once the signal handlers are in place: a supervisor may signal right after.
  logger.info(`claudia_llm up: transport ${config.transport.kind}, node ${config.node.namespace}/${config.node.name}, ` +
    `speech on ${app.transport.resolveName(config.topics.speech_text)} and ${app.transport.resolveName(config.topics.speech)}, ` +
    `service ${app.transport.resolveName(config.topics.llm_query)}`);
  return { app, done, shutdown: (why) => shutdownNow(why) };
}
