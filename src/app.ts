import { createDecisionCache } from './cache';
import type { Config } from './config/types';
import { createHttpApi } from './http/api';
import { createLlmDecider, llmModelName } from './llm';
import { createMonitor, type Monitor } from './monitor';
import { PROMPT_VERSION } from './prompt';
import { createPipeline, type Pipeline } from './pipeline/pipeline';
import { createStopEpoch, type DecisionCache, type LlmDecider, type MotionExecutor, type StopEpoch } from './pipeline/stages';
import { createEmergencyReflex } from './reflex/emergency-reflex';
import { createGrammarReflex } from './reflex/grammar-reflex';
import { loadPhrasebook } from './lang/phrasebook';
import { loadCatalogue, type ActionCatalogue } from './robot/catalogue';
import { createMotionExecutor } from './robot/motion-executor';
import { createRobotState, type RobotState, type SportModeStateLike } from './robot/robot-state';
import { createSafetyCompiler } from './robot/safety-compiler';
import { createClaudiaNode, type ClaudiaNode } from './ros/claudia-node';
import { createTransport } from './ros/create-transport';
import type { MemoryGraph } from './ros/memory-transport';
import type { UnitreeRequestMsg } from './ros/messages';
import type { RosTransport } from './ros/types';
import { createSystemClock, type Clock } from './util/clock';
import { asClaudiaError } from './util/errors';
import { createConsoleLogger, type Logger } from './util/logger';
import { createTelemetry, type StatusSource, type Telemetry } from './util/telemetry';

export interface AppDeps {
  clock?: Clock;
  logger?: Logger;
  telemetry?: Telemetry;
  /** Use this transport instead of creating one from config.transport.kind. */
  transport?: RosTransport;
  /** For the memory transport: the graph to join (tests attach peers to it). */
  graph?: MemoryGraph;
  remap?: ReadonlyMap<string, string>;
  /** rclnodejs only: the `--ros-args ...` part of argv, handed to rclnodejs.init. */
  rosArgs?: string[];
  /** null = no LLM at all (reflex-only), undefined = build one from config.ollama. */
  llm?: LlmDecider | null;
  /** null = no cache. */
  cache?: DecisionCache | null;
}

export interface App {
  readonly config: Readonly<Config>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly transport: RosTransport;
  readonly catalogue: ActionCatalogue;
  readonly epoch: StopEpoch;
  readonly state: RobotState;
  readonly executor: MotionExecutor;
  readonly pipeline: Pipeline;
  readonly node: ClaudiaNode;
  readonly llm?: LlmDecider & { warmup?(): Promise<void> };
  readonly cache?: DecisionCache;
  /** Health of every component, for /diagnostics and the dashboard. */
  readonly statusSources: StatusSource[];
  /** Metrics, dashboard, /healthz, /diagnostics and the audit log. */
  readonly monitor: Monitor;
  /** Base URL of the metrics/dashboard server once started (undefined when metrics.enabled is false). */
  monitorUrl(): string | undefined;
  /** Connects what is slow to connect (cache warm-up, LLM warm-up) without blocking requests. */
  start(): Promise<void>;
  /** Stops motion (StopMove if a stream runs), rejects pending work, closes connections. */
  close(): Promise<void>;
}

/** The one place that wires the node: config in, running components out. */
export async function createApp(config: Readonly<Config>, deps: AppDeps = {}): Promise<App> {
  const clock = deps.clock ?? createSystemClock();
  const baseLogger = deps.logger ?? createConsoleLogger({ level: config.log.level });
  const telemetry = deps.telemetry ?? createTelemetry();
  const catalogue = loadCatalogue(config.robot.actions_file);
  const transport =
    deps.transport ??
    (await createTransport(config.transport.kind, {
      namespace: config.node.namespace,
      nodeName: config.node.name,
      clock,
      logger: baseLogger,
      config,
      remap: deps.remap,
      graph: deps.graph,
      rosArgs: deps.rosArgs,
    }));
  // Under ROS, log through rcl so lines reach /rosout and `ros2 launch` output.
  const logger = transport.kind === 'rclnodejs' ? transport.logger : baseLogger;
  // All or nothing: whatever fails after the transport is up closes what was started, newest first.
  const started: Array<{ what: string; close: () => Promise<void> | void }> = [{ what: 'transport', close: () => transport.close() }];
  try {
    return await wireApp(config, deps, { clock, logger, telemetry, catalogue, transport, started });
  } catch (err) {
    await closeAll(started, logger);
    throw err;
  }
}

/** Closes components newest first; one that fails to close does not keep the others open. */
async function closeAll(started: Array<{ what: string; close: () => Promise<void> | void }>, logger: Logger): Promise<void> {
  for (const c of started.splice(0).reverse()) {
    try {
      await c.close();
    } catch (err) {
      logger.warn(`closing ${c.what} failed`, { error: asClaudiaError(err).toField() });
    }
  }
}

