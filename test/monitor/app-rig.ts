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
  /** Api ids of every Request the robot stand-in received, in order. */
  robotApiIds(): number[];
  close(): Promise<void>;
}

/**
 * The real app on the memory transport with the monitor src/app.ts wires, the project's
 * Ollama SIMULATOR as the LLM (or none) and a Go2 stand-in on the
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
    metrics: { port: 0, ...o.metrics, ...(opts.tuning ? { enabled: false } : {}) },
    robot: { response_timeout_s: 2, settle_ms: 0, ...o.robot },
  } as DeepPartial<Config> as Parameters<typeof configWith>[0]);
  const logger = createSilentLogger();
  const app = await createApp(config, { logger, ...(opts.llm ? {} : { llm: null }) });
  const graph = (app.transport as unknown as { graph: MemoryGraph }).graph;
  const robot = createMemoryTransport({ graph, namespace: '/', clock: app.clock, logger });
  const respond = robot.createPublisher<UnitreeResponseMsg>(MSG.Response, config.topics.sport_response);
  const received: number[] = [];
  robot.createSubscription<UnitreeRequestMsg>(MSG.Request, config.topics.sport_request, (req) => {
    received.push(Number(req.header.identity.api_id));
    if (req.header.policy.noreply) return;
    respond.publish({ header: { identity: { id: req.header.identity.id, api_id: req.header.identity.api_id }, status: { code: opts.robotCode ?? 0 } }, data: '', binary: [] });
  });
  // The app wires its own monitor (src/app.ts). A test that needs tighter limits (ping
  // interval, tick) gets a tuned monitor on the same telemetry and status sources instead,
  // with the app's HTTP server off; the app's monitor still publishes /diagnostics.
  let monitor: Monitor = app.monitor;
  let own: Monitor | undefined;
  if (opts.tuning) {
    own = createMonitor({
      config: { ...app.config, metrics: { ...app.config.metrics, enabled: true }, audit: { ...app.config.audit, path: '' } },
      telemetry: app.telemetry,
      statusSources: () => app.statusSources,
      clock: app.clock,
      logger: app.logger,
      tuning: opts.tuning,
    });
    monitor = own;
  }
  await app.start();
  const where = own ? await own.start() : undefined;
  const url = where?.url ?? app.monitorUrl() ?? '';
  return {
    app,
    monitor,
    sim,
    url,
    robotApiIds: () => [...received],
    async close() {
      await own?.close();
      await app.close();
      await robot.close();
      await sim?.close();
    },
  };
}
