import { createApp, type App } from '../../src/app';
import { configWith } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { createOllamaSimulator, type OllamaSimulator } from '../../src/llm/simulator';
import { createMonitor, type Monitor, type MonitorDeps } from '../../src/monitor';
import { createMemoryTransport, type MemoryGraph } from '../../src/ros/memory-transport';
import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../../src/ros/messages';
import { createSilentLogger } from '../../src/util/logger';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface AppRig {
  app: App;
  monitor: Monitor;
  sim?: OllamaSimulator;
  url: string;
  close(): Promise<void>;
}

/**
 * The real app on the memory transport, wired to the monitor the way src/app.ts's caller
 * does, with the project's Ollama SIMULATOR as the LLM (or none) and a Go2 stand-in on the
 * same graph that answers every sport request with `robotCode` (Move is noreply).
 */
export async function startAppRig(opts: { llm: boolean; overrides?: DeepPartial<Config>; robotCode?: number; tuning?: MonitorDeps['tuning'] }): Promise<AppRig> {
  let sim: OllamaSimulator | undefined;
  let hosts: string[] = ['http://127.0.0.1:9'];
  if (opts.llm) {
    sim = createOllamaSimulator({ profile: 'fast' });
    hosts = [await sim.listen(0, '127.0.0.1')];
  }
  const o = opts.overrides ?? {};
  const config = configWith({
    ...o,
    transport: { kind: 'memory', ...o.transport },
    ollama: { enabled: opts.llm, hosts, health_interval_s: 1, ...o.ollama },
    metrics: { port: 0, ...o.metrics },
    robot: { response_timeout_s: 2, settle_ms: 0, ...o.robot },
  } as DeepPartial<Config> as Parameters<typeof configWith>[0]);
  const logger = createSilentLogger();
  const app = await createApp(config, { logger, ...(opts.llm ? {} : { llm: null }) });
  const graph = (app.transport as unknown as { graph: MemoryGraph }).graph;
  const robot = createMemoryTransport({ graph, namespace: '/', clock: app.clock, logger });
  const respond = robot.createPublisher<UnitreeResponseMsg>(MSG.Response, config.topics.sport_response);
  robot.createSubscription<UnitreeRequestMsg>(MSG.Request, config.topics.sport_request, (req) => {
    if (req.header.policy.noreply) return;
    respond.publish({ header: { identity: { id: req.header.identity.id, api_id: req.header.identity.api_id }, status: { code: opts.robotCode ?? 0 } }, data: '', binary: [] });
  });
  const monitor = createMonitor({
    config: app.config,
    telemetry: app.telemetry,
    statusSources: () => app.statusSources,
    clock: app.clock,
    logger: app.logger,
    publishDiagnostics: (msg) => app.node.diagnostics.publish(msg),
    tuning: opts.tuning,
  });
  await app.start();
  const where = await monitor.start();
  return {
    app,
    monitor,
    sim,
    url: where?.url ?? '',
    async close() {
      await monitor.close();
      await app.close();
      await robot.close();
      await sim?.close();
    },
  };
}