async function wireApp(
  config: Readonly<Config>,
  deps: AppDeps,
  base: { clock: Clock; logger: Logger; telemetry: Telemetry; catalogue: ActionCatalogue; transport: RosTransport; started: Array<{ what: string; close: () => Promise<void> | void }> },
): Promise<App> {
  const { clock, logger, telemetry, catalogue, transport, started } = base;
  const epoch = createStopEpoch();
  // The phrasebook is checked at start against the catalogue and the shipped stop words (E_CONFIG, file and line).
  const phrases = loadPhrasebook(config.language.phrases_dir, catalogue.actions.keys());
  const state = createRobotState({ config, clock, telemetry });

  // The executor publishes through the node's publisher, which exists only after the node; a late-bound sink breaks the cycle.
  let sink: ((msg: UnitreeRequestMsg) => void) | undefined = undefined;
  const executor = createMotionExecutor({ config, catalogue, state, epoch, clock, logger, telemetry, publish: (msg: UnitreeRequestMsg) => sink?.(msg) });
  const safety = createSafetyCompiler({ config, catalogue, state, epoch, telemetry });

  started.push({ what: 'motion executor', close: () => executor.close() });
  const llm: (LlmDecider & { warmup?(): Promise<void> }) | undefined =
    deps.llm === null || !config.ollama.enabled
      ? undefined
      : (deps.llm ?? createLlmDecider({ config, catalogue, clock, logger, telemetry }));
  if (llm) started.push({ what: 'LLM', close: () => llm.close() });
  const cache =
    deps.cache === null || !config.cache.enabled
      ? undefined
      : (deps.cache ?? createDecisionCache({ config, version: `${catalogue.hash}:${llmModelName(config)}:${PROMPT_VERSION}`, clock, logger, telemetry }));
  if (cache) started.push({ what: 'cache', close: () => cache.close() });

  const emergency = createEmergencyReflex({ phrases });
  const pipeline = createPipeline({
    config,
    catalogue,
    clock,
    logger,
    telemetry,
    epoch,
    emergency,
    grammar: createGrammarReflex({ catalogue, config, phrases }),
    phrases,
    cache,
    llm,
    safety,
    executor,
  });
  started.push({ what: 'pipeline', close: () => pipeline.close() });

  const node = createClaudiaNode({
    config,
    transport,
    pipeline,
    logger,
    telemetry,
    onSportResponse: (msg) => executor.onResponse(msg),
    onSportModeState: (msg) => state.onSportModeState(msg as SportModeStateLike),
    onBatteryPercent: (p) => state.onBattery(p),
  });
  started.push({ what: 'node', close: () => node.close() });
  sink = (msg) => node.sportRequest.publish(msg);

  const statusSources: StatusSource[] = [
    ...(llm && 'statusSources' in llm ? (llm as { statusSources(): StatusSource[] }).statusSources() : []),
    ...(cache && 'status' in cache ? [cache as unknown as StatusSource] : []),
    ...('status' in safety ? [safety as unknown as StatusSource] : []),
    { component: 'motion', status: () => executor.status() },
    ...('status' in transport && typeof (transport as { status?: unknown }).status === 'function'
      ? [{ component: 'transport' as const, status: () => (transport as unknown as { status(): ReturnType<StatusSource['status']> }).status() }]
      : []),
  ];

  // The HTTP API shares the monitor's server (same host, port and token rules); /v1/status is the monitor's health in detail.
  const httpApi = config.http.enabled ? createHttpApi({ config, pipeline, catalogue, logger, status: () => monitor.health(true).body }) : undefined;
  const monitor = createMonitor({
    config,
    telemetry,
    statusSources: () => statusSources,
    clock,
    logger,
    publishDiagnostics: config.diagnostics.enabled ? (msg) => node.diagnostics.publish(msg) : undefined,
    httpPlugins: httpApi ? [httpApi] : [],
  });
  started.push({ what: 'monitor', close: () => monitor.close() });
  let monitorUrl: string | undefined;

  let closed = false;
  const app: App = {
    config, clock, logger, telemetry, transport, catalogue, epoch, state, executor, pipeline, node, llm, cache, statusSources, monitor,
    monitorUrl: () => monitorUrl,
    async start() {
      try {
        await startAll();
      } catch (err) {
        await app.close();
        throw err;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      // The pipeline first (nothing new starts), then the executor (StopMove if a Move stream runs), then the rest newest first.
      const order = ['pipeline', 'motion executor'];
      const first = started.filter((c) => order.includes(c.what)).sort((a, b) => order.indexOf(a.what) - order.indexOf(b.what));
      const rest = started.filter((c) => !order.includes(c.what));
      await closeAll(first, logger);
      await closeAll(rest, logger);
    },
  };
  return app;

  async function startAll(): Promise<void> {
    // Before anything is heard: the first long utterance is then read by compiled code.
    emergency.warmUp?.();
    const served = await monitor.start();
    if (served) {
      monitorUrl = served.url;
      logger.info(`metrics on ${served.url}/metrics, dashboard on ${served.url}/`);
    }
    if (cache && 'warm' in cache) {
      await (cache as { warm(): Promise<number> }).warm().catch((err: unknown) =>
        logger.warn('cache warm-up from Redis failed; starting cold', { error: asClaudiaError(err, 'E_CACHE').toField() }),
      );
    }
    if (!llm) {
      logger.warn('LLM disabled: reflex-only mode (reflexes and cache answer; everything else gets a fallback reply)');
    } else if (llm.warmup && config.ollama.warmup) {
      // Warm-up can take 15-25 s on the Jetson; requests are served meanwhile.
      llm.warmup().catch((err: unknown) => logger.warn('LLM warm-up failed', { error: asClaudiaError(err).toField() }));
    }
  }
}
