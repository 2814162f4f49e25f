import { createApp, type App, type AppDeps } from '../app';
import { configSource } from '../config/load';
import type { Config } from '../config/types';
import { attachConsole, createLogSink } from '../console/attach';
import { asClaudiaError } from '../util/errors';
import { createConsoleLogger, createJsonLogger, type Logger } from '../util/logger';
import { EXIT } from './exit-codes';
import { addNodeOptions, configFromOptions, rosArgsOf, type NodeOpts } from './node-options';
import { probeOllama } from './probe-ollama';
import type { CliCommandSpec } from './types';

interface RunOpts extends NodeOpts {
  jsonLog?: boolean;
  /** false with --no-console. */
  console?: boolean;
}

/**
 * `claudia-llm run`: starts the node and keeps it up until SIGINT/SIGTERM. On the way out
 * (signal, uncaught error) the executor publishes StopMove if a Move stream is running.
 */
export const spec: CliCommandSpec<RunOpts> = {
  rosArgs: true,
  keepsRunningOnClosedPipe: true,
  define(cmd) {
    cmd
      .option('--json-log', 'log one JSON object per line (for journald or a log shipper)')
      .option('--no-console', 'no interactive console, even in the foreground of a terminal (stdin is never read)')
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

    if (config.ollama.enabled) {
      logger.info(`LLM hosts ${config.ollama.hosts.join(', ')} (set by ${configSource(config, 'ollama.hosts') ?? 'default'}; lowest first: default < OLLAMA_HOST < params file < -p / --ros-args -p < --ollama-host)`);
      const probe = await probeOllama(config.ollama.hosts, config.ollama.connect_timeout_s * 1000);
      if (!probe.reachable) {
        logger.warn(`LLM unreachable at ${config.ollama.hosts.join(', ')} (${probe.error}): reflex-only mode until it answers (reflexes and cache still work)`);
      } else {
        logger.info(`Ollama at ${probe.host}${probe.simulator ? ' (SIMULATOR)' : ''}, version ${probe.version}; model ${config.ollama.model}`);
      }
    } else {
      logger.warn('ollama.enabled is false: reflex-only mode');
    }

    try {
      const { app, done, shutdown } = await startNode(config, { logger, remap, rosArgs: rawRosArgs });
      const con = attachConsole({ pipeline: app.pipeline, enabled: opts.console !== false, sink, shutdown, say: (line) => logger.info(line) });
      const code = await done;
      con?.close();
      return code;
    } catch (err) {
      logger.error(`start-up failed: ${asClaudiaError(err).toField()}`);
      return EXIT.FAILED;
    }
  },
};

/**
 * Starts the node and resolves `done` with the exit code once it has shut down after
 * SIGINT, SIGTERM or an uncaught error. Closing the app ends a running Move stream with
 * StopMove before the process goes.
 */
export async function startNode(config: Readonly<Config>, deps: AppDeps & { logger: Logger }): Promise<{ app: App; done: Promise<number>; shutdown: (why: string) => void }> {
  const { logger } = deps;
  const app = await createApp(config, deps);
  await app.start();

  let shutdownNow: (why: string) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    let stopping = false;
    const onSigint = () => shutdown('SIGINT', 0);
    const onSigterm = () => shutdown('SIGTERM', 0);
    const onUncaught = (err: Error) => {
      logger.error(`uncaught error: ${err.stack ?? String(err)}`);
      shutdown('uncaught error', 1);
    };
    function shutdown(why: string, code: number) {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('uncaughtException', onUncaught);
      logger.info(`shutting down (${why})`);
      const hardExit = setTimeout(() => resolve(code), 5000);
      hardExit.unref();
      app.close().then(
        () => resolve(code),
        (err: unknown) => {
          logger.error(`shutdown error: ${String(err)}`);
          resolve(code || 1);
        },
      );
    }
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('uncaughtException', onUncaught);
    shutdownNow = (why) => shutdown(why, 0);
  });
  // Announce only once the signal handlers are in place: a supervisor may signal right after.
  logger.info(`claudia_llm up: transport ${config.transport.kind}, node ${config.node.namespace}/${config.node.name}, ` +
    `speech on ${app.transport.resolveName(config.topics.speech_text)} and ${app.transport.resolveName(config.topics.speech)}, ` +
    `service ${app.transport.resolveName(config.topics.llm_query)}`);
  return { app, done, shutdown: (why) => shutdownNow(why) };
}
